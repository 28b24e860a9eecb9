// SPDX-License-Identifier: GPL-2.0
/*
 * Heavy kselftest for xen_mmu_audit, for a debug kernel: a thousand audits
 * while the storm runs, ten thousand bad commands, and proof that audits
 * leave the kernel pagetables as they were.  Skips off Xen PV.
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

/* A command that no parser rule accepts: has a byte none of them uses. */
static size_t bad_command(char *buf, size_t max, unsigned int *seed)
{
	size_t len = 1 + rand_r(seed) % max, i;

	for (i = 0; i < len; i++)
		buf[i] = rand_r(seed) % 256;
	buf[rand_r(seed) % len] = '#';
	return len;
}

TEST_F(audit, bad_writes_change_nothing)
{
	int tries = env_int("XMA_STRESS_BAD_WRITES", 10000), i, rejected = 0;
	unsigned int seed = 1;
	struct audit after;
	char buf[64];
	int fd;

	fd = open(AUDIT_FILE, O_WRONLY);
	ASSERT_GE(fd, 0);
	for (i = 0; i < tries; i++) {
		size_t len = bad_command(buf, sizeof(buf), &seed);

		if (write(fd, buf, len) < 0 && errno == EINVAL)
			rejected++;
	}
	close(fd);
	TH_LOG("bad writes: %d tried, %d rejected with EINVAL", tries, rejected);
	EXPECT_EQ(tries, rejected);

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
TEST_F(audit, audits_leave_pagetables_alone)
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

	ASSERT_EQ(0, write_file(PLANT_PARAM, "1"));
	i = kernel_pagetable(dump[3]);
	ASSERT_EQ(0, write_file(PLANT_PARAM, "0"));
	ASSERT_EQ(0, i);
	EXPECT_NE(0, strcmp(dump[2], dump[3]))
		TH_LOG("a planted read-only page did not show in the dump");
	for (i = 0; i < 4; i++)
		free(dump[i]);
}

/* The readers' state, shared with the thread that unloads. */
struct readers {
	atomic_bool done;
	atomic_bool hold;	/* the unloader starves: open no more */
};

/*
 * Reads the file again and again, with a short pause in between; opens
 * nothing while the unloader asks the readers to hold.
 */
static void *reader(void *arg)
{
	struct readers *r = arg;
	char buf[4096];

	while (!r->done) {
		int fd = r->hold ? -1 : open(AUDIT_FILE, O_RDONLY);

		if (fd >= 0) {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			close(fd);
		}
		usleep(1000);
	}
	return NULL;
}

/*
 * Unload, retrying while a reader has the file open: 0 or -errno.  On one
 * vCPU two readers can keep the file open nearly all the time, so after a
 * second of retries the readers are asked to hold (@held counts those
 * cycles); after 30 s it gives up.
 */
static int unload(struct readers *r, int *held)
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

/*
 * Unload and load the module again and again while two threads read the
 * file: an open file pins the module, so unloading is retried (for 30 s at
 * most) until it goes through.  Ends with the module loaded, as it began.
 */
TEST_F_TIMEOUT(audit, load_unload_with_readers, 3600)
{
	int cycles = env_int("XMA_STRESS_CYCLES", 100), i, done_cycles = 0;
	const char *ko = getenv("XMA_MODULE");
	struct readers r = { .done = false, .hold = false };
	pthread_t t[2];
	int held = 0;
	int fd, ret = 0;

	if (!ko)
		SKIP(return, "XMA_MODULE (the path of xen_mmu_audit.ko) not set");
	fd = open(ko, O_RDONLY);
	ASSERT_GE(fd, 0) TH_LOG("%s: %s", ko, strerror(errno));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, reader, &r));

	for (i = 0; i < cycles; i++) {
		ret = unload(&r, &held);
		if (ret)
			break;
		if (syscall(SYS_finit_module, fd, "", 0)) {
			ret = -errno;
			break;
		}
		done_cycles++;
	}
	r.done = true;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	close(fd);
	TH_LOG("unload/load cycles with 2 readers: %d of %d (readers held in %d)",
	       done_cycles, cycles, held);
	EXPECT_EQ(cycles, done_cycles) TH_LOG("stopped: %s", strerror(-ret));
}

int main(int argc, char **argv)
{
	if (storm_exec_target(argc, argv))
		return 0;
	return test_harness_run(argc, argv);
}
