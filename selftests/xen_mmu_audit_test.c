// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for xen_mmu_audit: reads /sys/kernel/debug/xen_mmu_audit and
 * fails on any violation, at idle (there also on a leaked table and on
 * unconfirmed findings that last) and while a fork/exec/thread/mmap storm
 * runs with audits beside it, and with the mm of a reaped task kept; checks
 * that planted findings are seen and then gone, that bad commands and
 * parameter values are refused and that every syscall on the report and
 * on the control file gets its error or a correct result (syscalls.c).
 * Every test ends with the settings it found (the fixture's teardown).
 * Skips off Xen PV.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"
#include "audit_lib.h"
#include "audit_fixture.h"
#include "storm.h"

#define STORM_SECONDS	6
#define STORM_AUDITORS	2

TEST_F(audit, file_present_and_parses)
{
	static const char *const levels[] = {
		"pgd", "user_pgd", "p4d", "pud", "pmd", "pte",
	};
	struct audit *a = &self->a;
	long long sum = 0, visited = 0;
	unsigned int i;
	char key[32];

	EXPECT_EQ(1, a->version);
	EXPECT_STREQ("xen-pv", a->mode);
	for (i = 0; i < NR_KINDS; i++)
		sum += a->violations[i];
	EXPECT_EQ(sum, a->total);
	/* This test itself is a live mm. */
	EXPECT_GE(a->mms_audited, 1);
	EXPECT_GT(key_value(a->text, "visited_pgd"), 0);
	EXPECT_GT(key_value(a->text, "visited_pte"), 0);
	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		snprintf(key, sizeof(key), "visited_%s", levels[i]);
		visited += key_value(a->text, key);
	}
	/* The kernel tree is part of what was visited, not all of it. */
	EXPECT_GT(key_value(a->text, "kernel_tables"), 0);
	EXPECT_LT(key_value(a->text, "kernel_tables"), visited);
	/* One pass is part of the audit. */
	EXPECT_GT(key_value(a->text, "pass_ns"), 0);
	EXPECT_LE(key_value(a->text, "pass_ns"),
		  key_value(a->text, "audit_ns"));
	EXPECT_EQ(a->findings_listed, a->finding_lines);
	EXPECT_TRUE(!!strstr(a->text, a->total ? "\nresult: violations\n" :
				       "\nresult: clean\n"));
	/* Xen's initial pagetable frames are listed when verbose only. */
	EXPECT_GT(a->initial_pt_frames, 0);
	EXPECT_EQ(a->verbose ? a->initial_pt_frames : 0,
		  a->initial_pt_frame_lines);
	/* The newer keys. */
	EXPECT_GE(a->unplaced_pt, 0) TH_LOG("no unplaced_pt");
	EXPECT_GT(a->ram_pfns, 0) TH_LOG("no ram_pfns");
	EXPECT_GT(a->memory_bytes, 0) TH_LOG("no memory_bytes");
	EXPECT_GE(a->passes, 1);
}

/* The MemTotal of /proc/meminfo, in pages, or -1. */
static long long mem_total_pages(void)
{
	char buf[4096], *p;
	ssize_t n = read_file("/proc/meminfo", buf, sizeof(buf));

	p = n > 0 ? strstr(buf, "MemTotal:") : NULL;
	return p ? strtoll(p + 9, NULL, 10) / 4 : -1;
}

/*
 * What the audit keeps follows the guest's RAM, not the p2m's virtual size
 * (128 M pfns with XEN_BALLOON_MEMORY_HOTPLUG, which once made 192 MiB of
 * bitmaps): its bitmaps cover at least the RAM and at most four times the
 * RAM and 16 GiB of holes (a dom0's E820 is the machine's); the module
 * holds at most what README says: three bitmaps per slot, two slots (3/4
 * of a byte per pfn), and finding lists of at most 4096 entries of 64
 * bytes, two per slot (1 MiB), and a little (the initial pagetable's
 * bitmaps).
 */
