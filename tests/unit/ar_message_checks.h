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

/* The Wazuh major whose shape the message came in, as the program tells
 * them apart: execd's 5.x commands are "enable" and "disable" (4.x: "add"
 * and "delete"); a 5.x finding names its policy by id, a 4.x one by name. */
static inline int message_major(const ar_message *m)
{
	bool v5;

	if (m->form == AR_FORM_EXECD)
		v5 = strcmp(m->command_name, "enable") == 0 ||
		     strcmp(m->command_name, "disable") == 0;
	else
		v5 = m->finding.policy_id != NULL;
	return v5 ? 5 : 4;
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
