/* Standard input as wazuh-execd and people give it, and the check_keys
 * handshake with execd.
 *
 * execd writes one line, reads at most one check_keys line back, answers
 * with one line, and keeps the pipe open until the program ends: so input is
 * read one line at a time and never to its end. A person's file may be
 * pretty-printed over several lines, start with a UTF-8 or UTF-16LE
 * byte-order mark and end its lines with CRLF: all read here, so that what
 * leaves this module is UTF-8 text without a mark.
 *
 * Every wait is bounded: the message must be complete within
 * message_wait_ms of the first read, and the reply must come within
 * reply_wait_ms of the check_keys line; whatever a writer does, the program
 * does not wait on its input longer than the two together. */
#ifndef AR_CHANNEL_H
#define AR_CHANNEL_H

#include "util/ar_error.h"
#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Messages are capped: larger input is refused, never buffered whole. */
#define AR_MESSAGE_MAX (1024u * 1024u)

/* The stated bounds (milliseconds). execd writes the message before the
 * program can read it and answers check_keys at once: these are for
 * writers that stall, never reached under execd. */
#define AR_MESSAGE_WAIT_MS 10000u
#define AR_REPLY_WAIT_MS   10000u

typedef struct ar_channel {
	FILE *in;
	unsigned message_wait_ms;  /* AR_MESSAGE_WAIT_MS unless a test sets it */
	unsigned reply_wait_ms;    /* AR_REPLY_WAIT_MS unless a test sets it */
	uint64_t message_deadline; /* set by the first read of a message; 0 before */
	strbuf read;               /* bytes read; read.buf[off..read.len) not yet taken */
	size_t off;
	bool eof;
	bool started; /* the byte-order mark has been looked for */
	bool utf16;   /* the input is UTF-16LE (it began with FF FE) */
} ar_channel;

void ar_channel_init(ar_channel *ch, FILE *in);
void ar_channel_free(ar_channel *ch);

/* Reads the message: its first line, and further lines while that line
 * opens a JSON object or array it does not close (a pretty-printed
 * document), so that a one-line message is never waited past. *text is
 * NUL-terminated UTF-8 (caller frees); lines are joined with "\n". *eof is
 * true, and *text NULL, when the input ended before any byte. Errors:
 * AR_E_TOO_LARGE past AR_MESSAGE_MAX bytes, AR_E_TIMEOUT past
 * message_wait_ms, AR_E_INVALID for text that is not UTF-16 where the mark
 * says it is. */
ar_status ar_channel_read_message(ar_channel *ch, char **text, size_t *len, bool *eof,
                                  ar_error *err);

/* The next message after the first, where a person pipes several (every
 * line findstr or grep gives of alerts.json): as ar_channel_read_message,
 * within the same message_wait_ms of the first read, blank lines passed
 * over. *eof at end of input, and also when the time is up with no part of
 * a further message read (a writer done that keeps the pipe open). Never
 * for execd's message, after which execd answers check_keys on the same
 * pipe and keeps it open. */
ar_status ar_channel_read_next(ar_channel *ch, char **text, size_t *len, bool *eof, ar_error *err);

typedef enum ar_reply { AR_REPLY_CONTINUE, AR_REPLY_ABORT } ar_reply;

/* Writes the check_keys line naming keys, flushes, and reads execd's answer:
 * a message whose command is "continue" or "abort" (the bare words are
 * accepted too, for people). Blank lines are passed over; end of input
 * counts as continue. AR_E_TIMEOUT when no answer came in reply_wait_ms. */
ar_status ar_channel_check_keys(ar_channel *ch, FILE *out, const char *program,
                                const char *const *keys, size_t nkeys, ar_reply *reply,
                                ar_error *err);

#endif
