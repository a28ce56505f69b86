// SPDX-License-Identifier: GPL-2.0
/* user/bookkeep.c: the drop tally, the --explain memo, -w's hold ring. */
#include <string.h>
#include "bookkeep.h"
#include "fixtures.h"
#include "stages.h"
#include "unit.h"

/* ping's packet dropped after the driver stage, for kernel reason @reason. */
static struct pt_journey dropped(uint32_t reason)
{
	struct pt_journey j = fx_journey_read();

	j.status = PT_J_DROPPED;
	j.have_read = false;
	j.ev.ts[PT_STAGE_COPY] = 0;
	j.ev.drop_reason = reason;
	return j;
}

UNIT_CASE(drops_by_last_stage_and_reason)
{
	static struct pt_drops d;
	struct pt_journey j = dropped(6);
	int last = -1;

	memset(&d, 0, sizeof(d));
	pt_drops_count(&d, &j);
	pt_drops_count(&d, &j);
	j = dropped(77);
	pt_drops_count(&d, &j);
	for (int s = 0; s < PT_NR_STAGES; s++) {
		if (!d.stage[s])
			continue;
		ASSERT_EQ_I64(last, -1);	/* one stage only */
		last = s;
	}
	ASSERT_TRUE(last >= 0);
	ASSERT_STREQ(pt_stage_name(last), "driver");
	ASSERT_EQ_U64(d.stage[last], 3);
	ASSERT_EQ_U64(d.nr_reasons, 2);
	ASSERT_EQ_U64(d.reason[0].reason, 6);
	ASSERT_EQ_U64(d.reason[0].n, 2);
	ASSERT_EQ_U64(d.reason[1].reason, 77);
	ASSERT_EQ_U64(d.reason[1].n, 1);
}

UNIT_CASE(drops_reasons_beyond_the_table_go_to_the_last)
{
	static struct pt_drops d;

	memset(&d, 0, sizeof(d));
	for (uint32_t r = 1; r <= PT_DROP_REASONS + 3; r++) {
		struct pt_journey j = dropped(r);

		pt_drops_count(&d, &j);
	}
	ASSERT_EQ_U64(d.nr_reasons, PT_DROP_REASONS);
	ASSERT_EQ_U64(d.reason[0].reason, 1);
	ASSERT_EQ_U64(d.reason[0].n, 1);
	/* The last entry is named after the latest reason and counts all four. */
	ASSERT_EQ_U64(d.reason[PT_DROP_REASONS - 1].reason, PT_DROP_REASONS + 3);
	ASSERT_EQ_U64(d.reason[PT_DROP_REASONS - 1].n, 4);
}

UNIT_CASE(explained_once_per_kind)
{
	static struct pt_explained e;
	struct pt_journey j = fx_journey_read(), k;

	memset(&e, 0, sizeof(e));
	ASSERT_TRUE(pt_explained_first(&e, &j));
	ASSERT_FALSE(pt_explained_first(&e, &j));
	k = j;
	k.rx = true;		/* the way in is another kind */
	ASSERT_TRUE(pt_explained_first(&e, &k));
	k = j;
	k.flow.proto = 17;
	ASSERT_TRUE(pt_explained_first(&e, &k));
	ASSERT_FALSE(pt_explained_first(&e, &k));
	ASSERT_EQ_U64(e.n, 3);
}

UNIT_CASE(explained_memo_full_explains_no_more)
{
	static struct pt_explained e;
	struct pt_journey j = fx_journey_read();
	const unsigned int max = sizeof(e.kind) / sizeof(e.kind[0]);

	memset(&e, 0, sizeof(e));
	for (unsigned int i = 0; i < max; i++) {
		j.flow.proto = (uint8_t)(100 + i);
		ASSERT_TRUE(pt_explained_first(&e, &j));
	}
	j.flow.proto = 250;
	ASSERT_FALSE(pt_explained_first(&e, &j));
	ASSERT_EQ_U64(e.n, max);
}

UNIT_CASE(hold_gives_bytes_back_once)
{
	static struct pt_hold h;
	static const uint8_t a[] = { 1, 2, 3 }, b[] = { 9 };
	const uint64_t wrap = sizeof(h.slot) / sizeof(h.slot[0]);
	uint32_t len = 0;
	uint8_t *p;

	memset(&h, 0, sizeof(h));
	pt_hold_put(&h, 1, a, sizeof(a));
	ASSERT_NULL(pt_hold_take(&h, 2, &len));
	p = unit_track(pt_hold_take(&h, 1, &len));
	ASSERT_TRUE(p != NULL);
	ASSERT_EQ_U64(len, 3);
	ASSERT_MEMEQ(p, a, 3);
	ASSERT_NULL(pt_hold_take(&h, 1, &len));
	/* A later read in the same slot: the older one's bytes are gone. */
	pt_hold_put(&h, 5, a, sizeof(a));
	pt_hold_put(&h, 5 + wrap, b, sizeof(b));
	ASSERT_NULL(pt_hold_take(&h, 5, &len));
	p = unit_track(pt_hold_take(&h, 5 + wrap, &len));
	ASSERT_TRUE(p != NULL);
	ASSERT_EQ_U64(len, 1);
	ASSERT_EQ_U64(p[0], 9);
	pt_hold_put(&h, 7, b, 0);	/* an empty read is held too */
	pt_hold_free(&h);
	ASSERT_NULL(pt_hold_take(&h, 7, &len));
}
