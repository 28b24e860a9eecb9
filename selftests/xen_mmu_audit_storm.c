// SPDX-License-Identifier: GPL-2.0
/*
 * The kselftest's fork/exec/thread/mmap storm on its own, with no audit and
 * no module: when a kernel crashes under the kselftest, a boot that runs
 * this instead (scripts/guest-init.sh, xma.mode=storm) tells whether the
 * kernel falls over by itself or only with the audit walking beside it.
 *
 *   xen_mmu_audit_storm [SECONDS]      (default 60)
 *
 * Prints "storm: ran S s, unclean workers: U" and exits 0 if every worker
 * exited cleanly, 1 otherwise, 2 on bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "storm.h"

int main(int argc, char **argv)
{
	pid_t workers[STORM_WORKERS] = { 0 };
	unsigned long seconds = 60;
	char *end;
	int unclean;

	if (storm_exec_target(argc, argv))
		return 0;
	if (argc > 2) {
		fprintf(stderr, "usage: %s [SECONDS]\n", argv[0]);
		return 2;
	}
	if (argc == 2) {
		seconds = strtoul(argv[1], &end, 10);
		if (*argv[1] == '\0' || *end || !seconds || seconds > 86400) {
			fprintf(stderr, "%s: SECONDS must be 1..86400, not '%s'\n",
				argv[0], argv[1]);
			return 2;
		}
	}
	if (storm_start(workers)) {
		perror("storm: fork");
		storm_stop(workers);
		return 1;
	}
	sleep(seconds);
	unclean = storm_stop(workers);
	printf("storm: ran %lu s, unclean workers: %d\n", seconds, unclean);
	return unclean ? 1 : 0;
}
