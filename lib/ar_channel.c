#include "ar_channel.h"

#include "platform/platform.h"
#include "util/json_strict.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/utf16.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bytes asked of the system at a time. */
#define READ_CHUNK (16u * 1024u)

/* The most ever held: a line is refused once it passes twice the message
 * cap (UTF-16) and its terminator, which is found at most a read later. */
#define READ_MAX (2u * AR_MESSAGE_MAX + 4u + READ_CHUNK)

void ar_channel_init(ar_channel *ch, FILE *in)
{
	memset(ch, 0, sizeof(*ch));
	ch->in = in;
	ch->read = STRBUF_CAPPED(READ_MAX);
	ch->message_wait_ms = AR_MESSAGE_WAIT_MS;
	ch->reply_wait_ms = AR_REPLY_WAIT_MS;
}

void ar_channel_free(ar_channel *ch)
{
	strbuf_free(&ch->read);
	ch->off = 0;
}

/* Reads once more into the buffer, waiting until deadline at most; sets
 * ch->eof at end of input. */
static ar_status fill(ar_channel *ch, uint64_t deadline, ar_error *err)
{
	unsigned char chunk[READ_CHUNK];
	uint64_t now = platform_monotonic_ms();
	size_t got = 0;
	ar_status st;

	strbuf_drop_front(&ch->read, ch->off);
	ch->off = 0;
	if (now >= deadline)
		return ar_error_set(err, AR_E_TIMEOUT, "time is up");
	/* What a read brings past the message (execd's reply, once it has
	 * one to give) stays in ch->read for the next line. */
	st = platform_read_timed(ch->in, chunk, sizeof(chunk), (unsigned)(deadline - now), &got,
	                         err);
	if (st == AR_OK && got == 0)
		ch->eof = true;
	strbuf_add(&ch->read, chunk, got);
	if (st == AR_OK && strbuf_status(&ch->read) != AR_OK)
		st = ar_error_set(err, strbuf_status(&ch->read), "input larger than %u bytes",
		                  READ_MAX);
	return st;
}

/* The bytes read and not yet taken; NULL before the first read. */
static const unsigned char *pending(const ar_channel *ch, size_t *n)
{
	*n = ch->read.len - ch->off;
	return ch->read.buf != NULL ? (const unsigned char *)ch->read.buf + ch->off : NULL;
}

/* Whether the n bytes so far could still be the start of a byte-order mark. */
static bool bom_prefix(const unsigned char *p, size_t n)
{
	return n == 0 || (n < 3 && memcmp(p, "\xEF\xBB\xBF", n) == 0) ||
	       (n < 2 && (p[0] == 0xFF || p[0] == 0xFE));
}

/* Looks at the first bytes for a byte-order mark and takes it. */
static ar_status start(ar_channel *ch, uint64_t deadline, ar_error *err)
{
	ar_status st = AR_OK;
	const unsigned char *p;
	size_t n;

	for (p = pending(ch, &n); st == AR_OK && !ch->eof && bom_prefix(p, n); p = pending(ch, &n))
		st = fill(ch, deadline, err);
	if (st != AR_OK)
		return st;
	ch->started = true;
	p = pending(ch, &n);
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		ch->off += 3;
	} else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		ch->utf16 = true;
		ch->off += 2;
	} else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		return ar_error_set(err, AR_E_INVALID,
		                    "standard input is UTF-16 big-endian: give it as UTF-8 or "
		                    "UTF-16LE");
	}
	return AR_OK;
}

/* Looks for the end of the line that starts at ch->off, going on from
 * *scanned bytes past it; *line_len includes the terminator. */
static bool find_eol(const ar_channel *ch, size_t *scanned, size_t *line_len)
{
	size_t n, i = *scanned;
	const unsigned char *p = pending(ch, &n), *nl;

	if (ch->utf16) {
		for (i -= i % 2; i + 1 < n; i += 2) {
			if (p[i] == '\n' && p[i + 1] == 0) {
				*line_len = i + 2;
				return true;
			}
		}
		*scanned = i;
		return false;
	}
	nl = i < n ? memchr(p + i, '\n', n - i) : NULL;
	if (nl != NULL)
		*line_len = (size_t)(nl - p) + 1;
	*scanned = n;
	return nl != NULL;
}

/* Whether the n bytes end with the character c, in units of unit bytes. */
static bool ends_with(const unsigned char *p, size_t n, size_t unit, char c)
{
	return n >= unit && p[n - unit] == (unsigned char)c && (unit == 1 || p[n - 1] == 0);
}

