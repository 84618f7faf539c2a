#include "ar_log.h"

#include "platform/platform.h"
#include "util/path.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

char *ar_log_format(const char *program, const char *text, time_t when)
{
	struct tm tm;
	char stamp[32];
	strbuf sb = {0};

	platform_localtime(when, &tm);
	strftime(stamp, sizeof(stamp), "%Y/%m/%d %H:%M:%S", &tm);
	strbuf_addf(&sb, "%s active-response/bin/%s: ", stamp, program);
	/* A line break inside would split one record into two. */
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\r\n");
		strbuf_add(&sb, p, n);
		if (p[n] != '\0')
			strbuf_adds(&sb, " ");
		p += n + (p[n] != '\0');
	}
	strbuf_adds(&sb, "\n");
	return strbuf_take(&sb, NULL);
}

ar_status ar_log_check(const char *path, ar_error *err)
{
	ar_status st = platform_check_file(path, err);

	return st == AR_OK ? AR_OK : ar_error_prefix(err, st, "log");
}

ar_status ar_log_append(const char *path, const char *program, const char *text, ar_error *err)
{
	char *line = ar_log_format(program, text, time(NULL));
	char *dir = NULL;
	ar_status st;

	if (line == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	st = platform_append_line(path, line, strlen(line), err);
	if (st == AR_E_NOT_FOUND && (dir = path_dir(path)) != NULL &&
	    platform_mkdir_p(dir, NULL) == AR_OK)
		st = platform_append_line(path, line, strlen(line), err);
	free(dir);
	free(line);
	return st;
}
