/* Errors as values: every fallible function in lib/ returns an ar_status and,
 * on failure, fills an ar_error with a message meant for a person. */
#ifndef AR_ERROR_H
#define AR_ERROR_H

#include <stddef.h>

/* printf-style checking; mingw's C99 stdio (__USE_MINGW_ANSI_STDIO) takes
 * the GNU formats, %zu included. */
#if defined(__MINGW32__)
#define AR_PRINTF(fmt, args) __attribute__((format(gnu_printf, fmt, args)))
#elif defined(__GNUC__)
#define AR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define AR_PRINTF(fmt, args)
#endif

typedef enum ar_status {
	AR_OK = 0,
	AR_E_INVALID,   /* bad input: message, .reg file, configuration */
	AR_E_TOO_LARGE, /* input over a size cap */
	AR_E_NOT_FOUND, /* file or object missing where required */
	AR_E_ACCESS,    /* permission denied */
	AR_E_IO,        /* read/write/rename failed */
	AR_E_NOMEM,
	AR_E_UNSUPPORTED, /* operation not available on this build */
	AR_E_NETWORK,     /* connection, TLS or HTTP failure */
	AR_E_MISMATCH,    /* read-back differs from what was written */
	AR_E_TIMEOUT      /* a bounded wait ran out */
} ar_status;

#define AR_ERROR_MSG_MAX 512

typedef struct ar_error {
	ar_status status;
	char msg[AR_ERROR_MSG_MAX];
} ar_error;

/* Sets status and a printf-style message; returns status so callers can
 * write `return ar_error_set(err, AR_E_IO, "...")`. err may be NULL. */
ar_status ar_error_set(ar_error *err, ar_status status, const char *fmt, ...) AR_PRINTF(3, 4);

/* Prefixes the message already in err with context ("writing backup: ...")
 * and returns status, the failure being passed on: callers write
 * `return ar_error_prefix(err, st, "...")`. err may be NULL. */
ar_status ar_error_prefix(ar_error *err, ar_status status, const char *fmt, ...) AR_PRINTF(3, 4);

#endif
