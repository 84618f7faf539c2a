/* The .reg file format ("Windows Registry Editor Version 5.00" / REGEDIT4):
 * a parser that keeps every byte it does not need to change, so that a file
 * edited here differs from the original only in the lines edited, in the
 * same encoding (UTF-16LE with BOM, UTF-8 with or without BOM) and line
 * endings. Text is held as UTF-8; offsets below are into that text. */
#ifndef REGFILE_H
#define REGFILE_H

#include "registry/registry.h"

typedef enum regfile_encoding {
	REGFILE_UTF8,
	REGFILE_UTF8_BOM,
	REGFILE_UTF16LE /* with BOM */
} regfile_encoding;

typedef enum regfile_entry_kind {
	REGFILE_KEY,         /* [path] */
	REGFILE_KEY_DELETE,  /* [-path] */
	REGFILE_VALUE,       /* "name"=data */
	REGFILE_VALUE_DELETE /* "name"=- */
} regfile_entry_kind;

typedef struct regfile_entry {
	regfile_entry_kind kind;
	size_t start;    /* first byte of the line */
	size_t end;      /* one past its last byte, before the line break */
	size_t next;     /* first byte after the line break */
	size_t line;     /* 1-based line number, for messages */
	char *key;       /* the key: of the line itself, or of the section a value is in */
	char *name;      /* value entries: the name, "" for the default value (@) */
	reg_value value; /* REGFILE_VALUE */
} regfile_entry;

typedef struct regfile {
	char *text; /* UTF-8, NUL-terminated */
	size_t len;
	regfile_encoding encoding;
	const char *newline; /* "\r\n" or "\n", as the file has it */
	regfile_entry *entries;
	size_t count;
} regfile;

/* Decodes and parses a whole file. Errors name the line. */
ar_status regfile_parse(const unsigned char *bytes, size_t len, regfile **out, ar_error *err);

/* A file with only the 5.00 header, as Windows writes it in that encoding. */
ar_status regfile_new(regfile_encoding encoding, regfile **out, ar_error *err);

void regfile_free(regfile *rf);

/* The state of one value after the whole file is applied in order. */
ar_status regfile_get(const regfile *rf, const char *key, const char *name, reg_value *out,
                      ar_error *err);

/* Sets (value) or removes (value NULL) one value, editing only its line, or
 * adding a line to the key's section, or a section at the end. *changed
 * tells whether the text differs. */
ar_status regfile_set(regfile *rf, const char *key, const char *name, const reg_value *value,
                      bool *changed, ar_error *err);

/* The file's bytes in its own encoding. Caller frees. */
ar_status regfile_encode(const regfile *rf, unsigned char **out, size_t *len, ar_error *err);

/* One value line (without line break): "name"=dword:00000001, "name"="...",
 * "name"=hex(N):..., or "name"=- when !value->exists. Caller frees. */
char *regfile_value_line(const char *name, const reg_value *value, const char *newline);

#endif
