#include "util/secret.h"

#include <stdlib.h>
#include <string.h>

void secret_wipe(void *p, size_t len)
{
	/* Stores through a volatile pointer are kept even right before free(). */
	volatile unsigned char *v = p;

	while (len-- > 0)
		*v++ = 0;
}

void secret_free(char *s)
{
	if (s != NULL) {
		secret_wipe(s, strlen(s));
		free(s);
	}
}
