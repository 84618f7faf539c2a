/* A recursive-descent parser for .reg files over the decoded UTF-8 text.
 *
 *   file    := header EOL { line }
 *   header  := "Windows Registry Editor Version 5.00" | "REGEDIT4"
 *   line    := ws* ( EOL | ';' rest EOL | key | value )
 *   key     := '[' ['-'] path ']' ws* EOL
 *   value   := name ws* '=' ws* data ws* [';' rest] EOL
 *   name    := '@' | string
 *   data    := '-' | string | "dword:" hex{1,8} | "hex" ['(' hex+ ')'] ':' bytes
 *   bytes   := [ byte { ws* ',' ws* [ '\' ws* EOL ws* ] byte } [','] ]
 *   string  := '"' { char | '\' ( '\' | '"' | 'n' | 'r' | '0' ) } '"'
 */
#include "registry/regfile.h"

#include "util/dword.h"
#include "util/json_strict.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/utf16.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HEADER5[] = "Windows Registry Editor Version 5.00";
static const char HEADER4[] = "REGEDIT4";

typedef struct parser {
	const char *s;
	size_t len;
	size_t pos;
	size_t line;
	ar_error *err;
} parser;

static bool at_eol(const parser *p)
{
	return p->pos >= p->len || p->s[p->pos] == '\n' ||
	       (p->s[p->pos] == '\r' && p->pos + 1 < p->len && p->s[p->pos + 1] == '\n');
}

static void skip_ws(parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
		p->pos++;
}

/* Consumes a line break if there is one; returns false at end of text. */
static bool eat_eol(parser *p)
{
	if (p->pos < p->len && p->s[p->pos] == '\r')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '\n') {
		p->pos++;
		p->line++;
		return true;
	}
	return false;
}

static ar_status fail(parser *p, const char *what)
{
	return ar_error_set(p->err, AR_E_INVALID, "line %zu: %s", p->line, what);
}

static void skip_to_eol(parser *p)
{
	while (!at_eol(p))
		p->pos++;
}

/* The end of a piece of data read into out: done, unless memory ran out. */
static ar_status data_read(parser *p, const strbuf *out)
{
	return out->failed ? ar_error_set(p->err, AR_E_NOMEM, "out of memory") : AR_OK;
}

static bool special_in_string(char c)
{
	return c == '"' || c == '\\' || c == '\r' || c == '\n';
}

static ar_status parse_string(parser *p, strbuf *out)
{
	p->pos++; /* opening quote */
	while (p->pos < p->len) {
		/* Plain characters in one piece, up to what needs a look. */
		size_t n = 0;
		char c;

		while (p->pos + n < p->len && !special_in_string(p->s[p->pos + n]))
			n++;
		strbuf_add(out, p->s + p->pos, n);
		p->pos += n;
		if (p->pos >= p->len)
			break;
		c = p->s[p->pos++];
		if (c == '"')
			return data_read(p, out);
		if (c == '\n' || c == '\r')
			break;
		if (c == '\\') {
			char e = p->pos < p->len ? p->s[p->pos++] : '\0';
			static const char from[] = "\\\"nr0";
			static const char to[] = "\\\"\n\r";
			const char *at = e ? strchr(from, e) : NULL;
			if (at == NULL)
				return fail(p, "unknown escape in a quoted string");
			c = (*at == '0') ? '\0' : to[at - from];
		}
		strbuf_add(out, &c, 1);
	}
	return fail(p, "quoted string is not closed");
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = text_lower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Reads up to 8 hex digits into *v; returns how many there were (9 when
 * there were more, the 9th left unread). */
static size_t read_hex32(parser *p, uint32_t *v)
{
	size_t digits = 0;
	int h;

	*v = 0;
	while (p->pos < p->len && (h = hexval(p->s[p->pos])) >= 0) {
		if (++digits > 8)
			break;
		*v = *v * 16 + (uint32_t)h;
		p->pos++;
	}
	return digits;
}

static ar_status parse_hex_bytes(parser *p, strbuf *out)
{
	for (;;) {
		int hi, lo;
		unsigned char b;

		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == '\\') {
			p->pos++;
			skip_ws(p);
			if (!eat_eol(p))
				return fail(p, "'\\' in hex data must end the line");
			skip_ws(p);
		}
		if (at_eol(p) || p->s[p->pos] == ';')
			return data_read(p, out);
		if (p->pos + 1 >= p->len || (hi = hexval(p->s[p->pos])) < 0 ||
		    (lo = hexval(p->s[p->pos + 1])) < 0)
			return fail(p, "hex data must be two-digit bytes separated by commas");
		b = (unsigned char)(hi * 16 + lo);
		strbuf_add(out, &b, 1);
		p->pos += 2;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		return data_read(p, out);
	}
}

