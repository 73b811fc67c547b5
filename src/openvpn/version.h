/* --version output: program, build features, library versions. */
#ifndef VERSION_H
#define VERSION_H

#include <stdio.h>

/* "openvpn-ng 0.1.0 x86_64-pc-linux-gnu [EPOLL] ..." */
const char *version_title(void);
void version_print(FILE *out);

#endif
