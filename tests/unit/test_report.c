/* The API's answers as the reporter reads them: which events of a batch a
 * POST /events answer took (only those leave the spool). The conversation
 * itself runs against a real HTTPS server in tests/api/. */
#include "report/report.h"

#include "unit.h"

#include <check.h>
#include <stdbool.h>
#include <string.h>

static const char *const batch[] = {"{\"n\":1}", "{\"n\":2}", "{\"n\":1}", "{\"n\":3}"};
#define N (sizeof(batch) / sizeof(batch[0]))

/* Runs report_events_taken on body; want is "1010"-style, one per event. */
static void takes(const char *body, const char *want)
{
	bool taken[N];
	size_t count = report_events_taken(body, body ? strlen(body) : 0, batch, N, taken);
	size_t marked = 0;

	for (size_t i = 0; i < N; i++) {
		ck_assert_msg(taken[i] == (want[i] == '1'), "%s: event %zu", body, i);
		marked += taken[i];
	}
	ck_assert_uint_eq(count, marked);
}

START_TEST(affected_items_take_their_events)
{
	/* The shape the API answers with: the events themselves, as sent. */
	takes("{\"data\":{\"affected_items\":[\"{\\\"n\\\":1}\",\"{\\\"n\\\":2}\","
	      "\"{\\\"n\\\":1}\",\"{\\\"n\\\":3}\"],\"total_affected_items\":4,"
	      "\"total_failed_items\":0,\"failed_items\":[]},\"error\":0}",
	      "1111");
	/* Some failed: only the listed ones leave the spool. */
	takes("{\"data\":{\"affected_items\":[\"{\\\"n\\\":2}\"],\"total_affected_items\":1,"
	      "\"total_failed_items\":3,\"failed_items\":[{\"error\":{\"code\":1014},"
	      "\"id\":[\"{\\\"n\\\":1}\",\"{\\\"n\\\":1}\",\"{\\\"n\\\":3}\"]}]},\"error\":1}",
	      "0100");
	/* A text sent twice and listed once takes one of the two. */
	takes("{\"data\":{\"affected_items\":[\"{\\\"n\\\":1}\"]}}", "1000");
	/* Listed items that were not in the batch take nothing. */
	takes("{\"data\":{\"affected_items\":[\"{\\\"n\\\":9}\",7,null,\"{\\\"n\\\":3}\"]}}",
	      "0001");
	/* More listed than sent: each event is taken once only. */
	takes("{\"data\":{\"affected_items\":[\"{\\\"n\\\":3}\",\"{\\\"n\\\":3}\"]}}", "0001");
}
END_TEST

START_TEST(counts_alone_take_all_or_nothing)
{
	takes("{\"data\":{\"total_affected_items\":4,\"total_failed_items\":0}}", "1111");
	takes("{\"data\":{\"total_affected_items\":4}}", "1111");
	/* A count that is not the batch's proves nothing about which went. */
	takes("{\"data\":{\"total_affected_items\":3,\"total_failed_items\":1}}", "0000");
	takes("{\"data\":{\"total_affected_items\":4,\"total_failed_items\":1}}", "0000");
	takes("{\"data\":{\"total_affected_items\":\"4\"}}", "0000");
	/* An empty list is an answer: none taken, whatever the count says. */
	takes("{\"data\":{\"affected_items\":[],\"total_affected_items\":4}}", "0000");
}
END_TEST

START_TEST(unreadable_answers_take_nothing)
{
	takes(NULL, "0000");
	takes("", "0000");
	takes("<html>502 Bad Gateway</html>", "0000");
	takes("{\"data\":{\"affected_items\":[\"{\\\"n\\\":1}\"]}} trailing", "0000");
	takes("{\"data\":[]}", "0000");
	takes("[]", "0000");
	takes("{\"data\":{\"affected_items\":\"{\\\"n\\\":1}\"}}", "0000");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("answers");

	tcase_add_test(tc, affected_items_take_their_events);
	tcase_add_test(tc, counts_alone_take_all_or_nothing);
	tcase_add_test(tc, unreadable_answers_take_nothing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
