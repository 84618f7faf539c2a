/* The conversation with wazuh-execd over standard input and output: one
 * message line in, at most one check_keys line out, one reply line in.
 * Reads exactly one line at a time: execd keeps the pipe open, so reading
 * to end of input would wait forever. */
#ifndef AR_CHANNEL_H
#define AR_CHANNEL_H

#include "util/ar_error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Messages are capped: larger input is refused, never buffered whole. */
#define AR_MESSAGE_MAX (1024u * 1024u)

/* Reads one line (without its "\n" or "\r\n"). *eof is true when the input
 * ended before any byte. AR_E_TOO_LARGE past cap bytes. */
ar_status ar_channel_read_line(FILE *in, size_t cap, char **line, size_t *len, bool *eof,
                               ar_error *err);

typedef enum ar_reply { AR_REPLY_CONTINUE, AR_REPLY_ABORT } ar_reply;

/* Writes the check_keys line naming keys, flushes, and reads execd's answer:
 * a message whose command is "continue" or "abort" (the bare words are
 * accepted too, for people). End of input counts as continue. */
ar_status ar_channel_check_keys(FILE *in, FILE *out, const char *program, const char *const *keys,
                                size_t nkeys, ar_reply *reply, ar_error *err);

#endif
