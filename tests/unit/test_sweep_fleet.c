/* What the sweep reads from the API's answers, without a server: an
 * agent's version, a page of agents within its limits, an agent's
 * policies (too many of them told apart), a page of checks. The
 * conversation runs against the stand-in API in tests/api/. */
#include "sweep/sweep_fleet.h"

#include "unit.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static void version_is(const char *text, int major, int minor)
{
	int a = 7, b = 7;

	fleet_version_read(text, &a, &b);
	ck_assert_msg(a == major && b == minor, "%s: %d.%d", text ? text : "(null)", a, b);
}

START_TEST(versions)
{
	version_is("Wazuh v4.14.7", 4, 14);
	version_is("Wazuh v4.2", 4, 2);
	version_is("v10.0.1", 10, 0);
	/* Past an int, or a part missing: unknown, never undefined. */
	version_is("Wazuh v99999999999999999999.1", -1, -1);
	version_is("Wazuh v4.99999999999999999999", -1, -1);
	version_is("Wazuh v4", -1, -1);
	version_is("Wazuh v4.", -1, -1);
	version_is("Wazuh", -1, -1);
	version_is("", -1, -1);
	version_is(NULL, -1, -1);
}
END_TEST

static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * n + tl + 1), *p = s;

	ck_assert_ptr_nonnull(s);
	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

START_TEST(agents_page)
{
	const char *ok = "{\"data\":{\"affected_items\":[{\"id\":\"001\"}],\"total_affected_"
	                 "items\":1000000000000}}";
	char *flood = repeat("{\"data\":{\"affected_items\":[0", ",0", 100000, "]}}");
	fleet_page page;

	ck_assert(fleet_page_read(ok, strlen(ok), &page));
	ck_assert_int_eq(page.total, 1000000000000ULL);
	ck_assert_int_eq(cJSON_GetArraySize(page.items), 1);
	fleet_page_free(&page);
	ck_assert(!fleet_page_read(flood, strlen(flood), &page));
	ck_assert_ptr_null(page.root);
	ck_assert(!fleet_page_read("[]", 2, &page));
	free(flood);
}
END_TEST

START_TEST(policies)
{
	const char *one = "{\"data\":{\"affected_items\":[{\"policy_id\":\"p\",\"name\":\"P\"}],"
	                  "\"total_affected_items\":1}}";
	const char *many = "{\"data\":{\"affected_items\":[{\"policy_id\":\"p\",\"name\":\"P\"}],"
	                   "\"total_affected_items\":300}}";
	const char *none = "{\"data\":{\"affected_items\":[],\"total_affected_items\":0}}";
	const char *gone = "{\"data\":{\"affected_items\":[],\"failed_items\":[{\"id\":[\"9\"]}]}}";
	char *listed =
	        repeat("{\"data\":{\"affected_items\":[{}", ",{}", SWEEP_POLICIES_MAX, "]}}");
	const cJSON *p;
	sweep_skip why;
	cJSON *root;

	root = fleet_policies_read(200, one, strlen(one), &p, &why);
	ck_assert_int_eq(cJSON_GetArraySize(p), 1);
	ck_assert_int_eq(why, SKIP_REASONS);
	cJSON_Delete(root);
	root = fleet_policies_read(200, many, strlen(many), &p, &why);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(why, SKIP_TOO_MANY_POLICIES);
	cJSON_Delete(root);
	root = fleet_policies_read(200, listed, strlen(listed), &p, &why);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(why, SKIP_TOO_MANY_POLICIES);
	cJSON_Delete(root);
	root = fleet_policies_read(200, none, strlen(none), &p, &why);
	ck_assert_int_eq(why, SKIP_NO_SCA);
	cJSON_Delete(root);
	root = fleet_policies_read(200, gone, strlen(gone), &p, &why);
	ck_assert_int_eq(why, SKIP_SCA_UNREADABLE);
	cJSON_Delete(root);
	root = fleet_policies_read(400, one, strlen(one), &p, &why);
	ck_assert_ptr_null(root);
	ck_assert_int_eq(why, SKIP_SCA_UNREADABLE);
	free(listed);
}
END_TEST

START_TEST(checks_page)
{
	const char *empty = "{\"data\":{\"affected_items\":[]}}";
	char *flood = repeat("{\"data\":{\"affected_items\":[0", ",0", 200000, "]}}");
	bool readable = false;

	ck_assert_ptr_null(fleet_checks_read(empty, strlen(empty), "P", "!x.exe", &readable));
	ck_assert(readable);
	ck_assert_ptr_null(fleet_checks_read(flood, strlen(flood), "P", "!x.exe", &readable));
	ck_assert(!readable);
	free(flood);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep_fleet");
	TCase *tc = tcase_create("answers");

	tcase_add_test(tc, versions);
	tcase_add_test(tc, agents_page);
	tcase_add_test(tc, policies);
	tcase_add_test(tc, checks_page);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
