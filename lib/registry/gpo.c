#include "registry/gpo.h"

#include "platform/platform.h"
#include "util/path.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/utf16.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A template is a few KiB; these caps keep a strange cache cheap. */
#define TEMPLATE_MAX_BYTES (1024u * 1024u)
#define TEMPLATES_MAX      256u
#define HISTORY_GPOS_MAX   100u

/* s[0..n) is word, ASCII case ignored. */
static bool span_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && text_equal_ci_n(s, word, n);
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* How a security template names an HKLM value: "MACHINE\<subkey>\<name>". */
static char *template_name(const char *key, const char *value_name)
{
	const char *root, *sub;
	strbuf sb = {0};

	if (!registry_split_root(key, &root, &sub) || strcmp(root, "HKEY_LOCAL_MACHINE") != 0)
		return NULL;
	strbuf_addf(&sb, "MACHINE\\%s\\%s", sub, value_name);
	return strbuf_take(&sb, NULL);
}

typedef struct scan_state {
	const char *want;
	bool in_values; /* inside [Registry Values] */
	char *setting;
	char *gpo_id;
} scan_state;

/* "GPOPath={GUID}\MACHINE": the id is the part in braces. */
static char *gpo_id_of(const char *v, size_t n)
{
	const char *close = memchr(v, '}', n);
	return (n > 2 && v[0] == '{' && close != NULL) ? text_dup_n(v, (size_t)(close - v) + 1)
	                                               : NULL;
}

static void scan_line(const char *s, size_t n, scan_state *st)
{
	const char *eq, *v;
	size_t kn, vn;

	trim(&s, &n);
	if (n > 0 && s[0] == '[') {
		st->in_values = span_is(s, n, "[Registry Values]");
		return;
	}
	if ((eq = memchr(s, '=', n)) == NULL)
		return;
	kn = (size_t)(eq - s);
	v = eq + 1;
	vn = n - kn - 1;
	trim(&s, &kn);
	trim(&v, &vn);
	if (st->gpo_id == NULL && span_is(s, kn, "GPOPath")) {
		st->gpo_id = gpo_id_of(v, vn);
	} else if (st->in_values && span_is(s, kn, st->want)) {
		free(st->setting);
		st->setting = text_dup_n(v, vn);
	}
}

bool gpo_template_scan(const char *text, const char *key, const char *value_name, char **setting,
                       char **gpo_id)
{
	scan_state st = {.want = NULL};

	*setting = NULL;
	*gpo_id = NULL;
	if ((st.want = template_name(key, value_name)) == NULL)
		return false;
	while (*text != '\0') {
		size_t n = strcspn(text, "\r\n");
		scan_line(text, n, &st);
		text += n;
		text += strspn(text, "\r\n");
	}
	free((char *)st.want);
	if (st.setting == NULL) {
		free(st.gpo_id);
		return false;
	}
	*setting = st.setting;
	*gpo_id = st.gpo_id;
	return true;
}

/* The cache holds gpt00000.inf, gpt00001.dom, ... */
static bool is_template(const char *name)
{
	size_t n = strlen(name);
	return n > 7 && span_is(name, 3, "gpt") &&
	       (span_is(name + n - 4, 4, ".inf") || span_is(name + n - 4, 4, ".dom"));
}

/* Security templates are UTF-16LE with a BOM as secedit writes them; ANSI
 * and UTF-8 are read as they are. */
static char *template_text(const char *path)
{
	unsigned char *data = NULL;
	size_t len = 0, tl;
	char *text = NULL;

	if (platform_read_file(path, TEMPLATE_MAX_BYTES, &data, &len, NULL) != AR_OK)
		return NULL;
	if (len < 2 || data[0] != 0xFF || data[1] != 0xFE)
		return (char *)data;
	if (utf16le_to_utf8(data + 2, (len - 2) & ~(size_t)1, &text, &tl, NULL) != AR_OK)
		text = NULL;
	free(data);
	return text;
}

