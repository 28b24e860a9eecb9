// SPDX-License-Identifier: GPL-2.0
/*
 * Heavy kselftest for xen_mmu_audit, for a debug kernel: a thousand audits
 * while the storm runs, ten thousand bad commands, proof that audits
 * leave the kernel pagetables as they were, and reads, commands and plants
 * racing the module's unload (XMA_MODULE=<path of the .ko>; needs
 * CONFIG_MODULE_UNLOAD).  Skips off Xen PV.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "../kselftest_harness.h"
#include "audit_lib.h"
#include "audit_fixture.h"
#include "storm.h"

#define PTDUMP_FILE	"/sys/kernel/debug/page_tables/kernel"
#define STRESS_AUDITORS	2

static int env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v && atoi(v) > 0 ? atoi(v) : def;
}

TEST_F_TIMEOUT(audit, audits_under_storm, 3600)
{
	int total = env_int("XMA_STRESS_AUDITS", 1000), started;
	struct auditor au[STRESS_AUDITORS] = {};
	pthread_t t[STRESS_AUDITORS];
	pid_t workers[STORM_WORKERS];
	int audits = 0, bad = 0;
	char *first_bad;

	ASSERT_EQ(0, storm_start(workers));
	started = auditors_start(t, au, STRESS_AUDITORS,
				 total / STRESS_AUDITORS);
	first_bad = auditors_join(t, au, started, &audits, &bad);
	if (first_bad)
		TH_LOG("audit during the storm:\n%s", first_bad);
	free(first_bad);
	EXPECT_EQ(0, storm_stop(workers));
	ASSERT_EQ(STRESS_AUDITORS, started);
	TH_LOG("audits run under the storm: %d, with findings or errors: %d",
	       audits, bad);
	EXPECT_EQ(total / STRESS_AUDITORS * STRESS_AUDITORS, audits);
	EXPECT_EQ(0, bad);
}

/*
 * A command that no parser rule accepts: has a byte none of them uses.
 * Without NULs for a module parameter (sysfs would stop at the first).
 */
static size_t bad_command(char *buf, size_t max, unsigned int *seed,
			  bool nul)
{
	size_t len = 1 + rand_r(seed) % max, i;

	for (i = 0; i < len; i++)
		buf[i] = nul ? rand_r(seed) % 256 : 1 + rand_r(seed) % 255;
	buf[rand_r(seed) % len] = '#';
	return len;
}

/*
 * Random bad commands to the control file, random writes to the report
 * (which takes none), random bad values to the parameters: all refused
 * with EINVAL, and nothing changed.
 */
TEST_F_TIMEOUT(audit, bad_writes_change_nothing, 3600)
{
	static const char *const paths[] = {
		CONTROL_FILE, AUDIT_FILE, LIMIT_PARAM, VERBOSE_PARAM,
		PLANT_PARAM,
	};
	int tries = env_int("XMA_STRESS_BAD_WRITES", 10000), i;
	struct settings now;
	unsigned int seed = 1, p;
	struct audit after;
	char buf[64];
	int fd;

	for (p = 0; p < ARRAY_SIZE(paths); p++) {
		/* The parameters: fewer, they all go the same way. */
		int n = p < 2 ? tries : tries / 10 + 1, rejected = 0;

		fd = open(paths[p], O_WRONLY);
		ASSERT_GE(fd, 0) TH_LOG("%s: %s", paths[p], strerror(errno));
		for (i = 0; i < n; i++) {
			size_t len = bad_command(buf, sizeof(buf), &seed, p < 2);

			if (write(fd, buf, len) < 0 && errno == EINVAL)
				rejected++;
		}
		close(fd);
		TH_LOG("%s: %d bad writes, %d rejected with EINVAL", paths[p],
		       n, rejected);
		EXPECT_EQ(n, rejected);
	}

	ASSERT_EQ(0, settings_get(&now));
	EXPECT_TRUE(settings_equal(&self->saved, &now));
	ASSERT_EQ(0, audit_read(&after));
	EXPECT_EQ(self->a.limit, after.limit);
	EXPECT_EQ(self->a.verbose, after.verbose);
	EXPECT_EQ(self->a.total, after.total);
	audit_free(&after);
}

