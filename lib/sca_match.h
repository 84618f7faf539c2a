/* Which SCA findings this program answers, by what the check tests rather
 * than by its id: check ids move between Wazuh releases (the policies ship
 * with each agent), while a control's title, CIS number and registry rule
 * stay. A new control is one sca_control in the list in sca_match.c. */
#ifndef SCA_MATCH_H
#define SCA_MATCH_H

#include "ar_message.h"

#include <stdint.h>

typedef struct sca_control {
	const char *cis;          /* benchmark recommendation, e.g. "2.3.8.2" */
	const char *title;        /* the setting the check's title names */
	const char *registry_key; /* full path, HKEY_LOCAL_MACHINE\... */
	const char *value_name;
	uint32_t dword; /* the compliant REG_DWORD data */
} sca_control;

/* The one control this program remediates. */
extern const sca_control sca_control_smb_client_signing;

typedef struct sca_match_result {
	const sca_control *control; /* the control matched, or NULL */
	char reason[256];           /* why not, when control is NULL */
} sca_match_result;

/* True when the finding is a failed check of a known control. A check is
 * that control's when
 *  - its title names the control's setting (any case and quoting, the
 *    \x27 escapes of managers writing to 4.2.0 - 4.2.4 agents read back);
 *  - its CIS number, where it has one (compliance.cis), is the control's;
 *  - it carries a registry list (4.x check.registry) or rules
 *    (check.rules), and each it carries agrees: every registry key is the
 *    control's key, and the rules test that key only, one of them for the
 *    value and data ("r:KEY -> VALUE -> 1").
 * The check id is never looked at beyond being a number. */
bool sca_match(const sca_finding *f, sca_match_result *m);

#endif
