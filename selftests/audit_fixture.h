/* SPDX-License-Identifier: GPL-2.0 */
/* The fixture of both kselftests: include after kselftest_harness.h. */
#ifndef XEN_MMU_AUDIT_FIXTURE_H
#define XEN_MMU_AUDIT_FIXTURE_H

#include <string.h>

#include "audit_lib.h"

/*
 * Every test starts from an audit, or is skipped where there is none, and
 * ends with the settings (limit, verbose, plant) it found.
 */
FIXTURE(audit) {
	struct audit a;
	struct settings saved;	/* at setup */
	/*
	 * Set by a test before it changes a setting on purpose: the teardown
	 * then puts it back in silence.  Otherwise a changed setting fails
	 * the test (and is put back too).
	 */
	bool changes_settings;
};

FIXTURE_SETUP(audit)
{
	const char *why = "";
	int ret = audit_here(&self->a, &why);

	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("cannot read " AUDIT_FILE ": %s", strerror(-ret));
	ret = settings_get(&self->saved);
	ASSERT_EQ(0, ret) TH_LOG("cannot read the settings: %s", strerror(-ret));
	self->changes_settings = false;
}

/*
 * Runs after the test, and after a failed ASSERT too: no plant, limit or
 * verbose outlives the test that set it.
 */
FIXTURE_TEARDOWN(audit)
{
	struct settings *saved = &self->saved, now;
	int ret = settings_get(&now);

	/*
	 * This first EXPECT has no TH_LOG: after a failed ASSERT, the
	 * teardown runs with that ASSERT's log handler still armed, and this
	 * EXPECT's empty one is what ends it (else it would log here).
	 */
	EXPECT_EQ(0, ret);
	if (ret)
		TH_LOG("settings unreadable after the test: %s", strerror(-ret));
	if (!ret && !settings_equal(&now, saved)) {
		EXPECT_TRUE(self->changes_settings)
			TH_LOG("changed: limit %lld->%lld verbose %lld->%lld plant %lld->%lld",
			       saved->limit, now.limit, saved->verbose,
			       now.verbose, saved->plant, now.plant);
		ret = settings_set(saved);
		EXPECT_EQ(0, ret) TH_LOG("cannot restore the settings: %s",
					 strerror(-ret));
		ret = settings_get(&now);
		EXPECT_EQ(0, ret);
		EXPECT_TRUE(settings_equal(&now, saved))
			TH_LOG("settings not restored");
	}
	audit_free(&self->a);
}

#endif
