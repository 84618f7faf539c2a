#include "sweep/sweep_ossec_conf.h"

#include "platform/platform.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROOT_OPEN  "<_>"
#define ROOT_CLOSE "</_>"
#define BOM        "\xef\xbb\xbf"

typedef enum field { F_NONE, F_NAME, F_EXECUTABLE, F_EXTRA_ARGS, F_FIELDS } field;

/* One <command> block as it is read: its fields' last values. */
typedef struct command_block {
	strbuf f[F_FIELDS];
	bool has[F_FIELDS];
	unsigned long line;
	bool open;
} command_block;

typedef struct reader {
	XML_Parser p;
	const char *command;
	unsigned depth;
	field in;
	command_block block;
	ossec_args *out;
	ar_status st;
	ar_error *err;
} reader;

/* The first failure stops the parser; the message starts with the line. */
static void fail(reader *r, ar_status st, const char *fmt, ...) AR_PRINTF(3, 4);
static void fail(reader *r, ar_status st, const char *fmt, ...)
{
	char what[AR_ERROR_MSG_MAX];
	va_list ap;

	if (r->st != AR_OK)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	r->st = ar_error_set(r->err, st, "line %lu: %s", XML_GetCurrentLineNumber(r->p), what);
	XML_StopParser(r->p, XML_FALSE);
}

static void block_reset(command_block *b)
{
	for (int i = 0; i < F_FIELDS; i++) {
		strbuf_free(&b->f[i]);
		b->f[i] = (strbuf)STRBUF_CAPPED(OSSEC_CONF_FIELD_MAX);
		b->has[i] = false;
	}
	b->open = false;
}

static field field_of(const char *name)
{
	return strcmp(name, "name") == 0         ? F_NAME
	       : strcmp(name, "executable") == 0 ? F_EXECUTABLE
	       : strcmp(name, "extra_args") == 0 ? F_EXTRA_ARGS
	                                         : F_NONE;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	reader *r = ud;

	(void)atts;
	if (++r->depth > OSSEC_CONF_DEPTH_MAX)
		fail(r, AR_E_TOO_LARGE, "elements nested deeper than %d", OSSEC_CONF_DEPTH_MAX);
	else if (r->depth == 2 && strcmp(name, "ossec_config") != 0)
		fail(r, AR_E_INVALID,
		     "<%.64s> at the top of the file: Wazuh takes only <ossec_config> blocks "
		     "there (and refuses the file)",
		     name);
	else if (r->depth == 3 && strcmp(name, "command") == 0) {
		block_reset(&r->block);
		r->block.open = true;
		r->block.line = XML_GetCurrentLineNumber(r->p);
	} else if (r->depth == 4 && r->block.open && (r->in = field_of(name)) != F_NONE) {
		/* Repeated: the last one counts, as in Wazuh's reader. */
		strbuf_free(&r->block.f[r->in]);
		r->block.f[r->in] = (strbuf)STRBUF_CAPPED(OSSEC_CONF_FIELD_MAX);
		r->block.has[r->in] = true;
	}
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	reader *r = ud;

	if (r->depth != 4 || r->in == F_NONE || r->st != AR_OK)
		return;
	strbuf_add(&r->block.f[r->in], s, (size_t)len);
	if (strbuf_status(&r->block.f[r->in]) != AR_OK)
		fail(r, AR_E_TOO_LARGE, "an element of <command> longer than %d bytes",
		     OSSEC_CONF_FIELD_MAX);
}

static const char *field_text(const command_block *b, field f)
{
	return !b->has[f] ? NULL : b->f[f].buf != NULL ? b->f[f].buf : "";
}

/* The block runs command: "!file" by its <executable>, "name<timeout>" by
 * its <name> (analysisd names ar.conf's commands so). */
static bool block_runs(const command_block *b, const char *command)
{
	const char *name = field_text(b, F_NAME), *exe = field_text(b, F_EXECUTABLE);
	size_t n = name != NULL ? strlen(name) : 0;

	if (command[0] == '!')
		return exe != NULL && text_equal_ci(exe, command + 1);
	return n > 0 && strncmp(command, name, n) == 0 && text_is_digits(command + n, 16);
}

/* text split on spaces, empty words left out (strtok's way). */
static bool split(const char *text, ossec_args *a)
{
	const char *p = text != NULL ? text : "";

	while (*p != '\0') {
		size_t n = strcspn(p, " ");
		char **v;
		if (n == 0) {
			p++;
			continue;
		}
		if ((v = realloc(a->v, (a->n + 1) * sizeof(*v))) == NULL)
			return false;
		a->v = v;
		if ((a->v[a->n] = text_dup_n(p, n)) == NULL)
			return false;
		a->n++;
		p += n;
	}
	return true;
}

