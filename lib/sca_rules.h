/* The lists an SCA check carries (4.x check.registry, 5.x check.rules),
 * read back in every form they arrive in, and the parts of a registry rule.
 * The matcher (sca_match) decides with them what a check tests. */
#ifndef SCA_RULES_H
#define SCA_RULES_H

#include <cjson/cJSON.h>
#include <stdbool.h>

/* A list of strings read back from a check's field. */
typedef struct sca_strings {
	const cJSON *items; /* a JSON array holding only strings */
	cJSON *owned;       /* what was parsed to get it; sca_strings_free frees it */
} sca_strings;

/* Reads v as a list of strings, whichever of these it is:
 *  - a JSON array of strings;
 *  - a string holding one, JSON-encoded (how the 4.x decoder and the
 *    agents' databases keep lists);
 *  - the pieces of such a string cut at every comma, as an array of
 *    strings: 5.0 agents built before wazuh/wazuh pull request 38953 send
 *    check.rules so, ["[\"not r:HKEY_...\"", "\"r:HKEY_... -> 1\"]"].
 * False, with nothing to free, for anything else. */
bool sca_strings_read(const cJSON *v, sca_strings *out);
void sca_strings_free(sca_strings *s);

typedef enum sca_rule_kind {
	SCA_RULE_OTHER,    /* a file, directory, process or command rule */
	SCA_RULE_REGISTRY, /* "[not ]r:KEY[ -> VALUE[ -> DATA]]" */
	SCA_RULE_TOO_LONG  /* a registry rule whose parts do not fit below */
} sca_rule_kind;

/* The parts of a registry rule, trimmed; "" for a part absent. */
typedef struct sca_registry_rule {
	bool negated;
	char key[1024];
	char value[256];
	char data[256];
} sca_registry_rule;

sca_rule_kind sca_registry_rule_parse(const char *rule, sca_registry_rule *out);

#endif