TEST_F(audit, memory_follows_ram)
{
	long long ram = mem_total_pages(), pfns = self->a.ram_pfns;
	long long bytes = self->a.memory_bytes;

	ASSERT_GT(ram, 0);
	ASSERT_GT(pfns, 0) TH_LOG("no ram_pfns in the report");
	ASSERT_GT(bytes, 0) TH_LOG("no memory_bytes in the report");
	TH_LOG("MemTotal %lld pages, ram_pfns %lld, memory_bytes %lld",
	       ram, pfns, bytes);
	EXPECT_GE(pfns, ram);
	EXPECT_LE(pfns, 4 * ram + (4LL << 20));
	EXPECT_LE(bytes, pfns * 3 / 4 + (1LL << 20) + (64LL << 10));
}

/*
 * Every tree the module should walk on this kernel was found: a symbol the
 * module could not find means a tree that goes unjudged, which must fail.
 */
TEST_F(audit, every_tree_found)
{
	struct audit *a = &self->a;
	const char *p;

	for (p = a->text; (p = strstr(p, "\nnot_audited_tree: ")); p++)
		TH_LOG("%.*s", (int)strcspn(p + 1, "\n"), p + 1);
	EXPECT_EQ(0, key_value(a->text, "not_audited"));
}

#define UNCONFIRMED_IN_A_ROW	3

/*
 * What the audit cannot confirm, at rest: a bug that hits another page in
 * every pass shows as unconfirmed findings only, and transient ones do not
 * last UNCONFIRMED_IN_A_ROW audits in a row.  How many audits in a row had
 * some, from @first on (UNCONFIRMED_IN_A_ROW at most), or -errno.
 */
static int unconfirmed_in_a_row(const struct audit *first)
{
	struct audit a;
	int n, ret;

	if (first->unconfirmed <= 0)
		return 0;
	for (n = 1; n < UNCONFIRMED_IN_A_ROW; n++) {
		ret = audit_read(&a);
		if (!ret && a.unconfirmed <= 0)
			ret = 1;
		audit_free(&a);
		if (ret)
			return ret < 0 ? ret : n;
	}
	return n;
}

/*
 * At rest: no finding, no leaked table (a pinned pagetable page in no
 * tree, in every pass), no unconfirmed findings audit after audit.
 */
TEST_F(audit, idle_no_findings)
{
	int row = unconfirmed_in_a_row(&self->a);

	EXPECT_EQ(0, self->a.total) TH_LOG("audit at idle:\n%s",
					   self->a.text + 1);
	EXPECT_EQ(0, self->a.unplaced_pt) TH_LOG("audit at idle:\n%s",
						 self->a.text + 1);
	EXPECT_GE(row, 0) TH_LOG("audit: %s", strerror(-row));
	EXPECT_LT(row, UNCONFIRMED_IN_A_ROW)
		TH_LOG("unconfirmed findings in %d audits in a row:\n%s", row,
		       self->a.text + 1);
}

TEST_F(audit, storm_no_findings)
{
	struct auditor au[STORM_AUDITORS] = {};
	pthread_t t[STORM_AUDITORS];
	pid_t workers[STORM_WORKERS];
	int started, audits = 0, bad = 0;
	char *first_bad;
	struct audit a;

	ASSERT_EQ(0, storm_start(workers));
	started = auditors_start(t, au, STORM_AUDITORS, 0);
	if (started == STORM_AUDITORS)
		sleep(STORM_SECONDS);
	EXPECT_EQ(0, storm_stop(workers));
	first_bad = auditors_join(t, au, started, &audits, &bad);
	if (first_bad)
		TH_LOG("audit during the storm:\n%s", first_bad);
	free(first_bad);
	ASSERT_EQ(STORM_AUDITORS, started);
	TH_LOG("%d audits during a %ds storm", audits, STORM_SECONDS);
	EXPECT_GT(audits, 0);
	EXPECT_EQ(0, bad);

	ASSERT_EQ(0, audit_read(&a));
	EXPECT_EQ(0, a.total) TH_LOG("audit after the storm:\n%s", a.text + 1);
	audit_free(&a);
}

/* Does /proc/<pid>/mem hold its mm (Linux 3.3 on; 2.6.37 does not)? */
static bool proc_mem_holds_mm(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return true;
	return major > 3 || (major == 3 && minor >= 3);
}

