/* Compression framing (stub, lz4, migrate). Only the library version so far. */
#ifndef COMP_H
#define COMP_H

const char *comp_lz4_version(void);

#endif
