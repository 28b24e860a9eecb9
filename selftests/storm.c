// SPDX-License-Identifier: GPL-2.0
/* The storm, see storm.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <asm/ldt.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "audit_lib.h"
#include "storm.h"

atomic_bool storm_over;

/* Set by SIGTERM in a worker. */
static atomic_bool worker_stop;

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

int install_ldt(void)
{
	struct user_desc d = {
		.entry_number = 0, .limit = 0xfffff, .seg_32bit = 1,
		.limit_in_pages = 1,
	};

	return syscall(SYS_modify_ldt, 1, &d, sizeof(d)) ? -errno : 0;
}

/*
 * A kernel without CONFIG_MODIFY_LDT_SYSCALL answers as to a syscall it
 * does not have: the errno of syscall -1, which no kernel has.
 */
bool ldt_unsupported(int err)
{
	return syscall(-1) < 0 && err == -errno;
}

static void fork_and_wait(const char *exe, bool with_ldt)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (exe)
			execl(exe, exe, "--exit", NULL);
		if (with_ldt)
			install_ldt();
		thread_churn(NULL);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void mapping_churn(void)
{
	size_t big = 64 << 20;
	char *p, *q;

	p = mmap(NULL, big, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	touch(p, big, 2 << 20);
	mprotect(p, big / 2, PROT_READ);
	munmap(p + big / 4, big / 4);
	mprotect(p, big / 4, PROT_READ | PROT_WRITE);
	touch(p, big / 4, 4096 * 16);
	/* Move the last quarter: its tables go, new ones come. */
	q = mremap(p + 3 * big / 4, big / 4, big / 2, MREMAP_MAYMOVE);
	if (q != MAP_FAILED) {
		touch(q, big / 2, 2 << 20);
		munmap(q, big / 2);
	} else {
		munmap(p + 3 * big / 4, big / 4);
	}
	munmap(p, big / 4);
}

/* A sparse 256 MiB mapping: one pte page per 2 MiB touched. */
static void huge_mapping(void)
{
	size_t huge = 256 << 20;
	char *p = mmap(NULL, huge, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return;
	touch(p, huge, 2 << 20);
	munmap(p, huge);
}

static void on_term(int sig)
{
	worker_stop = true;
}

static void worker(int kind, const char *exe)
{
	signal(SIGTERM, on_term);
	while (!worker_stop) {
		switch (kind) {
		case 0:
			fork_and_wait(exe, false);
			break;
		case 1:
			fork_and_wait(NULL, true);
			break;
		case 2: {
			pthread_t t[4];
			int i;

			for (i = 0; i < 4; i++)
				pthread_create(&t[i], NULL, thread_churn, NULL);
			for (i = 0; i < 4; i++)
				pthread_join(t[i], NULL);
			break;
		}
		case 3:
			mapping_churn();
			break;
		default:
			huge_mapping();
			break;
		}
	}
	_exit(0);
}

/*
 * Fork the workers.  If a fork fails, the workers already started are
 * stopped and reaped before the error is returned: none is orphaned, and
 * every pid is 0 again.
 */
int storm_start(pid_t pids[STORM_WORKERS])
{
	char exe[4096];
	ssize_t n;
	int i, err;

	for (i = 0; i < STORM_WORKERS; i++)
		pids[i] = 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	exe[n] = '\0';
	storm_over = false;
	for (i = 0; i < STORM_WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			err = -errno;
			pids[i] = 0;
			storm_stop(pids);
			return err;
		}
		if (pids[i] == 0)
			worker(i, exe);
	}
	return 0;
}

/* Stop and reap the workers started (pid > 0); their pids become 0. */
int storm_stop(pid_t pids[STORM_WORKERS])
{
	int i, status, unclean = 0;

	storm_over = true;
	for (i = 0; i < STORM_WORKERS; i++) {
		if (pids[i] <= 0)
			continue;
		kill(pids[i], SIGTERM);
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			unclean++;
		pids[i] = 0;
	}
	return unclean;
}

bool storm_exec_target(int argc, char **argv)
{
	return argc > 1 && !strcmp(argv[1], "--exit");
}

static void *auditor_run(void *arg)
{
	struct auditor *au = arg;

	while (au->target ? au->audits < au->target : !storm_over) {
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

int auditors_start(pthread_t *t, struct auditor *au, int n, int target)
{
	int i, started = 0;

	for (i = 0; i < n; i++) {
		au[i].target = target;
		if (!pthread_create(&t[started], NULL, auditor_run, &au[started]))
			started++;
	}
	return started;
}

char *auditors_join(pthread_t *t, struct auditor *au, int n, int *audits,
		    int *bad)
{
	char *first_bad = NULL;
	int i;

	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		*audits += au[i].audits;
		*bad += au[i].bad;
		if (!first_bad)
			first_bad = au[i].first_bad;
		else
			free(au[i].first_bad);
	}
	return first_bad;
}
