/* PUT /active-response answers as the sweep reads them: which agents the
 * API took, which it refused and why, and which it did not mention. The
 * batches themselves are sent to a real HTTPS server in tests/api/. */
#include "sweep/sweep_dispatch.h"

#include "unit.h"

#include <check.h>
#include <string.h>

static const char *const ids[] = {"001", "002", "003", "004"};
#define N (sizeof(ids) / sizeof(ids[0]))

static void reads(const char *body, long a, long b, long c, long d)
{
	long codes[N];
	long want[N] = {a, b, c, d};

	sweep_dispatch_read_answer(body, body ? strlen(body) : 0, ids, N, codes);
	for (size_t i = 0; i < N; i++)
		ck_assert_msg(codes[i] == want[i], "%s: agent %s got %ld, not %ld", body, ids[i],
		              codes[i], want[i]);
}

START_TEST(affected_and_failed_items)
{
	reads("{\"data\":{\"affected_items\":[\"001\",\"004\"],\"total_affected_items\":2,"
	      "\"total_failed_items\":2,\"failed_items\":[{\"error\":{\"code\":1707,\"message\":"
	      "\"not active\"},\"id\":[\"002\"]},{\"error\":{\"code\":1750},\"id\":[\"003\"]}]},"
	      "\"message\":\"AR command was not sent to some agents\",\"error\":1}",
	      0, 1707, 1750, 0);
	reads("{\"data\":{\"affected_items\":[\"001\",\"002\",\"003\",\"004\"],"
	      "\"total_affected_items\":4,\"total_failed_items\":0,\"failed_items\":[]}}",
	      0, 0, 0, 0);
}
END_TEST

START_TEST(what_is_not_mentioned_is_not_taken)
{
	/* Agents past the 500th are dropped without a word on 4.14. */
	reads("{\"data\":{\"affected_items\":[\"001\"],\"failed_items\":[]}}", 0,
	      SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED);
	/* A count alone says nothing about which. */
	reads("{\"data\":{\"total_affected_items\":4}}", SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED,
	      SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED);
	/* Ids are compared whole: "01" is not "001". */
	reads("{\"data\":{\"affected_items\":[\"01\",1,null,\"0011\"]}}", SWEEP_CODE_UNLISTED,
	      SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED);
	/* A failed item without a readable code is still not taken. */
	reads("{\"data\":{\"failed_items\":[{\"error\":{\"code\":\"1707\"},\"id\":[\"002\"]}]}}",
	      SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED);
}
END_TEST

START_TEST(unreadable_answers_take_nothing)
{
	const char *bodies[] = {NULL,
	                        "",
	                        "<html>502</html>",
	                        "[]",
	                        "{\"data\":[]}",
	                        "{\"data\":{\"affected_items\":[\"001\"]}} x",
	                        "{\"data\":{\"affected_items\":\"001\"}}"};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		reads(bodies[i], SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED, SWEEP_CODE_UNLISTED,
		      SWEEP_CODE_UNLISTED);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("sweep_dispatch");
	TCase *tc = tcase_create("answers");

	tcase_add_test(tc, affected_and_failed_items);
	tcase_add_test(tc, what_is_not_mentioned_is_not_taken);
	tcase_add_test(tc, unreadable_answers_take_nothing);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(suite)