static bool same_args(const ossec_args *a, const ossec_args *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

/* A <command> block closed: taken when it runs the command; a second one
 * that disagrees with the first leaves the sweep unable to tell which the
 * manager sends. */
static void block_end(reader *r)
{
	const char *text = field_text(&r->block, F_EXTRA_ARGS);
	ossec_args got = {0};

	r->block.open = false;
	if (!block_runs(&r->block, r->command))
		return;
	if (text != NULL && strlen(text) > OSSEC_ARGS_TEXT_MAX) {
		fail(r, AR_E_TOO_LARGE,
		     "<extra_args> longer than %d bytes (analysisd cuts it there)",
		     OSSEC_ARGS_TEXT_MAX);
		return;
	}
	if (!split(text, &got)) {
		ossec_args_clear(&got);
		fail(r, AR_E_NOMEM, "out of memory");
		return;
	}
	if (!r->out->found) {
		got.found = true;
		got.line = r->block.line;
		*r->out = got;
		return;
	}
	if (!same_args(r->out, &got))
		fail(r, AR_E_INVALID,
		     "the <command> of line %lu and the one of line %lu both run the command with "
		     "different <extra_args>: which the manager sends cannot be told",
		     r->block.line, r->out->line);
	ossec_args_clear(&got);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	reader *r = ud;

	if (r->depth == 4)
		r->in = F_NONE;
	if (r->depth == 3 && r->block.open && strcmp(name, "command") == 0)
		block_end(r);
	r->depth--;
}

static ar_status feed(reader *r, const char *s, size_t n, bool final)
{
	if (r->st == AR_OK && XML_Parse(r->p, s, (int)n, final) == XML_STATUS_ERROR &&
	    r->st == AR_OK) {
		r->st = ar_error_set(r->err, AR_E_INVALID, "line %lu, column %lu: %s%s",
		                     XML_GetCurrentLineNumber(r->p),
		                     XML_GetCurrentColumnNumber(r->p) + 1,
		                     XML_ErrorString(XML_GetErrorCode(r->p)),
		                     final ? " (at the end of the file: an element or comment "
		                             "left open?)"
		                           : "");
	}
	return r->st;
}

/* Where the synthetic root goes: after a byte order mark and an XML
 * declaration, which must open the document. */
static size_t prolog_len(const char *text, size_t len)
{
	size_t at = len >= 3 && memcmp(text, BOM, 3) == 0 ? 3 : 0;
	const char *end;

	if (len - at < 6 || memcmp(text + at, "<?xml", 5) != 0 ||
	    strchr(" \t\r\n", text[at + 5]) == NULL)
		return at;
	for (end = text + at; (size_t)(end - text) + 1 < len; end++)
		if (end[0] == '?' && end[1] == '>')
			return (size_t)(end - text) + 2;
	return at; /* not closed: expat says so */
}

/* The text after the prolog, each '&' given as "&amp;": Wazuh's reader
 * takes it as plain text, and so does expat then. */
static ar_status feed_body(reader *r, const char *s, size_t n)
{
	while (r->st == AR_OK && n > 0) {
		const char *amp = memchr(s, '&', n);
		size_t k = amp != NULL ? (size_t)(amp - s) : n;
		if (feed(r, s, k, false) != AR_OK || amp == NULL)
			break;
		feed(r, "&amp;", 5, false);
		s += k + 1;
		n -= k + 1;
	}
	return r->st;
}

ar_status ossec_conf_parse(const char *text, size_t len, const char *command, ossec_args *out,
                           ar_error *err)
{
	reader r = {.command = command, .out = out, .err = err};
	size_t pro = prolog_len(text, len);

	memset(out, 0, sizeof(*out));
	if (len > OSSEC_CONF_MAX)
		return ar_error_set(err, AR_E_TOO_LARGE, "larger than %d bytes", OSSEC_CONF_MAX);
	if ((r.p = XML_ParserCreate(NULL)) == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	XML_SetUserData(r.p, &r);
	XML_SetElementHandler(r.p, on_start, on_end);
	XML_SetCharacterDataHandler(r.p, on_text);
	(void)XML_SetParamEntityParsing(r.p, XML_PARAM_ENTITY_PARSING_NEVER);
	if (feed(&r, text, pro, false) == AR_OK && feed(&r, ROOT_OPEN, 3, false) == AR_OK &&
	    feed_body(&r, text + pro, len - pro) == AR_OK)
		feed(&r, ROOT_CLOSE, 4, true);
	block_reset(&r.block);
	XML_ParserFree(r.p);
	if (r.st != AR_OK)
		ossec_args_clear(out);
	return r.st;
}

ar_status ossec_conf_read(const char *path, const char *command, ossec_args *out, ar_error *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	ar_status st = platform_read_file(path, OSSEC_CONF_MAX, &data, &len, err);

	memset(out, 0, sizeof(*out));
	if (st != AR_OK)
		return st;
	st = ossec_conf_parse((const char *)data, len, command, out, err);
	free(data);
	return st == AR_OK ? AR_OK : ar_error_prefix(err, st, "%s", path);
}

void ossec_args_clear(ossec_args *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof(*a));
}
