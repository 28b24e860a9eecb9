// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for xen_mmu_audit: reads /sys/kernel/debug/xen_mmu_audit and
 * fails on any violation, at idle and while a fork/exec/thread/mmap storm
 * runs with audits beside it, and with the mm of a reaped task kept; checks
 * that planted findings are seen and then gone, that bad commands are
 * refused and that every syscall on the file gets an error or a defined
 * result.  Skips off Xen PV.
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

TEST_F(audit, idle_no_findings)
{
	EXPECT_EQ(0, self->a.total) TH_LOG("audit at idle:\n%s",
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

/*
 * An mm outlives its last task for as long as something holds it, here an
 * open /proc/<pid>/mem (a lazily loaded CPU or a task not yet switched
 * out after its exit do the same, briefly).  Its LDT stays read-only, as
 * Xen wants, until the mm is freed: not a leak.  Once freed, the page must
 * be writable again.  Child and parent share one CPU, so that no CPU keeps
 * the child's mm loaded once the parent runs again: only the file holds it.
 */
TEST_F(audit, reaped_task_ldt_no_findings)
{
	struct audit *before = &self->a, after;
	int ready[2], go[2], fd, err;
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
		ldt = install_ldt() ? 'n' : 'y';
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
	ASSERT_EQ('y', ldt) TH_LOG("the child could not install an LDT");
	ASSERT_GE(fd, 0) TH_LOG("open %s: %s", path, strerror(err));

	ASSERT_EQ(0, audit_read(&after));
	close(fd);
	/* In 2.6.37 the open file does not hold the mm: the LDT is freed. */
	if (key_value(after.text, "mms_unowned") < 1)
		TH_LOG("the reaped task's mm is gone: its LDT must be writable again");
	for (i = 0; i < NR_KINDS; i++)
		changed += before->violations[i] != after.violations[i];
	EXPECT_EQ(0, changed) TH_LOG("audit with the reaped task's mm:\n%s",
				     after.text + 1);
	audit_free(&after);
}

TEST_F(audit, planted_findings_detected_then_gone)
{
	struct audit *before = &self->a, planted, after;

	ASSERT_EQ(0, write_file(PLANT_PARAM, "1"));
	ASSERT_EQ(0, audit_read(&planted));
	ASSERT_EQ(0, write_file(PLANT_PARAM, "0"));
	ASSERT_EQ(0, audit_read(&after));

	/* One of each plantable kind, on top of what was there. */
	EXPECT_EQ(before->violations[1] + 1, planted.violations[1])
		TH_LOG("planted audit:\n%s", planted.text + 1);
	EXPECT_EQ(before->violations[2] + 1, planted.violations[2])
		TH_LOG("planted audit:\n%s", planted.text + 1);
	EXPECT_TRUE(!!strstr(planted.text, "finding: kind=pin_mismatch level=pte"));
	EXPECT_TRUE(!!strstr(planted.text, "finding: kind=ro_leak level=none"));
	EXPECT_EQ(before->total, after.total)
		TH_LOG("after unplanting:\n%s", after.text + 1);
	audit_free(&planted);
	audit_free(&after);
}

TEST_F(audit, bad_input_rejected)
{
	static const char *const bad[] = {
		"", "\n", "foo", "limit", "limit=", "limit=-1", "limit=4097",
		"limit=1 2", "limit=0x10", "verbose=2", "verbose=", " limit=1",
		"limit=1\nverbose=1", "limit=99999999999999999999",
		"verbose=1verbose=1verbose=1verbose=1",
		/* Only the documented forms: no sign, no word, no suffix. */
		"limit=+5", "limit=05", "limit=5x", "limit=5\n\n", "limit=5 ",
		"verbose=yes!", "verbose=y", "verbose=on", "verbose=01",
		"on", "1x", "limit=5\t",
	};
	/* Written with their NUL: the bytes after it must not hide. */
	static const char nul_cmd[] = "limit=5\0junk";
	/* (A zero-length write never reaches the kernel: not a test.) */
	static const char *const bad_plant[] = { "2", "maybe", "-1", "yes!" };
	struct audit *a = &self->a, b;
	char plant[8] = "", cmd[32];
	unsigned int i;
	int fd, ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = write_file(AUDIT_FILE, bad[i]);

		EXPECT_EQ(-EINVAL, ret) TH_LOG("command \"%s\" gave %d", bad[i], ret);
	}
	fd = open(AUDIT_FILE, O_WRONLY);
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

		EXPECT_NE(0, ret) TH_LOG("plant value %u was accepted", i);
	}
	if (_metadata->exit_code)
		write_file(PLANT_PARAM, "0");	/* leave no plant behind */

	ASSERT_EQ(0, audit_read(&b));
	EXPECT_EQ(a->limit, b.limit);
	EXPECT_EQ(a->verbose, b.verbose);
	EXPECT_EQ(a->total, b.total);
	fd = open(PLANT_PARAM, O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_GT(read(fd, plant, sizeof(plant) - 1), 0);
	close(fd);
	EXPECT_STREQ("0\n", plant);

	/* The good commands work, and are undone. */
	EXPECT_EQ(0, write_file(AUDIT_FILE, "limit=3\n"));
	EXPECT_EQ(0, write_file(AUDIT_FILE, "verbose=1"));
	audit_free(&b);
	ASSERT_EQ(0, audit_read(&b));
	EXPECT_EQ(3, b.limit);
	EXPECT_EQ(1, b.verbose);
	EXPECT_TRUE(!!strstr(b.text, "\ninitial_pt_frame: "));
	/* Both ends of the range. */
	EXPECT_EQ(0, write_file(AUDIT_FILE, "limit=0"));
	audit_free(&b);
	ASSERT_EQ(0, audit_read(&b));
	EXPECT_EQ(0, b.limit);
	EXPECT_EQ(0, b.findings_listed);
	EXPECT_EQ(0, write_file(AUDIT_FILE, "limit=4096"));
	audit_free(&b);
	ASSERT_EQ(0, audit_read(&b));
	EXPECT_EQ(4096, b.limit);
	audit_free(&b);
	/* Back to what the test found, not to a default. */
	snprintf(cmd, sizeof(cmd), "limit=%lld", a->limit);
	EXPECT_EQ(0, write_file(AUDIT_FILE, cmd));
	EXPECT_EQ(0, write_file(AUDIT_FILE, a->verbose ? "verbose=1" : "verbose=0"));
}

/* Read all of @fd, @chunk bytes a read; the length, or -errno. */
static ssize_t read_all(int fd, char *buf, size_t size, size_t chunk)
{
	size_t len = 0;
	ssize_t n;

	while (len < size) {
		n = read(fd, buf + len, chunk < size - len ? chunk : size - len);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += n;
	}
	return len;
}

/*
 * What a syscall fuzzer would try on the file: each gets an error or a
 * defined result, never an oops (the verdict fails on one).
 */
TEST_F(audit, syscalls_on_the_file)
{
	static const int whence[] = { SEEK_SET, SEEK_CUR, SEEK_END };
	char *whole = calloc(2, AUDIT_MAX), *bytes = whole + AUDIT_MAX;
	ssize_t n_whole, n_bytes, ret;
	unsigned int i;
	int fd;

	ASSERT_TRUE(!!whole);
	/* A write-only open has no seq_file: no position either. */
	fd = open(AUDIT_FILE, O_WRONLY);
	ASSERT_GE(fd, 0);
	for (i = 0; i < ARRAY_SIZE(whence); i++) {
		errno = 0;
		EXPECT_EQ(-1, lseek(fd, 0, whence[i]));
		EXPECT_EQ(ESPIPE, errno);
	}
	EXPECT_EQ(-1, pread(fd, whole, 16, 0));
	EXPECT_EQ(-1, read(fd, whole, 16));
	/* A command at an offset: taken as it is, or refused. */
	errno = 0;
	ret = pwrite(fd, "limit=100", 9, 0);
	EXPECT_TRUE(ret == 9 || (ret == -1 && errno == ESPIPE))
		TH_LOG("pwrite gave %zd, errno %d", ret, errno);
	EXPECT_EQ(-1, ioctl(fd, 0));
	close(fd);

	/* A reader: the same text read in one go and a byte at a time. */
	fd = open(AUDIT_FILE, O_RDWR);
	ASSERT_GE(fd, 0);
	n_whole = read_all(fd, whole, AUDIT_MAX, AUDIT_MAX);
	ASSERT_GT(n_whole, 0);
	EXPECT_EQ(0, read(fd, bytes, 1));
	EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
	n_bytes = read_all(fd, bytes, AUDIT_MAX, 1);
	ASSERT_EQ(n_whole, n_bytes);
	EXPECT_EQ(0, memcmp(whole, bytes, n_whole));
	EXPECT_EQ(0, read(fd, bytes, 0));
	errno = 0;
	EXPECT_EQ(-1, lseek(fd, -1, SEEK_SET));
	EXPECT_EQ(EINVAL, errno);
	/* Past the end: nothing more to read, or an error; no oops. */
	if (lseek(fd, 1LL << 40, SEEK_SET) >= 0)
		EXPECT_EQ(0, read(fd, bytes, 16));
	/* As booleans: the harness casts pointers to uintmax_t, which warns on i386. */
	EXPECT_TRUE(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED);
	EXPECT_EQ(-1, ioctl(fd, 0));
	/* Commands still work through a read-write open. */
	EXPECT_EQ(9, write(fd, "limit=100", 9));
	EXPECT_EQ(-1, write(fd, "limit=", 6));
	close(fd);
	free(whole);
}

int main(int argc, char **argv)
{
	if (storm_exec_target(argc, argv))
		return 0;
	return test_harness_run(argc, argv);
}