static bool take_word(parser *p, const char *w)
{
	size_t n = strlen(w);
	if (p->len - p->pos >= n && strncmp(p->s + p->pos, w, n) == 0) {
		p->pos += n;
		return true;
	}
	return false;
}

static ar_status parse_dword(parser *p, regfile_entry *e)
{
	uint32_t v;
	unsigned char le[4];
	size_t digits = read_hex32(p, &v);

	if (digits > 8)
		return fail(p, "dword has more than 8 hex digits");
	if (digits == 0)
		return fail(p, "dword needs hex digits");
	dword_pack(v, le);
	return reg_value_set(&e->value, REGV_DWORD, le, 4, p->err);
}

static ar_status parse_hex_type(parser *p, uint32_t *type)
{
	size_t digits;

	*type = REGV_BINARY;
	if (p->pos >= p->len || p->s[p->pos] != '(')
		return AR_OK;
	p->pos++;
	digits = read_hex32(p, type);
	if (digits == 0 || digits > 8 || p->pos >= p->len || p->s[p->pos] != ')')
		return fail(p, "hex(type) needs a hex type number");
	p->pos++;
	return AR_OK;
}

/* REG_SZ data: the text in UTF-16LE and its terminator. */
static ar_status sz_value(regfile_entry *e, const char *utf8, size_t len, ar_error *err)
{
	unsigned char *w = NULL;
	size_t wlen = 0;
	strbuf sb = {0};
	ar_status st = utf8_to_utf16le(utf8, len, &w, &wlen, err);

	if (st != AR_OK)
		return st;
	strbuf_add(&sb, w, wlen);
	strbuf_add(&sb, "\0\0", 2);
	st = sb.failed ? ar_error_set(err, AR_E_NOMEM, "out of memory")
	               : reg_value_set(&e->value, REGV_SZ, sb.buf, sb.len, err);
	strbuf_free(&sb);
	free(w);
	return st;
}

static ar_status parse_data(parser *p, regfile_entry *e)
{
	strbuf sb = {0};
	ar_status st = AR_OK;

	if (p->pos < p->len && p->s[p->pos] == '-') {
		p->pos++;
		e->kind = REGFILE_VALUE_DELETE;
	} else if (p->pos < p->len && p->s[p->pos] == '"') {
		st = parse_string(p, &sb);
		if (st == AR_OK)
			st = sz_value(e, sb.buf ? sb.buf : "", sb.len, p->err);
	} else if (take_word(p, "dword:")) {
		st = parse_dword(p, e);
	} else if (take_word(p, "hex")) {
		uint32_t type;
		st = parse_hex_type(p, &type);
		if (st == AR_OK && !take_word(p, ":"))
			st = fail(p, "expected ':' after hex");
		if (st == AR_OK)
			st = parse_hex_bytes(p, &sb);
		if (st == AR_OK)
			st = reg_value_set(&e->value, type, sb.buf, sb.len, p->err);
	} else {
		st = fail(p, "value data must be \"string\", dword:, hex: or -");
	}
	strbuf_free(&sb);
	return st;
}

static ar_status parse_value(parser *p, regfile_entry *e)
{
	strbuf name = {0};
	ar_status st = AR_OK;

	if (p->s[p->pos] == '@') {
		p->pos++;
	} else {
		st = parse_string(p, &name);
		if (st == AR_OK && memchr(name.buf ? name.buf : "", '\0', name.len) != NULL)
			st = fail(p, "value name contains a NUL");
	}
	if (st == AR_OK) {
		skip_ws(p);
		if (!take_word(p, "="))
			st = fail(p, "expected '=' after the value name");
	}
	if (st == AR_OK) {
		skip_ws(p);
		e->kind = REGFILE_VALUE;
		st = parse_data(p, e);
	}
	if (st == AR_OK) {
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == ';')
			skip_to_eol(p);
		if (!at_eol(p))
			st = fail(p, "unexpected text after the value");
	}
	if (st == AR_OK && (e->name = text_dup_n(name.buf ? name.buf : "", name.len)) == NULL)
		st = ar_error_set(p->err, AR_E_NOMEM, "out of memory");
	strbuf_free(&name);
	return st;
}

