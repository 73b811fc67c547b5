/* Portability shims. Linux/glibc is the only target today. */
#ifndef COMPAT_H
#define COMPAT_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#endif