/* The line's text as UTF-8, without its "\n" or "\r\n". */
static ar_status decode_line(const ar_channel *ch, size_t raw_len, char **line, size_t *len,
                             ar_error *err)
{
	size_t unit = ch->utf16 ? 2 : 1, n = raw_len, avail;
	const unsigned char *p = pending(ch, &avail);
	ar_status st;

	if (ends_with(p, n, unit, '\n'))
		n -= unit;
	if (ends_with(p, n, unit, '\r'))
		n -= unit;
	if (ch->utf16) {
		st = utf16le_to_utf8(p, n, line, len, err);
		return st == AR_OK ? AR_OK
		                   : ar_error_prefix(err, st, "standard input is not valid UTF-16");
	}
	if ((*line = text_dup_n((const char *)p, n)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory reading input");
	*len = n;
	return AR_OK;
}

/* Takes the next line, of at most cap bytes once decoded; *eof when the
 * input ended before it began. */
static ar_status next_line(ar_channel *ch, uint64_t deadline, size_t cap, char **line, size_t *len,
                           bool *eof, ar_error *err)
{
	/* Room for the terminator; UTF-16 takes up to twice the bytes. */
	size_t raw_cap = (ch->utf16 ? cap * 2 : cap) + 4, scanned = 0, raw_len = 0;
	ar_status st = AR_OK;

	*line = NULL;
	*len = 0;
	*eof = false;
	while (!find_eol(ch, &scanned, &raw_len)) {
		raw_len = ch->read.len - ch->off;
		if (raw_len > raw_cap || ch->eof)
			break;
		if ((st = fill(ch, deadline, err)) != AR_OK)
			return st;
	}
	if (raw_len > raw_cap)
		return ar_error_set(err, AR_E_TOO_LARGE, "larger than %zu bytes", cap);
	if (raw_len == 0) {
		*eof = true;
		return AR_OK;
	}
	st = decode_line(ch, raw_len, line, len, err);
	ch->off += raw_len;
	if (st == AR_OK && *len > cap) {
		free(*line);
		*line = NULL;
		st = ar_error_set(err, AR_E_TOO_LARGE, "larger than %zu bytes", cap);
	}
	return st;
}

/* How far a JSON text has got, line by line: done unless it opened an object
 * or array that it has not closed. Brackets inside strings do not count; a
 * JSON line cannot end inside a string, so that ends the text too. */
typedef struct json_progress {
	long depth;
	bool begun, in_string, escape, done;
} json_progress;

static void json_progress_line(json_progress *jp, const char *s, size_t n)
{
	for (size_t i = 0; i < n && !jp->done; i++) {
		char c;
		/* Most of a message is string content: skip to what can end it. */
		while (jp->in_string && !jp->escape && i < n && s[i] != '"' && s[i] != '\\')
			i++;
		if (i == n)
			break;
		c = s[i];
		if (jp->in_string) {
			jp->in_string = jp->escape || c != '"';
			jp->escape = !jp->escape && c == '\\';
		} else if (!jp->begun) {
			jp->begun = c == '{' || c == '[';
			jp->depth = jp->begun ? 1 : 0;
			jp->done = !jp->begun && c != ' ' && c != '\t' && c != '\r';
		} else if (c == '"') {
			jp->in_string = true;
		} else if (c == '{' || c == '[') {
			jp->depth++;
		} else if (c == '}' || c == ']') {
			jp->done = --jp->depth == 0;
		}
	}
	if (!jp->begun || jp->in_string)
		jp->done = true;
}

static void wait_text(unsigned ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%u s", ms / 1000);
	else
		snprintf(buf, len, "%u ms", ms);
}

/* Puts the failure in words a person can act on. */
static ar_status message_failure(const ar_channel *ch, ar_status st, bool got_some, ar_error *err)
{
	char wait[32];

	wait_text(ch->message_wait_ms, wait, sizeof(wait));
	if (st == AR_E_TIMEOUT && !got_some)
		return ar_error_set(err, st, "no message on standard input within %s", wait);
	if (st == AR_E_TIMEOUT)
		return ar_error_set(
		        err, st, "the message on standard input was not complete within %s", wait);
	if (st == AR_E_TOO_LARGE)
		return ar_error_set(err, st,
		                    "the message on standard input is larger than %u bytes",
		                    AR_MESSAGE_MAX);
	return st;
}

/* Reads one JSON text (a line, or the lines of a pretty-printed one) before
 * deadline; *got_some says whether any of it had come. */
static ar_status read_text(ar_channel *ch, uint64_t deadline, char **text, size_t *len, bool *eof,
                           bool *got_some, ar_error *err)
{
	json_progress jp = {0};
	strbuf sb = {0};
	char *line = NULL;
	size_t n = 0;
	bool end = false, any = false;
	ar_status st = ch->started ? AR_OK : start(ch, deadline, err);

	*text = NULL;
	*len = 0;
	while (st == AR_OK && !jp.done) {
		st = next_line(ch, deadline, AR_MESSAGE_MAX - sb.len, &line, &n, &end, err);
		if (st != AR_OK || end)
			break;
		if (any)
			strbuf_add(&sb, "\n", 1);
		strbuf_add(&sb, line, n);
		json_progress_line(&jp, line, n);
		free(line);
		any = true;
		if (sb.len > AR_MESSAGE_MAX)
			st = ar_error_set(err, AR_E_TOO_LARGE, "too large");
	}
	*eof = st == AR_OK && !any;
	*got_some = any || ch->read.len > ch->off;
	if (st == AR_OK && any && (*text = strbuf_take(&sb, len)) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory reading input");
	strbuf_free(&sb);
	return st;
}

/* The one deadline of all the messages: set by the first read. */
static uint64_t message_deadline(ar_channel *ch)
{
	if (ch->message_deadline == 0)
		ch->message_deadline = platform_monotonic_ms() + ch->message_wait_ms;
	return ch->message_deadline;
}

ar_status ar_channel_read_message(ar_channel *ch, char **text, size_t *len, bool *eof,
                                  ar_error *err)
{
	bool got_some = false;
	ar_status st = read_text(ch, message_deadline(ch), text, len, eof, &got_some, err);

	return st == AR_OK ? AR_OK : message_failure(ch, st, got_some, err);
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	}
	return true;
}

ar_status ar_channel_read_next(ar_channel *ch, char **text, size_t *len, bool *eof, ar_error *err)
{
	bool got_some = false;
	ar_status st;

	do {
		st = read_text(ch, message_deadline(ch), text, len, eof, &got_some, err);
		if (st == AR_OK && !*eof && blank(*text, *len)) {
			free(*text);
			*text = NULL;
			continue;
		}
		break;
	} while (true);
	/* Time up between messages: the writer is done, though it keeps the
	 * pipe open. */
	if (st == AR_E_TIMEOUT && !got_some) {
		*eof = true;
		return AR_OK;
	}
	return st == AR_OK ? AR_OK : message_failure(ch, st, got_some, err);
}

static char *check_keys_line(const char *program, const char *const *keys, size_t nkeys)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *origin, *params, *arr;
	char *text = NULL;

	/* cJSON keeps insertion order: the order Wazuh's own programs write. */
	cJSON_AddNumberToObject(root, "version", 1);
	origin = cJSON_AddObjectToObject(root, "origin");
	cJSON_AddStringToObject(origin, "name", program);
	cJSON_AddStringToObject(origin, "module", "active-response");
	cJSON_AddStringToObject(root, "command", "check_keys");
	params = cJSON_AddObjectToObject(root, "parameters");
	arr = cJSON_AddArrayToObject(params, "keys");
	for (size_t i = 0; i < nkeys && arr != NULL; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(keys[i]));
	if (origin != NULL && arr != NULL)
		text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

static ar_status parse_reply(const char *line, size_t len, ar_reply *reply, ar_error *err)
{
	cJSON *msg = NULL;
	const char *cmd;
	ar_status st;

	if (strcmp(line, "continue") == 0 || strcmp(line, "abort") == 0) {
		*reply = (line[0] == 'c') ? AR_REPLY_CONTINUE : AR_REPLY_ABORT;
		return AR_OK;
	}
	st = json_parse_strict(line, len, &msg, err);
	if (st != AR_OK)
		return ar_error_prefix(err, st, "reply to check_keys");
	cmd = json_get_string(msg, "command");
	if (cmd != NULL && strcmp(cmd, "continue") == 0)
		*reply = AR_REPLY_CONTINUE;
	else if (cmd != NULL && strcmp(cmd, "abort") == 0)
		*reply = AR_REPLY_ABORT;
	else
		st = ar_error_set(err, AR_E_INVALID,
		                  "reply to check_keys: command must be \"continue\" or \"abort\"");
	cJSON_Delete(msg);
	return st;
}

/* The first line that is not blank; end of input leaves *reply as it is. */
static ar_status read_reply(ar_channel *ch, ar_reply *reply, ar_error *err)
{
	uint64_t deadline = platform_monotonic_ms() + ch->reply_wait_ms;
	char *line = NULL, wait[32];
	size_t len = 0;
	bool eof = false;
	ar_status st = ch->started ? AR_OK : start(ch, deadline, err);

	while (st == AR_OK) {
		st = next_line(ch, deadline, AR_MESSAGE_MAX, &line, &len, &eof, err);
		if (st != AR_OK || eof)
			break;
		if (!blank(line, len)) {
			st = parse_reply(line, len, reply, err);
			break;
		}
		free(line);
		line = NULL;
	}
	free(line);
	wait_text(ch->reply_wait_ms, wait, sizeof(wait));
	if (st == AR_E_TIMEOUT)
		st = ar_error_set(err, st, "no reply to check_keys on standard input within %s",
		                  wait);
	else if (st == AR_E_TOO_LARGE)
		st = ar_error_prefix(err, st, "reply to check_keys");
	return st;
}

ar_status ar_channel_check_keys(ar_channel *ch, FILE *out, const char *program,
                                const char *const *keys, size_t nkeys, ar_reply *reply,
                                ar_error *err)
{
	char *text = check_keys_line(program, keys, nkeys);

	*reply = AR_REPLY_CONTINUE;
	if (text == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	if (fprintf(out, "%s\n", text) < 0 || fflush(out) != 0) {
		/* Nobody is listening (a person piping a file into us): go on. */
		clearerr(out);
	}
	free(text);
	return read_reply(ch, reply, err);
}