static ar_status parse_key(parser *p, regfile_entry *e)
{
	size_t open = p->pos, close = 0;
	const char *root, *sub;

	while (!at_eol(p)) {
		if (p->s[p->pos] == ']')
			close = p->pos;
		p->pos++;
	}
	if (close == 0)
		return fail(p, "key line is not closed with ']'");
	for (size_t i = close + 1; i < p->pos; i++) {
		if (p->s[i] != ' ' && p->s[i] != '\t')
			return fail(p, "unexpected text after the key");
	}
	open++;
	e->kind = REGFILE_KEY;
	if (p->s[open] == '-') {
		e->kind = REGFILE_KEY_DELETE;
		open++;
	}
	if (close <= open)
		return fail(p, "empty key name");
	e->key = text_dup_n(p->s + open, close - open);
	if (e->key == NULL)
		return ar_error_set(p->err, AR_E_NOMEM, "out of memory");
	if (!registry_split_root(e->key, &root, &sub))
		return fail(p, "key does not start with a registry root (HKEY_...)");
	return AR_OK;
}

static void entry_free(regfile_entry *e)
{
	free(e->key);
	free(e->name);
	reg_value_free(&e->value);
}

static ar_status parse_header(parser *p)
{
	size_t start, end;

	/* Blank lines before the header are tolerated, as regedit does. */
	for (;;) {
		skip_ws(p);
		if (!at_eol(p) || !eat_eol(p))
			break;
	}
	start = p->pos;
	skip_to_eol(p);
	end = p->pos;
	while (end > start && (p->s[end - 1] == ' ' || p->s[end - 1] == '\t'))
		end--;
	if (!((end - start == strlen(HEADER5) && memcmp(p->s + start, HEADER5, end - start) == 0) ||
	      (end - start == strlen(HEADER4) && memcmp(p->s + start, HEADER4, end - start) == 0)))
		return fail(p,
		            "not a .reg file (expected \"Windows Registry Editor Version 5.00\")");
	eat_eol(p);
	return AR_OK;
}

/* Parses every line after the header into rf->entries (which were none). */
static ar_status parse_lines(parser *p, regfile *rf)
{
	const char *section = NULL;
	strbuf list = {0}; /* regfile_entry[] */
	ar_status st = AR_OK;

	while (st == AR_OK && p->pos < p->len) {
		regfile_entry e;
		memset(&e, 0, sizeof(e));
		e.start = p->pos;
		e.line = p->line;
		skip_ws(p);
		if (at_eol(p)) {
			eat_eol(p);
			continue;
		}
		if (p->s[p->pos] == ';') {
			skip_to_eol(p);
			eat_eol(p);
			continue;
		}
		if (p->s[p->pos] == '[') {
			st = parse_key(p, &e);
			section = (st == AR_OK) ? e.key : NULL;
		} else if (p->s[p->pos] == '"' || p->s[p->pos] == '@') {
			if (section == NULL)
				st = fail(p, "value outside any [key] section");
			else
				st = parse_value(p, &e);
			if (st == AR_OK && (e.key = text_dup_n(section, strlen(section))) == NULL)
				st = ar_error_set(p->err, AR_E_NOMEM, "out of memory");
		} else {
			st = fail(p, "expected a [key], a \"value\"=, a ; comment or a blank line");
		}
		e.end = p->pos;
		eat_eol(p);
		e.next = p->pos;
		if (st == AR_OK)
			strbuf_add(&list, &e, sizeof(e));
		if (st == AR_OK && list.failed)
			st = ar_error_set(p->err, AR_E_NOMEM, "out of memory");
		if (st != AR_OK)
			entry_free(&e);
		/* A deleted key is no section to put values in. */
		if (st == AR_OK && e.kind == REGFILE_KEY_DELETE)
			section = NULL;
	}
	/* Also when it failed: the entries made so far are freed with rf. */
	rf->entries = (regfile_entry *)list.buf;
	rf->count = list.len / sizeof(regfile_entry);
	return st;
}

static void detect_newline(regfile *rf)
{
	const char *nl = memchr(rf->text, '\n', rf->len);
	rf->newline = (nl != NULL && nl > rf->text && nl[-1] == '\r') ? "\r\n" : "\n";
	if (nl == NULL)
		rf->newline = (rf->encoding == REGFILE_UTF16LE) ? "\r\n" : "\n";
}

