/* Who may read a secret on Windows: the rule platform_file_is_private
 * applies to a file's DACL, apart so that it can be tried on DACLs built
 * in memory. win32_acl.c; Windows builds only. */
#ifndef WIN32_ACL_H
#define WIN32_ACL_H

#include <windows.h>

#include <stdbool.h>

/* True when no entry of dacl lets anyone read but SYSTEM, Administrators
 * and self (the account the program runs as: SYSTEM under the agent; NULL
 * for none). A NULL DACL lets everyone read. Deny and inherit-only entries
 * grant nothing; an allow entry of another kind (object, callback) counts
 * as letting others read, as its SID is not where a plain entry has it. */
bool win32_dacl_is_private(const ACL *dacl, PSID self);

/* A copy of the SID of the account this process runs as (free() it), or
 * NULL when the system does not say. */
PSID win32_process_sid(void);

#endif
