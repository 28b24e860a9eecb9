/* SPDX-License-Identifier: GPL-2.0 */
/* The fixture of both kselftests: include after kselftest_harness.h. */
#ifndef XEN_MMU_AUDIT_FIXTURE_H
#define XEN_MMU_AUDIT_FIXTURE_H

#include <string.h>

#include "audit_lib.h"

/* Every test starts from an audit, or is skipped where there is none. */
FIXTURE(audit) {
	struct audit a;
};

FIXTURE_SETUP(audit)
{
	const char *why = "";
	int ret = audit_here(&self->a, &why);

	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("cannot read " AUDIT_FILE ": %s", strerror(-ret));
}

FIXTURE_TEARDOWN(audit)
{
	audit_free(&self->a);
}

#endif
