/* The manager's ossec.conf as the sweep reads it for the <extra_args> of
 * the command it dispatches: several <ossec_config> blocks, comments that
 * are not configuration, the command found by its executable or its name,
 * the arguments split as analysisd splits them, and files that cannot be
 * read refused with their line. */
#include "sweep/sweep_ossec_conf.h"

#include "unit.h"

#include <check.h>
#include <string.h>

#define EXE    "!win_ms_network_client_sign_if_server_agrees.exe"
#define OURS   "<executable>win_ms_network_client_sign_if_server_agrees.exe</executable>"
#define BLOCK0 "<ossec_config><command><name>win-ms-network-client-sign</name>" OURS
#define BLOCK1 "</command></ossec_config>"

static ar_status parse(const char *text, const char *command, ossec_args *a, char *msg)
{
	ar_error err = {0};
	ar_status st = ossec_conf_parse(text, strlen(text), command, a, &err);

	strcpy(msg, err.msg);
	return st;
}

/* The arguments joined with '|', or "-" when no block runs the command. */
static const char *joined(const ossec_args *a, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!a->found)
		return "-";
	for (size_t i = 0; i < a->n; i++) {
		strncat(buf, i ? "|" : "", len - strlen(buf) - 1);
		strncat(buf, a->v[i], len - strlen(buf) - 1);
	}
	return buf;
}

