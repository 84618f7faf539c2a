/* Who may read a secret on Windows (win32_acl.c): DACLs built in memory
 * with the system's own ACL calls, each entry a case a secret file can meet,
 * judged as platform_file_is_private judges a file's. Runs on Windows (and
 * under Wine), where the ACL calls are real. */
#include "unit.h"

#include "platform/win32_acl.h"

#include <stddef.h>

/* A DACL of room for a handful of entries, grown one entry at a time; of
 * the revision that takes object entries too. */
typedef struct test_dacl {
	union {
		ACL acl;
		unsigned char room[1024];
	} u;
} test_dacl;

static ACL *fresh_dacl(test_dacl *d)
{
	ck_assert(InitializeAcl(&d->u.acl, sizeof(d->u.room), ACL_REVISION_DS));
	return &d->u.acl;
}

/* The SID of a well-known account, in buf (SECURITY_MAX_SID_SIZE bytes). */
static PSID well_known(WELL_KNOWN_SID_TYPE type, void *buf)
{
	DWORD len = SECURITY_MAX_SID_SIZE;

	ck_assert(CreateWellKnownSid(type, NULL, buf, &len));
	return buf;
}

/* A user of some domain that is neither the system, an administrator nor
 * this process: S-1-5-21-1-2-3-1001, as a file's owner may be. */
static PSID someone_else(void *buf)
{
	SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
	PSID sid = NULL;

	ck_assert(AllocateAndInitializeSid(&nt, 5, 21, 1, 2, 3, 1001, 0, 0, 0, &sid));
	ck_assert(CopySid(SECURITY_MAX_SID_SIZE, buf, sid));
	FreeSid(sid);
	return buf;
}

static void allow(ACL *acl, DWORD flags, DWORD mask, PSID sid)
{
	ck_assert(AddAccessAllowedAceEx(acl, ACL_REVISION_DS, flags, mask, sid));
}

/* SYSTEM and Administrators with full control: the DACL the program's own
 * private folders pass on. */
static ACL *admins_only(test_dacl *d)
{
	unsigned char sys[SECURITY_MAX_SID_SIZE], adm[SECURITY_MAX_SID_SIZE];
	ACL *acl = fresh_dacl(d);

	allow(acl, 0, FILE_ALL_ACCESS, well_known(WinLocalSystemSid, sys));
	allow(acl, 0, FILE_ALL_ACCESS, well_known(WinBuiltinAdministratorsSid, adm));
	return acl;
}

START_TEST(system_and_administrators_only_is_private)
{
	test_dacl d;

	ck_assert(win32_dacl_is_private(admins_only(&d), NULL));
	ck_assert(win32_dacl_is_private(fresh_dacl(&d), NULL));
}
END_TEST

START_TEST(no_dacl_lets_everyone_read)
{
	ck_assert(!win32_dacl_is_private(NULL, NULL));
}
END_TEST

/* Each of these, added to SYSTEM and Administrators, lets another account
 * read. */
START_TEST(others_who_may_read_are_refused)
{
	unsigned char sid[SECURITY_MAX_SID_SIZE];
	struct {
		WELL_KNOWN_SID_TYPE who;
		DWORD mask;
	} cases[] = {
	        {WinWorldSid, FILE_GENERIC_READ},        {WinBuiltinUsersSid, FILE_READ_DATA},
	        {WinAuthenticatedUserSid, GENERIC_READ}, {WinWorldSid, GENERIC_ALL},
	        {WinCreatorOwnerSid, MAXIMUM_ALLOWED},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_dacl d;
		ACL *acl = admins_only(&d);

		allow(acl, 0, cases[i].mask, well_known(cases[i].who, sid));
		ck_assert_msg(!win32_dacl_is_private(acl, NULL), "case %zu let through", i);
	}
}
END_TEST

/* The file's owner is not trusted for being its owner: only SYSTEM,
 * Administrators and the account the program runs as are. */
START_TEST(an_owner_of_another_account_is_refused)
{
	unsigned char other[SECURITY_MAX_SID_SIZE];
	test_dacl d;
	ACL *acl = admins_only(&d);

	allow(acl, 0, FILE_GENERIC_READ | FILE_GENERIC_WRITE, someone_else(other));
	ck_assert(!win32_dacl_is_private(acl, NULL));
	ck_assert(win32_dacl_is_private(acl, someone_else(other)));
}
END_TEST

START_TEST(the_account_the_program_runs_as_may_read)
{
	PSID self = win32_process_sid();
	test_dacl d;
	ACL *acl = admins_only(&d);

	ck_assert_ptr_nonnull(self);
	ck_assert(IsValidSid(self));
	allow(acl, 0, FILE_ALL_ACCESS, self);
	ck_assert(win32_dacl_is_private(acl, self));
	free(self);
}
END_TEST

/* Entries that let no one read: a right other than reading, a denial, one
 * that only folders' children inherit. */
START_TEST(entries_that_grant_no_reading_are_fine)
{
	unsigned char world[SECURITY_MAX_SID_SIZE];
	test_dacl d;
	ACL *acl = admins_only(&d);

	allow(acl, 0, FILE_WRITE_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
	      well_known(WinWorldSid, world));
	ck_assert(AddAccessDeniedAce(acl, ACL_REVISION_DS, FILE_ALL_ACCESS, world));
	allow(acl, OBJECT_INHERIT_ACE | INHERIT_ONLY_ACE, GENERIC_READ, world);
	ck_assert(win32_dacl_is_private(acl, NULL));
}
END_TEST

/* An allow entry of another kind (here a callback entry, SYSTEM's, added
 * as raw bytes) is not read as a plain one: taken as letting others read. */
START_TEST(an_entry_of_another_kind_counts_as_others)
{
	unsigned char sys[SECURITY_MAX_SID_SIZE];
	union {
		ACCESS_ALLOWED_CALLBACK_ACE ace;
		unsigned char room[sizeof(ACCESS_ALLOWED_CALLBACK_ACE) + SECURITY_MAX_SID_SIZE];
	} e = {0};
	PSID sid = well_known(WinLocalSystemSid, sys);
	DWORD len = (DWORD)(offsetof(ACCESS_ALLOWED_CALLBACK_ACE, SidStart) + GetLengthSid(sid));
	test_dacl d;
	ACL *acl = admins_only(&d);

	e.ace.Header.AceType = ACCESS_ALLOWED_CALLBACK_ACE_TYPE;
	e.ace.Header.AceSize = (WORD)len;
	e.ace.Mask = FILE_READ_DATA;
	ck_assert(CopySid(GetLengthSid(sid), &e.ace.SidStart, sid));
	ck_assert(AddAce(acl, ACL_REVISION_DS, MAXDWORD, &e.ace, len));
	ck_assert(!win32_dacl_is_private(acl, NULL));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("win32_acl");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, system_and_administrators_only_is_private);
	tcase_add_test(tc, no_dacl_lets_everyone_read);
	tcase_add_test(tc, others_who_may_read_are_refused);
	tcase_add_test(tc, an_owner_of_another_account_is_refused);
	tcase_add_test(tc, the_account_the_program_runs_as_may_read);
	tcase_add_test(tc, entries_that_grant_no_reading_are_fine);
	tcase_add_test(tc, an_entry_of_another_kind_counts_as_others);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
