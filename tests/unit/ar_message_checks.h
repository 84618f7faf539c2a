/* Checks both message suites (test_ar_message.c for 4.x,
 * test_ar_message_v5.c for 5.x) make on a message given as text. */
#ifndef AR_MESSAGE_CHECKS_H
#define AR_MESSAGE_CHECKS_H

#include "ar_message.h"

#include <check.h>
#include <string.h>

static inline ar_status parse_text(const char *line, ar_message *m, ar_error *err)
{
	return ar_message_parse(line, strlen(line), m, err);
}

/* The text is refused as invalid, with want in the message, and leaves
 * nothing allocated. */
static inline void text_fails(const char *line, const char *want)
{
	ar_message m;
	ar_error err = {0};

	ck_assert_msg(parse_text(line, &m, &err) == AR_E_INVALID, "accepted: %s", line);
	ck_assert_msg(strstr(err.msg, want) != NULL, "error \"%s\" lacks \"%s\"", err.msg, want);
	ck_assert_ptr_null(m.root);
}

#endif
