/* Text comparisons that ignore ASCII case only, whatever the locale:
 * registry key and value names, .reg files and the words of messages
 * compare so; and text from outside made safe to echo. */
#ifndef TEXT_H
#define TEXT_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* 'A'..'Z' lowered, every other byte as it is. */
static inline char text_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* A NUL-terminated copy of s[0..n) (which may hold no NUL). Caller frees;
 * NULL on no memory. */
char *text_dup_n(const char *s, size_t n);

/* The one way text from outside (an alert's fields, a peer's names, what
 * a message quotes) is echoed, to a terminal or a log: every control
 * character escaped (C0 and DEL as \xNN, the C1 controls U+0080..U+009F
 * as \u00NN, so that it cannot move a cursor, retitle a window or hide a
 * line), every byte that is not part of a UTF-8 character as \xNN (the
 * line stays UTF-8), and at most cap bytes appended: when it would be
 * more, cut after a whole character (never half of one, nor of an escape)
 * and marked TEXT_CUT_MARK. NULL appends "?". */
#define TEXT_CUT_MARK "[...]"
void text_add_echoed(strbuf *sb, const char *s, size_t cap);

/* text_add_echoed into buf (size bytes, the terminator included), for a
 * message that quotes a field: returns buf. */
const char *text_shown(char *buf, size_t size, const char *s);

/* text_add_echoed into a copy of its own. Caller frees; NULL on no memory
 * or when s is NULL. */
char *text_cut(const char *s, size_t cap);

/* The cap of every field echoed from input (an alert's names, a Group
 * Policy's evidence): a name of any length keeps every line the program
 * writes short. */
#define TEXT_ECHOED_MAX 256

/* s is 1 to max ASCII digits. */
bool text_is_digits(const char *s, size_t max);

/* a and b are the same text but for ASCII case. */
bool text_equal_ci(const char *a, const char *b);

/* The first n bytes of a and b are the same but for ASCII case (a string
 * shorter than n matches only one as short). */
bool text_equal_ci_n(const char *a, const char *b, size_t n);

/* text_add_echoed without a cap. */
void text_add_for_terminal(strbuf *sb, const char *s);

#endif
