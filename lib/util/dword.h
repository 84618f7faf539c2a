/* REG_DWORD data as the registry stores it: 4 bytes, little-endian, on
 * every system whatever its own byte order. */
#ifndef DWORD_H
#define DWORD_H

#include <stdint.h>

void dword_pack(uint32_t v, unsigned char out[4]);
uint32_t dword_unpack(const unsigned char in[4]);

#endif