/*
 * An mm outlives its last task for as long as something holds it, here an
 * open /proc/<pid>/mem (a lazily loaded CPU or a task not yet switched
 * out after its exit do the same, briefly).  Its LDT stays read-only, as
 * Xen wants, until the mm is freed: not a leak.  Once freed, the page must
 * be writable again.  Child and parent share one CPU, so that no CPU keeps
 * the child's mm loaded once the parent runs again: only the file holds it.
 * The scenario is checked too: the task is gone, and its mm is an unowned
 * tree while the file is open, and no more once it is closed.
 */
TEST_F(audit, reaped_task_ldt_no_findings)
{
	struct audit *before = &self->a, held, freed = { 0 };
	int ready[2], go[2], fd, err, tries;
	cpu_set_t cpus, one;
	char path[64], ldt = 0;
	unsigned int i, changed = 0;
	pid_t pid;

	ASSERT_EQ(0, sched_getaffinity(0, sizeof(cpus), &cpus));
	for (i = 0; i < CPU_SETSIZE && !CPU_ISSET(i, &cpus); i++)
		;
	CPU_ZERO(&one);
	CPU_SET(i, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one))
		TH_LOG("pinning to CPU %u: %s", i, strerror(errno));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		err = install_ldt();
		ldt = !err ? 'y' : (ldt_unsupported(err) ? 's' : 'n');
		/* Hold on until the parent has our mm open. */
		if (write(ready[1], &ldt, 1) != 1 || read(go[0], &ldt, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	EXPECT_EQ(1, read(ready[0], &ldt, 1));
	close(ready[0]);
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDONLY);
	err = errno;
	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	if (ldt == 's') {
		if (fd >= 0)
			close(fd);
		SKIP(return, "modify_ldt: ENOSYS (no CONFIG_MODIFY_LDT_SYSCALL)");
	}
	ASSERT_EQ('y', ldt) TH_LOG("the child could not install an LDT");
	ASSERT_GE(fd, 0) TH_LOG("open %s: %s", path, strerror(err));
	/* Reaped: there is no such task any more. */
	EXPECT_EQ(-1, kill(pid, 0));
	EXPECT_EQ(ESRCH, errno);

	ASSERT_EQ(0, audit_read(&held));
	close(fd);
	for (i = 0; i < NR_KINDS; i++)
		changed += before->violations[i] != held.violations[i];
	EXPECT_EQ(0, changed) TH_LOG("audit with the reaped task's mm:\n%s",
				     held.text + 1);

	/*
	 * Closing the file frees the mm, and its tree leaves pgd_list: one
	 * unowned tree fewer (a few tries, for a fork passing by).  In
	 * 2.6.37 the file never held the mm: its LDT must be writable again
	 * already, which the findings compared above show.
	 */
	for (tries = 0; tries < 10; tries++) {
		audit_free(&freed);
		ASSERT_EQ(0, audit_read(&freed));
		if (freed.mms_unowned < held.mms_unowned)
			break;
		usleep(50000);
	}
	if (proc_mem_holds_mm()) {
		EXPECT_GE(held.mms_unowned, 1)
			TH_LOG("the reaped task's mm was no unowned tree");
		EXPECT_LT(freed.mms_unowned, held.mms_unowned)
			TH_LOG("no unowned tree went with the file");
	}
	changed = 0;
	for (i = 0; i < NR_KINDS; i++)
		changed += before->violations[i] != freed.violations[i];
	EXPECT_EQ(0, changed) TH_LOG("audit after the mm was freed:\n%s",
				     freed.text + 1);
	audit_free(&held);
	audit_free(&freed);
}

/*
 * Plant @what from a clean start (plant 0, 100 findings listed), after
 * reading the audit there into @base: 0, or -errno (-EINVAL: the module
 * has no such plant).  The fixture's teardown undoes all of it, even
 * after a failed ASSERT.
 */
static int plant_from_zero(struct __test_metadata *_metadata,
			   const struct settings *saved, bool *changes_settings,
			   const char *what, struct audit *base)
{
	struct settings s = *saved;
	int ret;

	*changes_settings = true;
	s.limit = 100;
	s.plant = 0;
	ret = settings_set(&s);
	EXPECT_EQ(0, ret) TH_LOG("plant=0, limit=100: %s", strerror(-ret));
	ret = audit_read(base);
	EXPECT_EQ(0, ret) TH_LOG("the audit before plant=%s", what);
	return ret ?: write_file(PLANT_PARAM, what);
}