static void scan_file(const char *dir, const char *name, const char *key, const char *value_name,
                      gpo_evidence *out)
{
	char *path = path_join(dir, name), *text, *setting, *id;

	if (path == NULL)
		return;
	text = template_text(path);
	if (text != NULL && gpo_template_scan(text, key, value_name, &setting, &id)) {
		/* The cache numbers templates in the order they were processed,
		 * and the last one processed is in force: keep the last. */
		size_t count = out->templates + 1;
		gpo_evidence_free(out);
		*out = (gpo_evidence){.found = true,
		                      .setting = setting,
		                      .gpo_id = id,
		                      .template_file = path,
		                      .templates = count};
		path = NULL;
	}
	free(text);
	free(path);
}

/* A REG_SZ's text without its terminator, as UTF-8; NULL otherwise. */
static char *sz_text(const reg_value *v)
{
	size_t n = v->len & ~(size_t)1, tl;
	char *text = NULL;

	if (!v->exists || (v->type != REGV_SZ && v->type != REGV_EXPAND_SZ))
		return NULL;
	while (n >= 2 && v->data[n - 1] == 0 && v->data[n - 2] == 0)
		n -= 2;
	if (utf16le_to_utf8(v->data, n, &text, &tl, NULL) != AR_OK)
		return NULL;
	return text;
}

static char *history_value(registry *reg, const char *key, const char *name, bool *key_exists)
{
	reg_value v = {0};
	char *text = NULL;

	*key_exists = false;
	if (registry_read(reg, key, name, &v, NULL) == AR_OK) {
		*key_exists = v.key_exists;
		text = sz_text(&v);
	}
	reg_value_free(&v);
	return text;
}

/* The display name the Security extension recorded for the GPO; its
 * history numbers the GPOs it applied from 0. */
static char *gpo_display_name(registry *reg, const char *gpo_id)
{
	char key[sizeof(GPO_HISTORY_KEY) + 16];
	bool exists = true;

	for (unsigned i = 0; i < HISTORY_GPOS_MAX && exists; i++) {
		char *id;
		bool match;
		snprintf(key, sizeof(key), "%s\\%u", GPO_HISTORY_KEY, i);
		id = history_value(reg, key, "GPOName", &exists);
		match = id != NULL && text_equal_ci(id, gpo_id);
		free(id);
		if (match)
			return history_value(reg, key, "DisplayName", &exists);
	}
	return NULL;
}

/* *s cut as every echoed field is (a template line or a GPO's name may be
 * as long as its file or value): each consumer gets bounded text. */
static void bound(char **s)
{
	char *cut = text_cut(*s, TEXT_ECHOED_MAX);

	free(*s);
	*s = cut;
}

/* Bounded only now: the GPO's name is looked up by its whole id. No
 * memory for the setting leaves no evidence. */
static void bound_evidence(gpo_evidence *e)
{
	bound(&e->setting);
	bound(&e->gpo_id);
	bound(&e->gpo_name);
	bound(&e->template_file);
	if (e->found && e->setting == NULL)
		gpo_evidence_free(e);
}

bool gpo_find(registry *reg, const char *key, const char *value_name, gpo_evidence *out)
{
	char *dir = registry_gp_template_dir(reg);
	char **names = NULL;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	if (dir == NULL)
		return false;
	if (platform_list_dir(dir, "", &names, &n, NULL) == AR_OK) {
		for (size_t i = 0; i < n && i < TEMPLATES_MAX; i++) {
			if (is_template(names[i]))
				scan_file(dir, names[i], key, value_name, out);
		}
	}
	if (out->found && out->gpo_id != NULL)
		out->gpo_name = gpo_display_name(reg, out->gpo_id);
	bound_evidence(out);
	platform_free_list(names, n);
	free(dir);
	return out->found;
}

void gpo_evidence_free(gpo_evidence *e)
{
	free(e->setting);
	free(e->gpo_id);
	free(e->gpo_name);
	free(e->template_file);
	memset(e, 0, sizeof(*e));
}