#define PTDUMP_MAX	(4 << 20)

/*
 * The kernel pagetable as ptdump prints it, less the vmalloc area, into
 * @text (PTDUMP_MAX + 1 bytes, already touched: a page fault here would
 * give this process a new pte page, read-only in the direct map, and so
 * change the very dump being taken).  0 or -errno.
 */
static int kernel_pagetable(char *text)
{
	size_t len = 0;
	char *v, *end;
	ssize_t n;
	int fd;

	fd = open(PTDUMP_FILE, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, text + len, PTDUMP_MAX - len)) > 0)
		len += n;
	close(fd);
	if (n < 0)
		return -EIO;
	text[len] = '\0';
	/* The kernel's own vmalloc use (stacks, buffers) is not the audit's. */
	v = strstr(text, "---[ vmalloc() Area ]---");
	end = v ? strstr(v, "---[ Vmemmap ]---") : NULL;
	if (v && end)
		memmove(v, end, strlen(end) + 1);
	return 0;
}

static void log_first_difference(struct __test_metadata *_metadata,
				 const char *a, const char *b)
{
	const char *la = a, *lb = b;

	while (*a && *a == *b) {
		if (*a == '\n') {
			la = a + 1;
			lb = b + 1;
		}
		a++;
		b++;
	}
	TH_LOG("before: %.120s", la);
	TH_LOG("after:  %.120s", lb);
}

static void audits(struct __test_metadata *_metadata, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		struct audit a;

		ASSERT_EQ(0, audit_read(&a));
		audit_free(&a);
	}
}

/*
 * The kernel pagetable, as ptdump shows it, is the same before and after
 * many audits.  This process must not change it meanwhile: its buffers
 * are touched and its heap has grown to what an audit needs before the
 * first dump.  Two controls: a dump with no audit in between shows that
 * the comparison is stable, and one with the module's planted read-only
 * page that it sees a one-page change.
 */
/* A debug kernel under QEMU can take minutes for 200 audits: no time limit. */
TEST_F_TIMEOUT(audit, audits_leave_pagetables_alone, 3600)
{
	int n = env_int("XMA_STRESS_IDLE_AUDITS", 200);
	char *dump[4];
	int i;

	if (access(PTDUMP_FILE, R_OK))
		SKIP(return, PTDUMP_FILE " missing (CONFIG_PTDUMP_DEBUGFS)");
	for (i = 0; i < 4; i++) {
		dump[i] = malloc(PTDUMP_MAX + 1);
		ASSERT_TRUE(!!dump[i]);
		memset(dump[i], 0, PTDUMP_MAX + 1);
	}
	audits(_metadata, 5);
	ASSERT_EQ(0, kernel_pagetable(dump[0]));
	ASSERT_EQ(0, kernel_pagetable(dump[1]));
	EXPECT_EQ(0, strcmp(dump[0], dump[1]))
		log_first_difference(_metadata, dump[0], dump[1]);
	audits(_metadata, n);
	ASSERT_EQ(0, kernel_pagetable(dump[2]));
	TH_LOG("kernel pagetable dump: %zu bytes, compared around %d audits",
	       strlen(dump[1]), n);
	EXPECT_EQ(0, strcmp(dump[1], dump[2]))
		log_first_difference(_metadata, dump[1], dump[2]);

	/* The teardown unplants, after a failed ASSERT too. */
	self->changes_settings = true;
	ASSERT_EQ(0, write_file(PLANT_PARAM, "1"));
	i = kernel_pagetable(dump[3]);
	ASSERT_EQ(0, write_file(PLANT_PARAM, "0"));
	ASSERT_EQ(0, i);
	EXPECT_NE(0, strcmp(dump[2], dump[3]))
		TH_LOG("a planted read-only page did not show in the dump");
	for (i = 0; i < 4; i++)
		free(dump[i]);
}

