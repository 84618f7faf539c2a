#include "util/ar_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

ar_status ar_error_set(ar_error *err, ar_status status, const char *fmt, ...)
{
	if (err != NULL) {
		va_list ap;
		va_start(ap, fmt);
		err->status = status;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return status;
}

ar_status ar_error_prefix(ar_error *err, ar_status status, const char *fmt, ...)
{
	char old[AR_ERROR_MSG_MAX];
	size_t n, room;
	va_list ap;

	if (err == NULL)
		return status;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	/* "prefix: old message", cut to fit. */
	n = strlen(err->msg);
	room = sizeof(err->msg) - 1 - n;
	if (room >= 2) {
		memcpy(err->msg + n, ": ", 2);
		n += 2;
		room -= 2;
		old[room < sizeof(old) ? room : sizeof(old) - 1] = '\0';
		memcpy(err->msg + n, old, strlen(old) + 1);
	}
	err->status = status;
	return status;
}
