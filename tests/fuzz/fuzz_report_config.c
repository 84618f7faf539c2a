/* The configuration as the program reads it: config_read of a file holding
 * the bytes, then report_config_parse. The file lives in $TMPDIR (tests/fuzz/run.sh
 * points that at a folder it removes). */
#include "report/report_config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[4096];

static void remove_file(void)
{
	(void)unlink(path);
}

/* The file, made on the first call; the process ends if it cannot be. */
static int config_file(void)
{
	static int fd = -1;
	const char *tmp = getenv("TMPDIR");

	if (fd >= 0)
		return fd;
	snprintf(path, sizeof(path), "%s/fuzz-report-config-XXXXXX", tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		abort();
	}
	atexit(remove_file);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = config_file();
	report_config *cfg = NULL;
	ar_error err = {0};
	char *text = NULL;
	size_t len = 0;
	ar_status st;

	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	st = config_read(path, &text, &len, &err);
	if (st == AR_OK)
		st = report_config_parse(text, len, "/nonexistent/spool", &cfg, &err);
	if (st == AR_OK)
		report_config_free(cfg);
	else if (err.msg[0] == '\0')
		abort(); /* every refusal says why */
	free(text);
	return 0;
}
