/* The floor of a compliant run: read the alert's line, exit. */
#include <stdio.h>

int main(void)
{
	char line[65536];

	return fgets(line, sizeof(line), stdin) ? 0 : 1;
}