/* The threads' state, shared with the thread that unloads. */
struct racers {
	atomic_bool done;
	atomic_bool hold;	/* the unloader starves: open no more */
	atomic_int reports;	/* read whole and well-formed */
	atomic_int commands;	/* taken by the control file or a parameter */
	atomic_int gone;	/* refused as the module came or went */
	atomic_int bad;		/* anything else */
	atomic_bool logged;
	char first_bad[160];
};

/*
 * What a file of a module that is going or gone may answer: ENOENT (the
 * file is gone, or not there yet), ENXIO (debugfs: the module is going),
 * ENODEV (sysfs: the attribute is going; a plant after the module's exit),
 * EIO (debugfs: the file was removed while in use).
 */
static bool going(int err)
{
	return err == ENOENT || err == ENXIO || err == ENODEV || err == EIO;
}

static void racer_bad(struct racers *r, const char *what, int err)
{
	r->bad++;
	if (!atomic_exchange(&r->logged, true))
		snprintf(r->first_bad, sizeof(r->first_bad), "%s: %s", what,
			 strerror(err));
}

/* An answer of a syscall racing the unload: counted where it belongs. */
static void racer_result(struct racers *r, const char *what, int err)
{
	if (going(err))
		r->gone++;
	else
		racer_bad(r, what, err);
}

/*
 * Reads the report again and again, in 4 KiB reads or whole, with a short
 * pause in between; opens nothing while the unloader asks to hold.  Each
 * open gets a whole, well-formed report or an error of a module going.
 */
static void *reader(void *arg)
{
	struct racers *r = arg;
	char *buf = malloc(AUDIT_MAX);
	unsigned int n = 0;

	while (buf && !r->done) {
		bool held = r->hold;
		int fd = held ? -1 : open(AUDIT_FILE, O_RDONLY);
		size_t chunk = n++ % 2 ? 4096 : AUDIT_MAX;
		ssize_t len = 0, got = 0;
		const char *why = "";

		if (fd < 0) {
			if (!held)
				racer_result(r, "open " AUDIT_FILE, errno);
			usleep(1000);
			continue;
		}
		while (len < AUDIT_MAX &&
		       (got = read(fd, buf + len, chunk < AUDIT_MAX - len ?
				   chunk : AUDIT_MAX - len)) > 0)
			len += got;
		if (got < 0)
			racer_result(r, "read " AUDIT_FILE, errno);
		else if (report_check(buf, len, &why))
			racer_bad(r, why, EPROTO);
		else
			r->reports++;
		close(fd);
		usleep(1000);
	}
	free(buf);
	return NULL;
}

/* Valid commands to the control file; holds like the readers. */
static void *commander(void *arg)
{
	struct racers *r = arg;

	while (!r->done) {
		bool held = r->hold;
		int fd = held ? -1 : open(CONTROL_FILE, O_WRONLY);

		if (fd < 0) {
			if (!held)
				racer_result(r, "open " CONTROL_FILE, errno);
		} else {
			if (write(fd, "limit=100\n", 10) == 10)
				r->commands++;
			else
				racer_result(r, "write " CONTROL_FILE, errno);
			close(fd);
		}
		usleep(1000);
	}
	return NULL;
}

/*
 * Valid values to the parameters, limit and plant (1, then 0): sysfs takes
 * no module reference, so these never hold the unload off, and a plant
 * may land after the module's exit ran.
 */
static void *param_writer(void *arg)
{
	static const char *const paths[] = {
		LIMIT_PARAM, PLANT_PARAM, PLANT_PARAM,
	};
	static const char *const vals[] = { "100", "1", "0" };
	struct racers *r = arg;
	unsigned int i = 0;

	while (!r->done) {
		int ret = write_file(paths[i % 3], vals[i % 3]);

		if (!ret)
			r->commands++;
		else
			racer_result(r, paths[i % 3], -ret);
		i++;
		usleep(500);
	}
	return NULL;
}

/*
 * Unload, retrying while a reader has the file open: 0 or -errno.  On one
 * vCPU two readers can keep the file open nearly all the time, so after a
 * second of retries the readers are asked to hold (@held counts those
 * cycles); after 30 s it gives up.
 */