/* Parses rf->text into rf->entries (replacing any there were). */
static ar_status parse_text(regfile *rf, ar_error *err)
{
	parser p = {.s = rf->text, .len = rf->len, .pos = 0, .line = 1, .err = err};
	ar_status st;

	for (size_t i = 0; i < rf->count; i++)
		entry_free(&rf->entries[i]);
	free(rf->entries);
	rf->entries = NULL;
	rf->count = 0;
	detect_newline(rf);
	st = parse_header(&p);
	if (st == AR_OK)
		st = parse_lines(&p, rf);
	return st;
}

static ar_status decode(const unsigned char *b, size_t len, regfile *rf, ar_error *err)
{
	if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		rf->encoding = REGFILE_UTF16LE;
		if ((len - 2) % 2 != 0)
			return ar_error_set(err, AR_E_INVALID,
			                    "UTF-16 file is truncated (odd length)");
		return utf16le_to_utf8(b + 2, len - 2, &rf->text, &rf->len, err);
	}
	if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF)
		return ar_error_set(err, AR_E_INVALID, "UTF-16 big-endian files are not supported");
	if (len >= 2 && b[0] != 0 && b[1] == 0)
		return ar_error_set(err, AR_E_INVALID,
		                    "file looks like UTF-16 without a byte-order mark");
	rf->encoding = REGFILE_UTF8;
	if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		rf->encoding = REGFILE_UTF8_BOM;
		b += 3;
		len -= 3;
	}
	if (!utf8_valid(b, len))
		return ar_error_set(err, AR_E_INVALID,
		                    "file is neither UTF-16LE with BOM nor UTF-8");
	rf->text = text_dup_n((const char *)b, len);
	rf->len = len;
	return rf->text ? AR_OK : ar_error_set(err, AR_E_NOMEM, "out of memory");
}

