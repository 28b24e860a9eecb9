/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storm: processes that fork, exec, exit, spawn threads and churn
 * mappings, so that pagetables are built and torn down all the time, and
 * threads that audit meanwhile.
 */
#ifndef XEN_MMU_AUDIT_STORM_H
#define XEN_MMU_AUDIT_STORM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#define STORM_WORKERS	5

/* Give this process a one-entry LDT: 0 or -errno. */
int install_ldt(void);
/* Is -@err install_ldt()'s answer on a kernel without modify_ldt? */
bool ldt_unsupported(int err);

/* Set to stop the auditors. */
extern atomic_bool storm_over;

/*
 * Fork the workers; one execs this program (see storm_exec_target).  0, or
 * -errno with none of them left running.
 */
int storm_start(pid_t pids[STORM_WORKERS]);
/* Stop and reap them: how many did not exit cleanly. */
int storm_stop(pid_t pids[STORM_WORKERS]);
/* main() calls this first: true if this process is the storm's exec. */
bool storm_exec_target(int argc, char **argv);

struct auditor {
	int target;		/* audits to run, 0: until storm_over */
	int audits;
	int bad;		/* audits with findings or errors */
	char *first_bad;	/* the first such audit */
};

/* Start @n auditors of @target audits each: how many started. */
int auditors_start(pthread_t *t, struct auditor *au, int n, int target);
/*
 * Join @n started auditors, adding up their audits and bad ones: the first
 * bad audit's text (for the caller to free), or NULL.
 */
char *auditors_join(pthread_t *t, struct auditor *au, int n, int *audits,
		    int *bad);

#endif
