/* Text comparisons that ignore ASCII case only, whatever the locale:
 * registry key and value names, .reg files and the words of messages
 * compare so. */
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

/* A copy of s, cut to at most cap bytes (not inside a UTF-8 character)
 * and marked TEXT_CUT_MARK when it was longer: text from a message that is
 * echoed (logged, printed) stays bounded. Caller frees; NULL on no memory
 * or when s is NULL. */
#define TEXT_CUT_MARK "[...]"
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

/* Appends s for a terminal, its control characters shown escaped: C0 and
 * DEL as \xNN, the UTF-8 C1 controls (U+0080..U+009F) as \u00NN, so that
 * text from a peer (the API's agent names and titles) cannot move the
 * cursor, retitle the window or hide a line. NULL appends "?". */
void text_add_for_terminal(strbuf *sb, const char *s);

#endif