static void expect_same_violations(struct __test_metadata *_metadata,
				   const struct audit *a, const struct audit *b,
				   const char *what)
{
	unsigned int i;

	for (i = 0; i < NR_KINDS; i++) {
		EXPECT_EQ(a->violations[i], b->violations[i])
			TH_LOG("%s: violations_%s\n%s", what, kinds[i],
			       b->text + 1);
	}
	EXPECT_EQ(a->total, b->total) TH_LOG("%s", what);
}

TEST_F(audit, planted_findings_detected_then_gone)
{
	struct audit base, planted, after;
	long long v = -1;
	int ret;

	ret = plant_from_zero(_metadata, &self->saved,
			      &self->changes_settings, "1", &base);
	ASSERT_EQ(0, ret) TH_LOG("plant=1: %s", strerror(-ret));
	ASSERT_EQ(0, param_read(PLANT_PARAM, &v));
	EXPECT_EQ(1, v);
	ASSERT_EQ(0, audit_read(&planted));
	ASSERT_EQ(0, write_file(PLANT_PARAM, "0"));
	ASSERT_EQ(0, audit_read(&after));

	/* One of each plantable kind, on top of what was there. */
	EXPECT_EQ(base.violations[0], planted.violations[0]);
	EXPECT_EQ(base.violations[1] + 1, planted.violations[1])
		TH_LOG("planted audit:\n%s", planted.text + 1);
	EXPECT_EQ(base.violations[2] + 1, planted.violations[2])
		TH_LOG("planted audit:\n%s", planted.text + 1);
	EXPECT_EQ(base.violations[3], planted.violations[3]);
	EXPECT_EQ(base.total + 2, planted.total);
	EXPECT_TRUE(!!strstr(planted.text, "\nresult: violations\n"));
	EXPECT_TRUE(!!strstr(planted.text, "finding: kind=pin_mismatch level=pte"));
	EXPECT_TRUE(!!strstr(planted.text, "finding: kind=ro_leak level=none"));
	expect_same_violations(_metadata, &base, &after, "after plant=0");
	audit_free(&base);
	audit_free(&planted);
	audit_free(&after);
}

/*
 * plant=2: a read-only page that moves at every pass, a bug no two passes
 * agree on.  It is never confirmed (no violation, the result stays what it
 * was), and every audit reports it as unconfirmed.
 */
TEST_F(audit, moving_leak_unconfirmed)
{
	struct audit base, planted, after;
	int ret, i;

	ret = plant_from_zero(_metadata, &self->saved,
			      &self->changes_settings, "2", &base);
	if (ret == -EINVAL)
		SKIP(return, "plant=2 refused (EINVAL): a module without it?");
	ASSERT_EQ(0, ret) TH_LOG("plant=2: %s", strerror(-ret));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, audit_read(&planted));
		EXPECT_GE(planted.unconfirmed, 1)
			TH_LOG("audit %d with a moving leak:\n%s", i,
			       planted.text + 1);
		EXPECT_GE(planted.passes, 2);
		expect_same_violations(_metadata, &base, &planted,
				       "a moving leak");
		EXPECT_TRUE(!!strstr(planted.text, base.total ?
				     "\nresult: violations\n" :
				     "\nresult: clean\n"));
		audit_free(&planted);
	}
	/* What idle_no_findings fails on: it would catch this bug. */
	ASSERT_EQ(0, audit_read(&planted));
	EXPECT_EQ(UNCONFIRMED_IN_A_ROW, unconfirmed_in_a_row(&planted));
	audit_free(&planted);
	ASSERT_EQ(0, write_file(PLANT_PARAM, "0"));
	ASSERT_EQ(0, audit_read(&after));
	expect_same_violations(_metadata, &base, &after, "after plant=0");
	audit_free(&base);
	audit_free(&after);
}

/*
 * plant=3: a pagetable page pinned in Xen and in PG_pinned, linked by no
 * tree.  Not a violation, but in flight in every pass: unplaced_pt, with
 * its finding line.
 */