ar_status regfile_parse(const unsigned char *bytes, size_t len, regfile **out, ar_error *err)
{
	regfile *rf = calloc(1, sizeof(*rf));
	ar_status st;

	*out = NULL;
	if (rf == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	st = decode(bytes, len, rf, err);
	if (st == AR_OK && memchr(rf->text, '\0', rf->len) != NULL)
		st = ar_error_set(err, AR_E_INVALID, "file contains NUL characters (binary?)");
	if (st == AR_OK)
		st = parse_text(rf, err);
	if (st != AR_OK) {
		regfile_free(rf);
		return st;
	}
	*out = rf;
	return AR_OK;
}

ar_status regfile_new(regfile_encoding encoding, regfile **out, ar_error *err)
{
	const char *nl = (encoding == REGFILE_UTF16LE) ? "\r\n" : "\n";
	char text[64];
	int n = snprintf(text, sizeof(text), "%s%s%s", HEADER5, nl, nl);
	regfile *rf = calloc(1, sizeof(*rf));

	*out = NULL;
	if (rf == NULL || (rf->text = text_dup_n(text, (size_t)n)) == NULL) {
		free(rf);
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	rf->len = (size_t)n;
	rf->encoding = encoding;
	rf->newline = nl;
	*out = rf;
	return AR_OK;
}

void regfile_free(regfile *rf)
{
	if (rf == NULL)
		return;
	for (size_t i = 0; i < rf->count; i++)
		entry_free(&rf->entries[i]);
	free(rf->entries);
	free(rf->text);
	free(rf);
}

/* True when key is target or one of its ancestors. */
static bool key_covers(const char *key, const char *target)
{
	const char *rk, *sk, *rt, *st;
	size_t n;

	if (!registry_split_root(key, &rk, &sk) || !registry_split_root(target, &rt, &st) ||
	    rk != rt)
		return false;
	n = strlen(sk);
	while (n > 0 && sk[n - 1] == '\\')
		n--;
	if (n == 0)
		return true;
	if (strlen(st) < n || !text_equal_ci_n(sk, st, n))
		return false;
	return st[n] == '\0' || st[n] == '\\';
}

/* Index of the first entry after the last deletion of key (or an ancestor). */
static size_t live_from(const regfile *rf, const char *key)
{
	size_t from = 0;
	for (size_t i = 0; i < rf->count; i++) {
		if (rf->entries[i].kind == REGFILE_KEY_DELETE &&
		    key_covers(rf->entries[i].key, key))
			from = i + 1;
	}
	return from;
}

ar_status regfile_get(const regfile *rf, const char *key, const char *name, reg_value *out,
                      ar_error *err)
{
	const regfile_entry *found = NULL;
	size_t from = live_from(rf, key);

	memset(out, 0, sizeof(*out));
	for (size_t i = from; i < rf->count; i++) {
		const regfile_entry *e = &rf->entries[i];
		if (e->kind == REGFILE_KEY && key_covers(key, e->key))
			out->key_exists = true;
		else if ((e->kind == REGFILE_VALUE || e->kind == REGFILE_VALUE_DELETE) &&
		         text_equal_ci(e->name, name) && registry_key_equal(e->key, key))
			found = e;
	}
	if (found == NULL || found->kind == REGFILE_VALUE_DELETE)
		return AR_OK;
	return reg_value_set(out, found->value.type, found->value.data, found->value.len, err);
}

/* Replaces text[start, end) with repl and re-parses. */
static ar_status splice(regfile *rf, size_t start, size_t end, const char *repl, ar_error *err)
{
	strbuf sb = {0};
	char *old = rf->text;
	size_t old_len = rf->len;
	ar_status st;

	strbuf_add(&sb, rf->text, start);
	strbuf_adds(&sb, repl);
	strbuf_add(&sb, rf->text + end, rf->len - end);
	rf->text = strbuf_take(&sb, &rf->len);
	if (rf->text == NULL) {
		rf->text = old;
		rf->len = old_len;
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	}
	st = parse_text(rf, err);
	if (st != AR_OK) {
		/* An edit must never leave an unparsable document behind. */
		free(rf->text);
		rf->text = old;
		rf->len = old_len;
		parse_text(rf, NULL);
		return ar_error_prefix(err, st, "editing .reg text");
	}
	free(old);
	return AR_OK;
}

static ar_status insert_value(regfile *rf, const char *key, size_t from, const char *line,
                              ar_error *err)
{
	size_t section = rf->count, at;
	strbuf sb = {0};
	char *text;
	ar_status st;

	for (size_t i = from; i < rf->count; i++) {
		if (rf->entries[i].kind == REGFILE_KEY &&
		    registry_key_equal(rf->entries[i].key, key))
			section = i;
	}
	if (section < rf->count) {
		at = rf->entries[section].next;
		for (size_t i = section + 1;
		     i < rf->count && (rf->entries[i].kind == REGFILE_VALUE ||
		                       rf->entries[i].kind == REGFILE_VALUE_DELETE);
		     i++)
			at = rf->entries[i].next;
		/* The line before may be the file's last, with no line break. */
		if (at > 0 && rf->text[at - 1] != '\n')
			strbuf_adds(&sb, rf->newline);
		strbuf_adds(&sb, line);
		strbuf_adds(&sb, rf->newline);
	} else {
		at = rf->len;
		if (at > 0 && rf->text[at - 1] != '\n')
			strbuf_adds(&sb, rf->newline);
		if (!(at >= 2 && rf->text[at - 1] == '\n' &&
		      (rf->text[at - 2] == '\n' ||
		       (at >= 3 && rf->text[at - 2] == '\r' && rf->text[at - 3] == '\n'))))
			strbuf_adds(&sb, rf->newline);
		strbuf_addf(&sb, "[%s]%s%s%s", key, rf->newline, line, rf->newline);
	}
	text = strbuf_take(&sb, NULL);
	if (text == NULL)
		return ar_error_set(err, AR_E_NOMEM, "out of memory");
	st = splice(rf, at, at, text, err);
	free(text);
	return st;
}

ar_status regfile_set(regfile *rf, const char *key, const char *name, const reg_value *value,
                      bool *changed, ar_error *err)
{
	size_t from = live_from(rf, key), last = rf->count;
	char *line = NULL;
	ar_status st = AR_OK;
	reg_value cur;

	*changed = false;
	st = regfile_get(rf, key, name, &cur, err);
	if (st != AR_OK)
		return st;
	if (value == NULL ? !cur.exists
	                  : (cur.exists && cur.type == value->type && cur.len == value->len &&
	                     (cur.len == 0 || memcmp(cur.data, value->data, cur.len) == 0)))
		goto out;
	if (value == NULL) {
		/* Drop every line that sets it, last first so offsets hold. */
		for (size_t i = rf->count; i-- > from && st == AR_OK;) {
			regfile_entry *e = &rf->entries[i];
			if (e->kind == REGFILE_VALUE && registry_key_equal(e->key, key) &&
			    text_equal_ci(e->name, name))
				st = splice(rf, e->start, e->next, "", err);
		}
		*changed = (st == AR_OK);
		goto out;
	}
	line = regfile_value_line(name, value, rf->newline);
	if (line == NULL) {
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = from; i < rf->count; i++) {
		const regfile_entry *e = &rf->entries[i];
		if ((e->kind == REGFILE_VALUE || e->kind == REGFILE_VALUE_DELETE) &&
		    registry_key_equal(e->key, key) && text_equal_ci(e->name, name))
			last = i;
	}
	if (last < rf->count)
		st = splice(rf, rf->entries[last].start, rf->entries[last].end, line, err);
	else
		st = insert_value(rf, key, from, line, err);
	*changed = (st == AR_OK);
out:
	free(line);
	reg_value_free(&cur);
	return st;
}

ar_status regfile_encode(const regfile *rf, unsigned char **out, size_t *len, ar_error *err)
{
	unsigned char *w = NULL;
	size_t wlen = 0;
	strbuf sb = {0};
	ar_status st = AR_OK;

	*out = NULL;
	if (rf->encoding == REGFILE_UTF16LE) {
		st = utf8_to_utf16le(rf->text, rf->len, &w, &wlen, err);
		strbuf_add(&sb, "\xFF\xFE", 2);
		strbuf_add(&sb, w, wlen);
	} else {
		if (rf->encoding == REGFILE_UTF8_BOM)
			strbuf_add(&sb, "\xEF\xBB\xBF", 3);
		strbuf_add(&sb, rf->text, rf->len);
	}
	free(w);
	if (st == AR_OK && (*out = (unsigned char *)strbuf_take(&sb, len)) == NULL)
		st = ar_error_set(err, AR_E_NOMEM, "out of memory");
	strbuf_free(&sb);
	return st;
}

static void add_quoted(strbuf *sb, const char *s, size_t n)
{
	strbuf_adds(sb, "\"");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' || s[i] == '"')
			strbuf_adds(sb, "\\");
		strbuf_add(sb, &s[i], 1);
	}
	strbuf_adds(sb, "\"");
}

/* A REG_SZ that a quoted string renders exactly: UTF-16 text with one final
 * NUL and no other, no line breaks. Returns the UTF-8 text or NULL. */
static char *plain_sz(const reg_value *v, size_t *n)
{
	char *s = NULL;

	if (v->type != REGV_SZ || v->len < 2 || v->len % 2 != 0 || v->data[v->len - 1] != 0 ||
	    v->data[v->len - 2] != 0)
		return NULL;
	if (utf16le_to_utf8(v->data, v->len - 2, &s, n, NULL) != AR_OK)
		return NULL;
	if (memchr(s, '\0', *n) != NULL || strpbrk(s, "\r\n") != NULL) {
		free(s);
		return NULL;
	}
	return s;
}

static void add_hex(strbuf *sb, const reg_value *v, size_t col, const char *newline)
{
	for (size_t i = 0; i < v->len; i++) {
		strbuf_addf(sb, "%02x", v->data[i]);
		col += 2;
		if (i + 1 < v->len) {
			strbuf_adds(sb, ",");
			col++;
			/* Wrap as regedit does, so lines stay readable. */
			if (col > 76) {
				strbuf_adds(sb, "\\");
				strbuf_adds(sb, newline);
				strbuf_adds(sb, "  ");
				col = 2;
			}
		}
	}
}

char *regfile_value_line(const char *name, const reg_value *value, const char *newline)
{
	strbuf sb = {0};
	char *sz;
	size_t n = 0;

	if (name[0] == '\0')
		strbuf_adds(&sb, "@");
	else
		add_quoted(&sb, name, strlen(name));
	strbuf_adds(&sb, "=");
	if (!value->exists) {
		strbuf_adds(&sb, "-");
	} else if (value->type == REGV_DWORD && value->len == 4) {
		strbuf_addf(&sb, "dword:%08lx", (unsigned long)dword_unpack(value->data));
	} else if ((sz = plain_sz(value, &n)) != NULL) {
		add_quoted(&sb, sz, n);
		free(sz);
	} else {
		if (value->type == REGV_BINARY)
			strbuf_adds(&sb, "hex:");
		else
			strbuf_addf(&sb, "hex(%x):", (unsigned)value->type);
		add_hex(&sb, value, sb.len, newline);
	}
	return strbuf_take(&sb, NULL);
}
