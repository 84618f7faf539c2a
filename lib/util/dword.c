#include "util/dword.h"

void dword_pack(uint32_t v, unsigned char out[4])
{
	for (int i = 0; i < 4; i++)
		out[i] = (unsigned char)(v >> (8 * i));
}

uint32_t dword_unpack(const unsigned char in[4])
{
	return (uint32_t)in[0] | ((uint32_t)in[1] << 8) | ((uint32_t)in[2] << 16) |
	       ((uint32_t)in[3] << 24);
}