TEST_F(audit, leaked_table_unplaced)
{
	struct audit base, planted, after;
	int ret;

	ret = plant_from_zero(_metadata, &self->saved,
			      &self->changes_settings, "3", &base);
	if (ret == -EINVAL)
		SKIP(return, "plant=3 refused (EINVAL): a module without it?");
	ASSERT_EQ(0, ret) TH_LOG("plant=3: %s", strerror(-ret));
	ASSERT_GE(base.unplaced_pt, 0) TH_LOG("no unplaced_pt in the report");
	ASSERT_EQ(0, audit_read(&planted));
	/* What idle_no_findings fails on: it would catch this leak. */
	EXPECT_GE(planted.unplaced_pt, base.unplaced_pt + 1)
		TH_LOG("audit with a leaked table:\n%s", planted.text + 1);
	EXPECT_TRUE(!!strstr(planted.text, "\nfinding: kind=unplaced_pt "));
	EXPECT_GE(planted.passes, 2);
	EXPECT_EQ(planted.findings_listed, planted.finding_lines);
	/* Not counted as a violation. */
	expect_same_violations(_metadata, &base, &planted, "a leaked table");
	ASSERT_EQ(0, write_file(PLANT_PARAM, "0"));
	ASSERT_EQ(0, audit_read(&after));
	EXPECT_EQ(base.unplaced_pt, after.unplaced_pt);
	if (!strstr(base.text, "\nfinding: kind=unplaced_pt ")) {
		EXPECT_FALSE(!!strstr(after.text,
				      "\nfinding: kind=unplaced_pt "));
	}
	expect_same_violations(_metadata, &base, &after, "after plant=0");
	audit_free(&base);
	audit_free(&planted);
	audit_free(&after);
}

/*
 * plant=4: a read-only page holding a copy of this process's LDT, as a
 * fork's child gets one before its task can be seen.  Known by its
 * contents (ldt_copies), not an RO leak; the RO leak of plant=1 (a zeroed
 * page) is still one.
 */
TEST_F(audit, ldt_copy_known)
{
	struct audit base, planted;
	int ret;

	ret = install_ldt();
	if (ret && ldt_unsupported(ret))
		SKIP(return, "no modify_ldt in this kernel");
	ASSERT_EQ(0, ret) TH_LOG("modify_ldt: %s", strerror(-ret));
	ret = plant_from_zero(_metadata, &self->saved,
			      &self->changes_settings, "4", &base);
	if (ret == -EINVAL)
		SKIP(return, "plant=4 refused (EINVAL): a module without it?");
	ASSERT_EQ(0, ret) TH_LOG("plant=4: %s", strerror(-ret));
	ASSERT_EQ(0, audit_read(&planted));
	EXPECT_GE(key_value(planted.text, "ldt_copies"),
		  key_value(base.text, "ldt_copies") + 1)
		TH_LOG("audit with an LDT copy:\n%s", planted.text + 1);
	expect_same_violations(_metadata, &base, &planted, "an LDT copy");
	EXPECT_EQ(0, write_file(PLANT_PARAM, "0"));
	audit_free(&base);
	audit_free(&planted);
}

/*
 * plant=5: each pass's first look at the tasks misses this process's mm,
 * as it misses a task forked just after it that then installs an LDT (a
 * storm of such tasks puts each new LDT on the page the last one freed,
 * pass after pass).  Its tree is seen unowned; its LDT page must still be
 * known as an LDT, not taken for an RO leak.
 */
TEST_F(audit, missed_task_ldt_known)
{
	struct audit base, planted;
	int ret;

	ret = install_ldt();
	if (ret && ldt_unsupported(ret))
		SKIP(return, "no modify_ldt in this kernel");
	ASSERT_EQ(0, ret) TH_LOG("modify_ldt: %s", strerror(-ret));
	ret = plant_from_zero(_metadata, &self->saved,
			      &self->changes_settings, "5", &base);
	if (ret == -EINVAL)
		SKIP(return, "plant=5 refused (EINVAL): a module without it?");
	ASSERT_EQ(0, ret) TH_LOG("plant=5: %s", strerror(-ret));
	ASSERT_EQ(0, audit_read(&planted));
	/* (Not base + 1: the base audit may have seen a fork pass by.) */
	EXPECT_GE(key_value(planted.text, "mms_unowned"), 1)
		TH_LOG("plant=5 hid no mm:\n%s", planted.text + 1);
	expect_same_violations(_metadata, &base, &planted,
			       "the LDT of a task the first look missed");
	/* Known as an LDT by the second look, not by its contents. */
	EXPECT_EQ(key_value(base.text, "ldt_copies"),
		  key_value(planted.text, "ldt_copies"))
		TH_LOG("audit with the writer's mm missed:\n%s",
		       planted.text + 1);
	EXPECT_EQ(0, write_file(PLANT_PARAM, "0"));
	audit_free(&base);
	audit_free(&planted);
}

