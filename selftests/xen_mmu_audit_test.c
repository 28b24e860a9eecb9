// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for xen_mmu_audit: reads /sys/kernel/debug/xen_mmu_audit and
 * fails on any violation, at idle and while a fork/exec/thread/mmap storm
 * runs with audits beside it; checks that planted findings are seen and
 * then gone, and that bad commands are refused.  Skips off Xen PV.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <asm/ldt.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"

#define AUDIT_FILE	"/sys/kernel/debug/xen_mmu_audit"
#define PLANT_PARAM	"/sys/module/xen_mmu_audit/parameters/plant"
#define AUDIT_MAX	(1024 * 1024)
#define STORM_SECONDS	6
#define STORM_AUDITORS	2

static const char *const kinds[] = {
	"writable_pt", "pin_mismatch", "ro_leak", "initial_pt",
};

#define NR_KINDS	ARRAY_SIZE(kinds)

struct audit {
	char *text;
	int version;
	char mode[32];
	bool audited;
	long long violations[NR_KINDS];
	long long total;
	long long mms_audited;
	long long limit;
	long long verbose;
	int findings_listed;
	int finding_lines;
};

static long long key_value(const char *text, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s: ", key);
	p = strstr(text, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/* Read and parse one audit; 0, or -errno / -EPROTO for a bad format. */
static int audit_read(struct audit *a)
{
	ssize_t n, len = 0;
	const char *p;
	unsigned int i;
	int fd;

	memset(a, 0, sizeof(*a));
	a->text = calloc(1, AUDIT_MAX + 2);
	if (!a->text)
		return -ENOMEM;
	a->text[0] = '\n';	/* every key follows a newline */
	fd = open(AUDIT_FILE, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, a->text + 1 + len, AUDIT_MAX - len)) > 0)
		len += n;
	close(fd);
	if (n < 0)
		return -errno;

	if (sscanf(a->text, "\nxen_mmu_audit-format: %d", &a->version) != 1)
		return -EPROTO;
	p = strstr(a->text, "\nmode: ");
	if (!p || sscanf(p, "\nmode: %31s", a->mode) != 1)
		return -EPROTO;
	a->audited = !!strstr(a->text, "\naudited: yes\n");
	if (!a->audited)
		return strstr(a->text, "\naudited: no\n") ? 0 : -EPROTO;

	for (i = 0; i < NR_KINDS; i++) {
		char key[64];

		snprintf(key, sizeof(key), "violations_%s", kinds[i]);
		a->violations[i] = key_value(a->text, key);
		if (a->violations[i] < 0)
			return -EPROTO;
	}
	a->total = key_value(a->text, "violations_total");
	a->mms_audited = key_value(a->text, "mms_audited");
	a->limit = key_value(a->text, "limit");
	a->verbose = key_value(a->text, "verbose");
	a->findings_listed = key_value(a->text, "findings_listed");
	for (p = a->text; (p = strstr(p, "\nfinding: ")); p++)
		a->finding_lines++;
	if (a->total < 0 || a->mms_audited < 0 || a->limit < 0 ||
	    a->verbose < 0 || a->findings_listed < 0)
		return -EPROTO;
	return 0;
}

static void audit_free(struct audit *a)
{
	free(a->text);
	a->text = NULL;
}

/*
 * Read an audit if there is one to read: 0, 1 if the test must be skipped
 * (*why says why), or -errno.
 */
static int audit_here(struct audit *a, const char **why)
{
	int ret = audit_read(a);

	if (ret == -ENOENT) {
		*why = AUDIT_FILE " missing: xen_mmu_audit not loaded";
		return 1;
	}
	if (!ret && !a->audited) {
		*why = "not a Xen PV guest";
		return 1;
	}
	return ret;
}

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

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : (n < 0 ? -errno : -EIO);
}

TEST_F(audit, file_present_and_parses)
{
	struct audit *a = &self->a;
	long long sum = 0;
	unsigned int i;

	EXPECT_EQ(1, a->version);
	EXPECT_STREQ("xen-pv", a->mode);
	for (i = 0; i < NR_KINDS; i++)
		sum += a->violations[i];
	EXPECT_EQ(sum, a->total);
	/* This test itself is a live mm. */
	EXPECT_GE(a->mms_audited, 1);
	EXPECT_GT(key_value(a->text, "visited_pgd"), 0);
	EXPECT_GT(key_value(a->text, "visited_pte"), 0);
	EXPECT_EQ(a->findings_listed, a->finding_lines);
}

TEST_F(audit, idle_no_findings)
{
	EXPECT_EQ(0, self->a.total) TH_LOG("audit at idle:\n%s",
					   self->a.text + 1);
}

/* ---- the storm ---- */

/* Set by SIGALRM, read by the storm's threads. */
static atomic_bool stop;

static void touch(char *p, size_t len, size_t step)
{
	size_t off;

	for (off = 0; off < len; off += step)
		p[off] = 1;
}