static int unload(struct racers *r, int *held)
{
	time_t start = time(NULL);
	int ret = 0;

	while (syscall(SYS_delete_module, "xen_mmu_audit", O_NONBLOCK)) {
		if (errno != EWOULDBLOCK && errno != EBUSY) {
			ret = -errno;
			break;
		}
		if (time(NULL) > start + 30) {
			ret = -ETIMEDOUT;
			break;
		}
		if (!r->hold && time(NULL) > start + 1) {
			r->hold = true;
			(*held)++;
		}
		usleep(100);
	}
	r->hold = false;
	return ret;
}

#define RACE_READERS	2

/*
 * Unload and load the module again and again while two threads read the
 * report, one writes commands to the control file and one writes the
 * limit and plant parameters: an open file pins the module, so unloading
 * is retried (for 30 s at most) until it goes through.  Every read gets a
 * whole, well-formed report or an error of a module going (never a torn
 * text, never a crash), every write is taken or gets such an error, and
 * no plant outlives its module: afterwards the audit has the violations
 * it had before.  Ends with the module loaded, as it began.
 */
TEST_F_TIMEOUT(audit, load_unload_with_readers, 3600)
{
	int cycles = env_int("XMA_STRESS_CYCLES", 100), i, done_cycles = 0;
	void *(*const fns[])(void *) = {
		reader, reader, commander, param_writer,
	};
	const char *ko = getenv("XMA_MODULE");
	struct racers r = { .done = false, .hold = false };
	pthread_t t[ARRAY_SIZE(fns)];
	int held = 0, started = 0, bad_loads = 0;
	struct audit after;
	int fd, ret = 0;

	if (!ko)
		SKIP(return, "XMA_MODULE (the path of xen_mmu_audit.ko) not set");
	fd = open(ko, O_RDONLY);
	ASSERT_GE(fd, 0) TH_LOG("%s: %s", ko, strerror(errno));
	/* The reload starts from the defaults: the teardown puts them back. */
	self->changes_settings = true;
	for (i = 0; i < (int)ARRAY_SIZE(fns); i++) {
		if (pthread_create(&t[i], NULL, fns[i], &r))
			break;
		started++;
	}
	for (i = 0; started == ARRAY_SIZE(fns) && i < cycles; i++) {
		ret = unload(&r, &held);
		if (ret)
			break;
		/*
		 * Now and then a load that its last parameter fails: the
		 * plant before it must leave nothing (compared below).
		 */
		if (i % 10 == 0) {
			if (!syscall(SYS_finit_module, fd,
				     "plant=1 limit=9999", 0) ||
			    errno != EINVAL) {
				ret = -EPROTO;
				break;
			}
			bad_loads++;
		}
		if (syscall(SYS_finit_module, fd, "", 0)) {
			ret = -errno;
			break;
		}
		done_cycles++;
	}
	r.done = true;
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	close(fd);
	ASSERT_EQ(ARRAY_SIZE(fns), started);
	TH_LOG("unload/load cycles: %d of %d (readers held in %d)",
	       done_cycles, cycles, held);
	TH_LOG("loads failed on purpose after plant=1: %d", bad_loads);
	TH_LOG("reports read %d, commands taken %d, refused by a module going %d",
	       (int)r.reports, (int)r.commands, (int)r.gone);
	EXPECT_EQ(cycles, done_cycles) TH_LOG("stopped: %s", strerror(-ret));
	EXPECT_EQ(0, (int)r.bad) TH_LOG("first: %s", r.first_bad);
	EXPECT_GT((int)r.reports, 0);
	EXPECT_GT((int)r.commands, 0);

	/*
	 * No plant survived an unload or a failed load: no finding the
	 * module did not make.
	 */
	ASSERT_EQ(0, write_file(PLANT_PARAM, "0"));
	ASSERT_EQ(0, audit_read(&after));
	for (i = 0; i < NR_KINDS; i++) {
		EXPECT_EQ(self->a.violations[i], after.violations[i])
			TH_LOG("violations_%s after the cycles:\n%s", kinds[i],
			       after.text + 1);
	}
	audit_free(&after);
}

int main(int argc, char **argv)
{
	if (storm_exec_target(argc, argv))
		return 0;
	return test_harness_run(argc, argv);
}