/* The pfn of the report's first "finding: kind=KIND" line, or -1. */
static long long finding_pfn(const char *text, const char *kind)
{
	char key[64];
	const char *f;

	snprintf(key, sizeof(key), "\nfinding: kind=%s ", kind);
	f = strstr(text, key);
	f = f ? strstr(f, " pfn=0x") : NULL;
	return f ? strtoll(f + 7, NULL, 16) : -1;
}

/* Is @pfn in a "list_ro:" run of reason @reason? */
static bool listed_ro(const char *text, long long pfn, const char *reason)
{
	const char *l = text;
	char tail[64];

	snprintf(tail, sizeof(tail), " reason=%s\n", reason);
	while ((l = strstr(l, "\nlist_ro: pfns=0x"))) {
		char *end;
		long long first = strtoll(l + 18, &end, 16);
		long long last = strtoll(end + 3, &end, 16);

		l++;
		if (pfn >= first && pfn <= last && !strncmp(end, tail, strlen(tail)))
			return true;
	}
	return false;
}

/* "list_pt:" lines in [@l, @end) with pinned=0, but in unowned trees. */
static int unpinned_live_tables(const char *l, const char *end)
{
	int n = 0;

	while ((l = strstr(l, "\nlist_pt: ")) && l < end) {
		const char *eol = strchr(l + 1, '\n');
		const char *p = strstr(l, " pinned=0 ");

		if (p && p < eol && strncmp(strstr(l, " tree=") + 6, "unowned\n", 8))
			n++;
		l = eol;
	}
	return n;
}

/*
 * verbose=2 lists every page the audit classified (the cross-check with
 * Xen's page types reads it): complete, with init_mm's pgd and this
 * process's own, every table of a live tree pinned at rest, and a leaked
 * table (plant=3) named in flight.
 */
TEST_F(audit, listing_names_every_page)
{
	struct audit a = { 0 }, planted = { 0 };
	const char *l, *end;
	char own[64];
	long long pfn;
	int ret;

	self->changes_settings = true;
	ret = write_file(VERBOSE_PARAM, "2");
	if (ret == -EINVAL)
		SKIP(return, "verbose=2 refused (EINVAL): a module without it?");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, audit_read(&a));
	EXPECT_EQ(2, a.verbose);
	EXPECT_EQ(a.initial_pt_frames, a.initial_pt_frame_lines);
	l = strstr(a.text, "\nlisting: tables=");
	end = strstr(a.text, "\nlisting_end: ");
	ASSERT_TRUE(l && end && l < end) TH_LOG("no listing:\n%s", a.text + 1);
	EXPECT_TRUE(!!strstr(l, " lost=0 ")) TH_LOG("%.80s", l + 1);
	EXPECT_TRUE(!!strstr(l, " level=pgd ") &&
		    !!strstr(l, " tree=init_mm\n")) TH_LOG("no init_mm pgd");
	snprintf(own, sizeof(own), " tree=%d:", getpid());
	EXPECT_TRUE(!!strstr(l, own)) TH_LOG("this process's tree not listed");
	/* At rest every table of a live tree is pinned. */
	if (!a.total)
		EXPECT_EQ(0, unpinned_live_tables(l, end));
	audit_free(&a);

	ret = write_file(PLANT_PARAM, "3");
	if (ret == -EINVAL)
		SKIP(return, "plant=3 refused (EINVAL): a module without it?");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, audit_read(&planted));
	pfn = finding_pfn(planted.text, "unplaced_pt");
	EXPECT_GE(pfn, 0) TH_LOG("no unplaced_pt finding:\n%s", planted.text + 1);
	EXPECT_TRUE(listed_ro(planted.text, pfn, "in_flight"))
		TH_LOG("leaked table 0x%llx not listed in flight", pfn);
	EXPECT_EQ(0, write_file(PLANT_PARAM, "0"));
	audit_free(&planted);
}

