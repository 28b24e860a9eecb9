// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark for xen_mmu_audit and for the pv-mmu paths the series touches,
 * run inside the guest (scripts/bench.sh boots it with xma.mode=bench):
 *
 *  - with N sleeping processes alive, each with mappings of its own, the
 *    cost of one audit (its pass_ns and the pagetable pages it visited)
 *    beside the cost of reading the kernel's pagetable dump (ptdump), whose
 *    page count is the audit's kernel_tables from the same round;
 *  - fork+exit+wait in a loop;
 *  - mmap/touch/munmap in a loop, in an otherwise empty part of the
 *    address space, so that every round trip allocates and frees
 *    pagetable pages.
 *
 *   xen_mmu_audit_bench [-n N:N:...] [-r ROUNDS] [-f FORKS] [-m MMAPS]
 *
 * Prints one "bench-<what>: key=value ..." line per measurement and
 * "bench-done" at the end; any error is a "bench-error:" line and exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/wait.h>

#include "audit_lib.h"

#define PTDUMP_FILE	"/sys/kernel/debug/page_tables/kernel"
#define BUF_MAX		(16 << 20)
#define MAX_STEPS	16
#define MAX_PROCS	100000
#define PAGE		4096UL
#define MIB		(1024UL * 1024)
#define GIB		(1024 * MIB)
/* 1 GiB aligned, far from the program, its heap, stack and libraries. */
#if UINTPTR_MAX > 0xffffffffUL
#define LOOP_ADDR	((void *)(32UL << 40))
#else
#define LOOP_ADDR	((void *)(1UL << 30))	/* x86_32: below 3 GiB */
#endif
#define LOOP_LEN	MIB
#define LOOP_TOUCH	(64UL << 10)
#define USAGE		"[-n N:N:...] [-r ROUNDS] [-f FORKS] [-m MMAPS]"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char *buf;
static pid_t *procs;
static int nr_procs;

static void fail(const char *what, int err)
{
	printf("bench-error: %s: %s\n", what, strerror(err));
	fflush(stdout);
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Read a whole file into buf + 1 (buf[0] is a newline, for key_value()):
 * its length; *ns is the time of open, read and close.
 */
static ssize_t read_timed(const char *path, long long *ns)
{
	long long start = now_ns();
	ssize_t n, len = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		fail(path, errno);
	while ((n = read(fd, buf + 1 + len, BUF_MAX - len)) > 0)
		len += n;
	if (n < 0)
		fail(path, errno);
	close(fd);
	*ns = now_ns() - start;
	if (len == BUF_MAX)
		fail(path, EFBIG);
	buf[1 + len] = '\0';
	return len;
}

static void touch(char *p, size_t len, size_t step)
{
	size_t off;

	for (off = 0; off < len; off += step)
		p[off] = 1;
}

static void map_and_touch(size_t len, size_t step)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p != MAP_FAILED)
		touch(p, len, step);
}

/*
 * A sleeping process with mappings that vary with @i: none of its own,
 * 128 KiB dense, 32 MiB with a page every 2 MiB (a pte page each), 8 GiB
 * with a page every 1 GiB (a pmd and a pte page each).  Xen PV has no
 * huge pages: sparse mappings are what makes a tree big.
 */
