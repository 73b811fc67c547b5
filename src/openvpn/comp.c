/* Compression framing. */
#include "comp.h"

#include <lz4.h>

const char *comp_lz4_version(void)
{
	return LZ4_versionString();
}