/* The next report's limit and verbose, and the parameters', are these. */
static void expect_in_effect(struct __test_metadata *_metadata,
			     long long limit, long long verbose,
			     struct audit *b)
{
	long long v = -1;

	audit_free(b);
	ASSERT_EQ(0, audit_read(b));
	EXPECT_EQ(limit, b->limit);
	EXPECT_EQ(verbose, b->verbose);
	EXPECT_EQ(b->verbose ? b->initial_pt_frames : 0,
		  b->initial_pt_frame_lines);
	EXPECT_LE(b->findings_listed, b->limit);
	EXPECT_EQ(b->findings_listed, b->finding_lines);
	EXPECT_EQ(0, param_read(LIMIT_PARAM, &v));
	EXPECT_EQ(limit, v);
	EXPECT_EQ(0, param_read(VERBOSE_PARAM, &v));
	EXPECT_EQ(verbose, v);
}

/*
 * The control file takes exactly the documented commands; anything else,
 * and a bad plant value, is refused with EINVAL and changes nothing.  The
 * good commands work; the teardown puts back what the test found.
 */
TEST_F(audit, bad_input_rejected)
{
	static const char *const bad[] = {
		/* A write of 0 bytes reaches the module: refused too. */
		"", "\n", "foo", "limit", "limit=", "limit=-1", "limit=4097",
		"limit=1 2", "limit=0x10", "verbose=4", "verbose=", " limit=1",
		"limit=1\nverbose=1", "limit=99999999999999999999",
		"verbose=1verbose=1verbose=1verbose=1",
		/* Only the documented forms: no sign, no word, no suffix. */
		"limit=+5", "limit=05", "limit=5x", "limit=5\n\n", "limit=5 ",
		"verbose=yes!", "verbose=y", "verbose=on", "verbose=01",
		"on", "1x", "limit=5\t", "limit=00", "limit=-0", "limit=1.0",
		"Limit=5", "LIMIT=5", "limit =5", "limit= 5", "limit:5",
		"limit==5", "limit=5;verbose=1", "verbose=-1", "verbose=+1",
		"verbose=1 ", "verbose=true", "\nlimit=5", "limit=5\r\n",
		"limit=40960", "limit=4096\n\n", "plant=1", "5",
	};
	/* Written with their NUL: the bytes after it must not hide. */
	static const char nul_cmd[] = "limit=5\0junk";
	/* (sysfs takes a write of 0 bytes as nothing: not a value.) */
	static const char *const bad_plant[] = {
		"6", "maybe", "-1", "yes!", "+1", "01", "1 ", " 1", "11",
		"0x1", "1\n\n", "00", "on",
	};
	struct audit *a = &self->a, b = { 0 };
	struct settings now;
	unsigned int i;
	ssize_t ret;
	int fd;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = write_once(CONTROL_FILE, bad[i], strlen(bad[i]));
		EXPECT_EQ(-EINVAL, ret) TH_LOG("command \"%s\" gave %zd",
					       bad[i], ret);
	}
	fd = open(CONTROL_FILE, O_WRONLY);
	ASSERT_GE(fd, 0);
	errno = 0;
	EXPECT_EQ(-1, write(fd, nul_cmd, sizeof(nul_cmd) - 1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, write(fd, "limit=5\0", 8));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	for (i = 0; i < ARRAY_SIZE(bad_plant); i++) {
		ret = write_file(PLANT_PARAM, bad_plant[i]);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("plant value \"%s\" gave %zd",
					       bad_plant[i], ret);
	}

	/* Nothing changed: the parameters, the next report. */
	ASSERT_EQ(0, settings_get(&now));
	EXPECT_TRUE(settings_equal(&self->saved, &now))
		TH_LOG("limit %lld verbose %lld plant %lld", now.limit,
		       now.verbose, now.plant);
	ASSERT_EQ(0, audit_read(&b));
	EXPECT_EQ(a->limit, b.limit);
	EXPECT_EQ(a->verbose, b.verbose);
	EXPECT_EQ(a->total, b.total);

	/* The good commands work. */
	self->changes_settings = true;
	EXPECT_EQ(0, write_file(CONTROL_FILE, "limit=3\n"));
	EXPECT_EQ(0, write_file(CONTROL_FILE, "verbose=1"));
	expect_in_effect(_metadata, 3, 1, &b);
	EXPECT_TRUE(!!strstr(b.text, "\ninitial_pt_frame: "));
	/* Both ends of the range. */
	EXPECT_EQ(0, write_file(CONTROL_FILE, "limit=0"));
	expect_in_effect(_metadata, 0, 1, &b);
	EXPECT_EQ(0, b.findings_listed);
	EXPECT_EQ(0, write_file(CONTROL_FILE, "limit=4096"));
	EXPECT_EQ(0, write_file(CONTROL_FILE, "verbose=0\n"));
	expect_in_effect(_metadata, LIMIT_MAX, 0, &b);
	EXPECT_EQ(0, write_file(CONTROL_FILE, "limit=4096\n"));
	expect_in_effect(_metadata, LIMIT_MAX, 0, &b);
	audit_free(&b);
}

