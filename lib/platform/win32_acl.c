/* The rule of win32_acl.h: SYSTEM, Administrators and the account the
 * program runs as may read a secret; anyone else who may is refused. */
#include "platform/win32_acl.h"

#include <stdlib.h>

static bool trusted_sid(PSID sid, PSID self)
{
	WELL_KNOWN_SID_TYPE ok[] = {WinLocalSystemSid, WinBuiltinAdministratorsSid};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (IsWellKnownSid(sid, ok[i]))
			return true;
	}
	return self != NULL && EqualSid(sid, self);
}

static bool ace_lets_others_read(const ACL *dacl, DWORD i, PSID self)
{
	const ACCESS_MASK reading = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL | MAXIMUM_ALLOWED;
	ACE_HEADER *ace = NULL;
	ACCESS_ALLOWED_ACE *allow;

	if (!GetAce((PACL)dacl, i, (void **)&ace))
		return true;
	if ((ace->AceFlags & INHERIT_ONLY_ACE) || ace->AceType == ACCESS_DENIED_ACE_TYPE)
		return false;
	if (ace->AceType != ACCESS_ALLOWED_ACE_TYPE)
		return true;
	allow = (ACCESS_ALLOWED_ACE *)ace;
	return (allow->Mask & reading) != 0 && !trusted_sid((PSID)&allow->SidStart, self);
}

bool win32_dacl_is_private(const ACL *dacl, PSID self)
{
	bool ok = dacl != NULL;

	for (DWORD i = 0; ok && i < dacl->AceCount; i++)
		ok = !ace_lets_others_read(dacl, i, self);
	return ok;
}

PSID win32_process_sid(void)
{
	HANDLE token = NULL;
	DWORD len = 0;
	TOKEN_USER *user = NULL;
	PSID copy = NULL;

	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
		return NULL;
	(void)GetTokenInformation(token, TokenUser, NULL, 0, &len);
	if (len > 0 && (user = malloc(len)) != NULL &&
	    GetTokenInformation(token, TokenUser, user, len, &len) &&
	    (copy = malloc(GetLengthSid(user->User.Sid))) != NULL &&
	    !CopySid(GetLengthSid(user->User.Sid), copy, user->User.Sid)) {
		free(copy);
		copy = NULL;
	}
	free(user);
	CloseHandle(token);
	return copy;
}