static void sleeper(int i, int ready)
{
	switch (i % 4) {
	case 1:
		map_and_touch(128 << 10, PAGE);
		break;
	case 2:
		map_and_touch(32 * MIB, 2 * MIB);
		break;
	case 3:
		map_and_touch(8 * GIB, GIB);
		break;
	}
	if (write(ready, "", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

/* Grow the crowd of sleepers to @n processes. */
static void spawn_to(int n)
{
	int pipefd[2], started = 0;
	char c;

	if (n > MAX_PROCS)
		fail("too many processes", EINVAL);
	if (pipe(pipefd))
		fail("pipe", errno);
	for (; nr_procs < n; nr_procs++, started++) {
		pid_t pid = fork();

		if (pid < 0)
			fail("fork", errno);
		if (pid == 0) {
			close(pipefd[0]);
			sleeper(nr_procs, pipefd[1]);
		}
		procs[nr_procs] = pid;
	}
	close(pipefd[1]);
	while (started && read(pipefd[0], &c, 1) == 1)
		started--;
	close(pipefd[0]);
	if (started)
		fail("a sleeper died before it was ready", ECHILD);
}

static void reap_all(void)
{
	int i;

	for (i = 0; i < nr_procs; i++)
		kill(procs[i], SIGKILL);
	for (i = 0; i < nr_procs; i++)
		waitpid(procs[i], NULL, 0);
	nr_procs = 0;
}

static const char *const levels[] = {
	"pgd", "user_pgd", "p4d", "pud", "pmd", "pte",
};

static long long key(const char *name)
{
	long long v = key_value(buf, name);

	if (v < 0) {
		printf("bench-error: no \"%s\" in the audit:%s\n", name, buf);
		fflush(stdout);
		exit(1);
	}
	return v;
}

/* One audit and one ptdump read, printed; @round 0 is a warm-up. */
static void audit_round(int n, int round)
{
	long long read_ns, visited = 0, per_level[ARRAY_SIZE(levels)];
	unsigned int i;
	char name[32];
	ssize_t len;

	read_timed(AUDIT_FILE, &read_ns);
	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		snprintf(name, sizeof(name), "visited_%s", levels[i]);
		per_level[i] = key(name);
		visited += per_level[i];
	}
	if (round) {
		printf("bench-audit: n=%d round=%d pass_ns=%lld audit_ns=%lld read_ns=%lld",
		       n, round, key("pass_ns"), key("audit_ns"), read_ns);
		printf(" passes=%lld visited=%lld kernel_tables=%lld",
		       key("passes"), visited, key("kernel_tables"));
		printf(" mms_audited=%lld violations=%lld",
		       key("mms_audited"), key("violations_total"));
		for (i = 0; i < ARRAY_SIZE(levels); i++)
			printf(" %s=%lld", levels[i], per_level[i]);
		printf("\n");
	}

	len = read_timed(PTDUMP_FILE, &read_ns);
	if (round)
		printf("bench-ptdump: n=%d round=%d read_ns=%lld bytes=%zd\n",
		       n, round, read_ns, len);
	fflush(stdout);
}

static void fork_round(int round, int iters)
{
	long long start = now_ns();
	int i, status;

	for (i = 0; i < iters; i++) {
		pid_t pid = fork();

		if (pid < 0)
			fail("fork", errno);
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || status)
			fail("waitpid", ECHILD);
	}
	printf("bench-fork: round=%d iters=%d ns=%lld\n", round, iters,
	       now_ns() - start);
	fflush(stdout);
}

static void mmap_round(int round, int iters)
{
	long long start = now_ns();
	int i;

	for (i = 0; i < iters; i++) {
		char *p = mmap(LOOP_ADDR, LOOP_LEN, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS |
			       MAP_FIXED_NOREPLACE, -1, 0);

		if (p != LOOP_ADDR)
			fail("mmap at a fixed address", p == MAP_FAILED ?
			     errno : EEXIST);
		touch(p, LOOP_LEN, LOOP_TOUCH);
		if (munmap(p, LOOP_LEN))
			fail("munmap", errno);
	}
	printf("bench-mmap: round=%d iters=%d ns=%lld\n", round, iters,
	       now_ns() - start);
	fflush(stdout);
}

static int parse_steps(char *s, int *steps)
{
	int nr = 0;
	char *tok;

	for (tok = strtok(s, ":"); tok; tok = strtok(NULL, ":")) {
		char *end;
		long v = strtol(tok, &end, 10);

		if (*end || v < 0 || v > MAX_PROCS || nr == MAX_STEPS ||
		    (nr && v < steps[nr - 1]))
			return -1;
		steps[nr++] = v;
	}
	return nr;
}

static int positive(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *end || v <= 0 || v > 1000000 ? -1 : v;
}

int main(int argc, char **argv)
{
	int steps[MAX_STEPS] = { 0, 100, 1000 }, nr_steps = 3;
	int rounds = 5, forks = 200, mmaps = 1000;
	int opt, i, r;

	while ((opt = getopt(argc, argv, "n:r:f:m:")) != -1) {
		switch (opt) {
		case 'n':
			nr_steps = parse_steps(optarg, steps);
			break;
		case 'r':
			rounds = positive(optarg);
			break;
		case 'f':
			forks = positive(optarg);
			break;
		case 'm':
			mmaps = positive(optarg);
			break;
		default:
			rounds = -1;
		}
		if (nr_steps <= 0 || rounds < 0 || forks < 0 || mmaps < 0) {
			fprintf(stderr, "usage: %s %s\n", argv[0], USAGE);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument %s\n", argv[0],
			argv[optind]);
		return 2;
	}

	/*
	 * The pud pages an audit visits per process depend on the pgd slots
	 * of the processes' mappings: the stack is in the last user slot, the
	 * mmap area (the 16 MiB buffer below) in that one or the one before,
	 * as ASLR draws it, boot by boot.  Run without ASLR, so that every
	 * boot of every kernel visits the same number.
	 */
	if (!(personality(0xffffffff) & ADDR_NO_RANDOMIZE)) {
		if (personality(ADDR_NO_RANDOMIZE) == -1)
			fail("personality", errno);
		execv("/proc/self/exe", argv);
		fail("execv /proc/self/exe", errno);
	}

	buf = malloc(BUF_MAX + 2);
	procs = calloc(steps[nr_steps - 1] + 1, sizeof(*procs));
	if (!buf || !procs)
		fail("malloc", ENOMEM);
	buf[0] = '\n';
	printf("bench-start: steps=%d rounds=%d forks=%d mmaps=%d\n", nr_steps,
	       rounds, forks, mmaps);
	printf("bench-layout: buf_pgd_slot=%lu stack_pgd_slot=%lu\n",
	       (unsigned long)buf >> 39, (unsigned long)&opt >> 39);

	for (i = 0; i < nr_steps; i++) {
		spawn_to(steps[i]);
		for (r = 0; r <= rounds; r++)
			audit_round(nr_procs, r);
	}
	reap_all();

	/* Alternate, so that both loops see the same drift. */
	for (r = 1; r <= rounds; r++) {
		fork_round(r, forks);
		mmap_round(r, mmaps);
	}
	printf("bench-done\n");
	return 0;
}