/*
 * The limit and verbose parameters: the same settings as the commands,
 * the same strict values (sysfs hands them over up to a NUL, so NULs are
 * not tried here), read back as "N\n".
 */
TEST_F(audit, bad_param_values_rejected)
{
	static const char *const bad_limit[] = {
		"+5", "05", "4097", "yes", "5 ", " 5", "-1", "5\n\n", "0x10",
		"5x", "99999999999999999999", "1e3", "\n", "limit=5", "00",
		"5\t", "-0", "40960", "5\r\n",
	};
	static const char *const bad_verbose[] = {
		"4", "yes", "on", "y", "01", "1 ", "+1", "-0", "true", "\n",
		"verbose=1", "00", "1\n\n", " 1",
	};
	struct audit b = { 0 };
	struct settings now;
	unsigned int i;
	long long v = -1;
	ssize_t ret;

	if (access(LIMIT_PARAM, F_OK))
		SKIP(return, LIMIT_PARAM " missing: a module without it");
	for (i = 0; i < ARRAY_SIZE(bad_limit); i++) {
		ret = write_file(LIMIT_PARAM, bad_limit[i]);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("limit \"%s\" gave %zd",
					       bad_limit[i], ret);
	}
	for (i = 0; i < ARRAY_SIZE(bad_verbose); i++) {
		ret = write_file(VERBOSE_PARAM, bad_verbose[i]);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("verbose \"%s\" gave %zd",
					       bad_verbose[i], ret);
	}
	/* sysfs does not call the module for 0 bytes: 0 written. */
	EXPECT_EQ(0, write_once(LIMIT_PARAM, "", 0));
	EXPECT_EQ(0, write_once(VERBOSE_PARAM, "", 0));
	ASSERT_EQ(0, settings_get(&now));
	EXPECT_TRUE(settings_equal(&self->saved, &now))
		TH_LOG("limit %lld verbose %lld", now.limit, now.verbose);
	ASSERT_EQ(0, audit_read(&b));
	EXPECT_EQ(self->a.limit, b.limit);
	EXPECT_EQ(self->a.verbose, b.verbose);

	self->changes_settings = true;
	EXPECT_EQ(0, write_file(LIMIT_PARAM, "5"));
	EXPECT_EQ(0, write_file(VERBOSE_PARAM, "1"));
	expect_in_effect(_metadata, 5, 1, &b);
	EXPECT_EQ(0, write_file(LIMIT_PARAM, "6\n"));
	EXPECT_EQ(0, write_file(VERBOSE_PARAM, "0\n"));
	expect_in_effect(_metadata, 6, 0, &b);
	EXPECT_EQ(0, write_file(LIMIT_PARAM, "0"));
	expect_in_effect(_metadata, 0, 0, &b);
	EXPECT_EQ(0, write_file(LIMIT_PARAM, "4096"));
	expect_in_effect(_metadata, LIMIT_MAX, 0, &b);
	/* One setting, two ways in: a command shows in the parameter. */
	EXPECT_EQ(0, write_file(CONTROL_FILE, "limit=9"));
	EXPECT_EQ(0, param_read(LIMIT_PARAM, &v));
	EXPECT_EQ(9, v);
	EXPECT_EQ(0, write_file(LIMIT_PARAM, "11"));
	expect_in_effect(_metadata, 11, 0, &b);
	audit_free(&b);
}

#include "syscalls.c"

int main(int argc, char **argv)
{
	if (storm_exec_target(argc, argv))
		return 0;
	return test_harness_run(argc, argv);
}