static void *thread_churn(void *arg)
{
	size_t len = 1 << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED) {
		touch(p, len, 4096);
		munmap(p, len);
	}
	return arg;
}

static void install_ldt(void)
{
	struct user_desc d = {
		.entry_number = 0, .limit = 0xfffff, .seg_32bit = 1,
		.limit_in_pages = 1,
	};

	syscall(SYS_modify_ldt, 1, &d, sizeof(d));
}

/* One storm worker: its kind of churn until stopped. */
static void storm_worker(int kind, const char *self)
{
	size_t big = 64 << 20;

	while (!stop) {
		pid_t pid;
		char *p;

		switch (kind) {
		case 0:	/* fork + exec + exit */
			pid = fork();
			if (pid == 0) {
				execl(self, self, "--exit", NULL);
				_exit(1);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
			break;
		case 1:	/* fork + touch + exit, with an LDT */
			pid = fork();
			if (pid == 0) {
				install_ldt();
				thread_churn(NULL);
				_exit(0);
			}
			if (pid > 0)
				waitpid(pid, NULL, 0);
			break;
		case 2: {	/* threads */
			pthread_t t[4];
			int i;

			for (i = 0; i < 4; i++)
				pthread_create(&t[i], NULL, thread_churn, NULL);
			for (i = 0; i < 4; i++)
				pthread_join(t[i], NULL);
			break;
		}
		case 3:	/* large mapping, mprotect, partial munmap */
			p = mmap(NULL, big, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				break;
			touch(p, big, 2 << 20);
			mprotect(p, big / 2, PROT_READ);
			munmap(p + big / 4, big / 4);
			mprotect(p, big / 4, PROT_READ | PROT_WRITE);
			touch(p, big / 4, 4096 * 16);
			munmap(p, big);
			break;
		}
	}
}

struct auditor {
	int audits;
	int bad;		/* audits with findings or errors */
	char *first_bad;
};

static void *auditor_run(void *arg)
{
	struct auditor *au = arg;

	while (!stop) {
		struct audit a;
		int ret = audit_read(&a);

		au->audits++;
		if (ret || a.total) {
			au->bad++;
			if (!au->first_bad)
				au->first_bad = strdup(ret ? "read/parse error" :
						       a.text + 1);
		}
		audit_free(&a);
	}
	return NULL;
}

static void on_alarm(int sig)
{
	stop = 1;
}

TEST_F(audit, storm_no_findings)
{
	struct auditor au[STORM_AUDITORS] = {};
	pthread_t t[STORM_AUDITORS];
	char exe[4096];
	pid_t workers[4];
	int i, audits = 0, bad = 0;
	struct audit a;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_GT(n, 0);
	exe[n] = '\0';

	for (i = 0; i < 4; i++) {
		workers[i] = fork();
		ASSERT_GE(workers[i], 0);
		if (workers[i] == 0) {
			signal(SIGALRM, on_alarm);
			alarm(STORM_SECONDS);
			storm_worker(i, exe);
			_exit(0);
		}
	}
	signal(SIGALRM, on_alarm);
	alarm(STORM_SECONDS);
	for (i = 0; i < STORM_AUDITORS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, auditor_run, &au[i]));
	for (i = 0; i < STORM_AUDITORS; i++) {
		pthread_join(t[i], NULL);
		audits += au[i].audits;
		bad += au[i].bad;
		if (au[i].first_bad)
			TH_LOG("audit during the storm:\n%s", au[i].first_bad);
	}
	for (i = 0; i < 4; i++) {
		int status;

		ASSERT_EQ(workers[i], waitpid(workers[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	TH_LOG("%d audits during a %ds storm", audits, STORM_SECONDS);
	EXPECT_GT(audits, 0);
	EXPECT_EQ(0, bad);

	ASSERT_EQ(0, audit_read(&a));
	EXPECT_EQ(0, a.total) TH_LOG("audit after the storm:\n%s", a.text + 1);
	audit_free(&a);
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
	EXPECT_NE(NULL, strstr(planted.text, "finding: kind=pin_mismatch level=pte"));
	EXPECT_NE(NULL, strstr(planted.text, "finding: kind=ro_leak level=none"));
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
	};
	/* (A zero-length write never reaches the kernel: not a test.) */
	static const char *const bad_plant[] = { "2", "maybe", "-1", "yes!" };
	struct audit *a = &self->a, b;
	char plant[8] = "";
	unsigned int i;
	int fd, ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = write_file(AUDIT_FILE, bad[i]);

		EXPECT_EQ(-EINVAL, ret) TH_LOG("command \"%s\" gave %d", bad[i], ret);
	}
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
	EXPECT_NE(NULL, strstr(b.text, "\ninitial_pt_frame: "));
	EXPECT_EQ(0, write_file(AUDIT_FILE, "limit=100"));
	EXPECT_EQ(0, write_file(AUDIT_FILE, "verbose=0"));
	audit_free(&b);
}

int main(int argc, char **argv)
{
	/* The storm's exec target. */
	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 0;
	return test_harness_run(argc, argv);
}
