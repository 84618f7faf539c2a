/* Evidence that a domain Group Policy manages a registry value, read where
 * Windows itself keeps it: the Security extension's cached copy of the
 * security template (GptTmpl.inf) of each GPO it applied, which names the
 * value and the GPO's id, and the extension's history of applied GPOs,
 * which names the GPO. A folder listing, a few small files and a few
 * registry reads; nothing at all on backends without such a cache (a .reg
 * file). */
#ifndef GPO_H
#define GPO_H

#include "registry/registry.h"

#include <stdbool.h>
#include <stddef.h>

/* The Security extension's id: its history of applied GPOs lives under
 * HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Group Policy\History\<id>. */
#define GPO_SECURITY_CSE "{827D319E-6EAC-11D2-A4EA-00C04F79F83A}"
#define GPO_HISTORY_KEY                                                                            \
	"HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Group "                 \
	"Policy\\History\\" GPO_SECURITY_CSE

/* Its text fields are cut at TEXT_ECHOED_MAX bytes with TEXT_CUT_MARK
 * (util/text.h): a template line or a GPO's name can be as long as its
 * file or value, and each of these is echoed. */
typedef struct gpo_evidence {
	bool found;
	char *setting;       /* as the template writes it: "4,0" is REG_DWORD 0 */
	char *gpo_id;        /* "{31B2F340-...}", or NULL when the template has no GPOPath */
	char *gpo_name;      /* the GPO's display name, or NULL when the history lacks it */
	char *template_file; /* the cached template that sets the value */
	size_t templates;    /* how many cached templates set it (the last one is named) */
} gpo_evidence;

/* Looks for a cached security template that sets key\value_name; true
 * when one does. Best effort: what cannot be read is passed over. */
bool gpo_find(registry *reg, const char *key, const char *value_name, gpo_evidence *out);

/* Scans one template's text (UTF-8) for key\value_name in its
 * [Registry Values] section. On a match returns true with *setting and
 * *gpo_id (NULL when absent) allocated. */
bool gpo_template_scan(const char *text, const char *key, const char *value_name, char **setting,
                       char **gpo_id);

void gpo_evidence_free(gpo_evidence *e);

#endif
