/* Which SCA findings this program answers: a table of (policy, check) rows,
 * each pointing at the control it remediates. Adding a policy's check of a
 * known control is one row; a new control is one sca_control and its rows. */
#ifndef SCA_MATCH_H
#define SCA_MATCH_H

#include "ar_message.h"

#include <stddef.h>
#include <stdint.h>

typedef struct sca_control {
	const char *cis; /* benchmark recommendation, e.g. "2.3.8.2" */
	const char *title;
	const char *registry_key; /* full path, HKEY_LOCAL_MACHINE\... */
	const char *value_name;
	uint32_t dword; /* the compliant REG_DWORD data */
} sca_control;

typedef struct sca_check_row {
	const char *policy_id;   /* Wazuh policy file id, e.g. "cis_win11_enterprise" */
	const char *policy_name; /* the product part of the policy name */
	const char *check_id;
	const sca_control *control;
} sca_check_row;

/* The one control this program remediates. */
extern const sca_control sca_control_smb_client_signing;

/* The rows, for documentation and tests. */
const sca_check_row *sca_check_rows(size_t *count);

typedef struct sca_match_result {
	const sca_check_row *row; /* the row matched, or NULL */
	char reason[256];         /* why not, when row is NULL */
} sca_match_result;

/* True when the finding is a failed check of the table, consistent in
 * policy and registry key. */
bool sca_match(const sca_finding *f, sca_match_result *m);

#endif