START_TEST(arguments_of_our_command)
{
	static const struct {
		const char *text, *command, *want;
	} cases[] = {
	        {BLOCK0 "<extra_args>dry-run</extra_args>" BLOCK1, EXE, "dry-run"},
	        {BLOCK0 BLOCK1, EXE, ""},
	        {BLOCK0 "<extra_args/>" BLOCK1, EXE, ""},
	        /* Split on spaces only, as analysisd's strtok(" "). */
	        {BLOCK0 "<extra_args>  dry-run  x\ty </extra_args>" BLOCK1, EXE, "dry-run|x\ty"},
	        /* The last one counts, as in Wazuh's reader. */
	        {BLOCK0 "<extra_args>a</extra_args><extra_args>dry-run</extra_args>" BLOCK1, EXE,
	         "dry-run"},
	        /* A comment is not configuration. */
	        {BLOCK0 "<!-- <extra_args>dry-run</extra_args> -->" BLOCK1, EXE, ""},
	        {"<!--" BLOCK0 "<extra_args>x</extra_args>" BLOCK1 "-->" BLOCK0 BLOCK1, EXE, ""},
	        /* Any block of the file; the executable's case is Windows'. */
	        {"<ossec_config/>\n<ossec_config><global/></ossec_config>\n"
	         "<ossec_config><command><name>a</name>"
	         "<executable>Win_MS_Network_Client_Sign_If_Server_Agrees.EXE</executable>"
	         "<extra_args>dry-run</extra_args></command></ossec_config>",
	         EXE, "dry-run"},
	        /* Another program's command, and <command> elsewhere than a
	         * direct child of <ossec_config>: not ours. */
	        {"<ossec_config><command><name>firewall-drop</name><executable>firewall-drop"
	         "</executable><extra_args>dry-run</extra_args></command>"
	         "<localfile><command>" OURS "<extra_args>x</extra_args></command></localfile>"
	         "<active-response><command>win-ms-network-client-sign</command>"
	         "</active-response></ossec_config>",
	         EXE, "-"},
	        /* By its ar.conf name: the <name> and a timeout. */
	        {BLOCK0 "<extra_args>dry-run</extra_args>" BLOCK1, "win-ms-network-client-sign0",
	         "dry-run"},
	        {BLOCK0 "<extra_args>dry-run</extra_args>" BLOCK1, "win-ms-network-client-sign",
	         "-"},
	        {BLOCK0 "<extra_args>dry-run</extra_args>" BLOCK1, "win-ms-network-client0", "-"},
	        /* '&' is plain text to Wazuh, and so here; entities are not. */
	        {"<ossec_config><localfile><command>a && b &amp; c</command></localfile>"
	         "</ossec_config>" BLOCK0 "<extra_args>dry-run&amp;x</extra_args>" BLOCK1,
	         EXE, "dry-run&amp;x"},
	        /* A byte order mark and an XML declaration open the file. */
	        {"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" BLOCK0
	         "<extra_args>dry-run</extra_args>" BLOCK1,
	         EXE, "dry-run"},
	        /* Blocks that agree. */
	        {BLOCK0 "<extra_args>dry-run</extra_args>" BLOCK1 BLOCK0
	                "<extra_args> dry-run</extra_args>" BLOCK1,
	         EXE, "dry-run"},
	        {"", EXE, "-"},
	        {"<!-- nothing -->\n", EXE, "-"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ossec_args a;
		char msg[AR_ERROR_MSG_MAX], buf[256];
		ck_assert_msg(parse(cases[i].text, cases[i].command, &a, msg) == AR_OK, "%zu: %s",
		              i, msg);
		ck_assert_msg(strcmp(joined(&a, buf, sizeof(buf)), cases[i].want) == 0,
		              "%zu: got %s, want %s", i, joined(&a, buf, sizeof(buf)),
		              cases[i].want);
		ossec_args_clear(&a);
	}
}
END_TEST

START_TEST(the_line_of_the_block)
{
	ossec_args a;
	char msg[AR_ERROR_MSG_MAX];

	ck_assert_int_eq(parse("<!-- a\nb -->\n<ossec_config>\n<command>\n" OURS
	                       "\n<extra_args>dry-run</extra_args>\n" BLOCK1,
	                       EXE, &a, msg),
	                 AR_OK);
	ck_assert(a.found);
	ck_assert_uint_eq(a.line, 4);
	ossec_args_clear(&a);
}
END_TEST

START_TEST(refused_with_the_line)
{
	static const struct {
		const char *text, *words;
	} cases[] = {
	        {"<ossec_config>\n<command>\n<extra_args>dry-run</extra_arg>\n" BLOCK1,
	         "line 3, column 22: mismatched tag"},
	        {BLOCK0 "<extra_args>dry-run</extra_args>", "line 1, column "},
	        {"<ossec_config>\n<!-- open", "left open"},
	        {"<ossec_config>\n<command>\x01</command></ossec_config>",
	         "line 2, column 10: not well-formed"},
	        {"<ossec_config></ossec_config>\n<agent_config></agent_config>",
	         "line 2: <agent_config> at the top of the file"},
	        {"<ossec_config><ossec_config/></ossec_config>", NULL},
	        {"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"dry-run\">]>" BLOCK0
	         "<extra_args>&e;</extra_args>" BLOCK1,
	         "line 1, column "},
	        {BLOCK0 "<extra_args>dry-run</extra_args>" BLOCK1 "\n\n" BLOCK0 BLOCK1,
	         "line 3: the <command> of line 3 and the one of line 1 both run the command"},
	        {"just text", NULL},
	        {"<ossec_config>", "left open"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ossec_args a;
		char msg[AR_ERROR_MSG_MAX];
		ar_status st = parse(cases[i].text, EXE, &a, msg);
		if (cases[i].words == NULL) {
			/* Not ours to refuse: no block of ours in it. */
			ck_assert_msg(st == AR_OK && !a.found, "%zu: %s", i, msg);
			continue;
		}
		ck_assert_msg(st != AR_OK, "%zu: accepted", i);
		ck_assert_msg(strstr(msg, cases[i].words) != NULL, "%zu: %s", i, msg);
		ck_assert_ptr_null(a.v);
		ck_assert(!a.found);
	}
}
END_TEST

START_TEST(limits)
{
	char *text = malloc(OSSEC_CONF_MAX + 64);
	ossec_args a;
	char msg[AR_ERROR_MSG_MAX];
	size_t n;

	ck_assert_ptr_nonnull(text);
	/* Nested deeper than the cap. */
	n = 0;
	n += (size_t)sprintf(text, "<ossec_config>");
	for (int i = 0; i < OSSEC_CONF_DEPTH_MAX; i++)
		n += (size_t)sprintf(text + n, "<a>");
	ck_assert_int_eq(parse(text, EXE, &a, msg), AR_E_TOO_LARGE);
	ck_assert_ptr_nonnull(strstr(msg, "nested deeper"));
	/* <extra_args> longer than analysisd keeps. */
	n = (size_t)sprintf(text, BLOCK0 "<extra_args>");
	memset(text + n, 'a', OSSEC_ARGS_TEXT_MAX + 1);
	strcpy(text + n + OSSEC_ARGS_TEXT_MAX + 1, "</extra_args>" BLOCK1);
	ck_assert_int_eq(parse(text, EXE, &a, msg), AR_E_TOO_LARGE);
	ck_assert_ptr_nonnull(strstr(msg, "longer than 2047 bytes"));
	/* Exactly as long: kept. */
	strcpy(text + n + OSSEC_ARGS_TEXT_MAX, "</extra_args>" BLOCK1);
	ck_assert_int_eq(parse(text, EXE, &a, msg), AR_OK);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_uint_eq(strlen(a.v[0]), OSSEC_ARGS_TEXT_MAX);
	ossec_args_clear(&a);
	/* Any field longer than Wazuh's reader takes. */
	n = (size_t)sprintf(text, BLOCK0 "<name>");
	memset(text + n, 'a', OSSEC_CONF_FIELD_MAX + 1);
	strcpy(text + n + OSSEC_CONF_FIELD_MAX + 1, "</name>" BLOCK1);
	ck_assert_int_eq(parse(text, EXE, &a, msg), AR_E_TOO_LARGE);
	/* The file's size. */
	memset(text, ' ', OSSEC_CONF_MAX + 1);
	ck_assert_int_eq(ossec_conf_parse(text, OSSEC_CONF_MAX + 1, EXE, &a, NULL), AR_E_TOO_LARGE);
	free(text);
}
END_TEST

static ar_status read_data(const char *name, ossec_args *a, char *msg)
{
	char path[1024];
	ar_error err = {0};
	ar_status st;

	snprintf(path, sizeof(path), "%s/ossec_conf/%s", TESTS_DATA_DIR, name);
	st = ossec_conf_read(path, EXE, a, &err);
	strcpy(msg, err.msg);
	return st;
}

START_TEST(files)
{
	ossec_args a;
	char msg[AR_ERROR_MSG_MAX], buf[256];

	ck_assert_int_eq(read_data("manager_dry_run.conf", &a, msg), AR_OK);
	ck_assert_str_eq(joined(&a, buf, sizeof(buf)), "dry-run");
	ck_assert_uint_eq(a.line, 40);
	ossec_args_clear(&a);
	ck_assert_int_eq(read_data("manager_shipped.conf", &a, msg), AR_OK);
	ck_assert_str_eq(joined(&a, buf, sizeof(buf)), "");
	ossec_args_clear(&a);
	ck_assert_int_eq(read_data("manager_none.conf", &a, msg), AR_OK);
	ck_assert_str_eq(joined(&a, buf, sizeof(buf)), "-");
	ck_assert_int_eq(read_data("manager_unparsable.conf", &a, msg), AR_E_INVALID);
	ck_assert_msg(strstr(msg, "ossec_conf/manager_unparsable.conf: line 5, column ") != NULL,
	              "%s", msg);
	ck_assert_int_eq(read_data("manager_conflict.conf", &a, msg), AR_E_INVALID);
	ck_assert_msg(strstr(msg, "manager_conflict.conf: line 12: the <command> of line 9 and "
	                          "the one of line 2") != NULL,
	              "%s", msg);
	ck_assert_int_ne(read_data("missing.conf", &a, msg), AR_OK);
	ck_assert_msg(strstr(msg, "missing.conf") != NULL, "%s", msg);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep_ossec_conf");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, arguments_of_our_command);
	tcase_add_test(tc, the_line_of_the_block);
	tcase_add_test(tc, refused_with_the_line);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, files);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
