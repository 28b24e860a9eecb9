/* SPDX-License-Identifier: GPL-2.0 */
/* Reading /sys/kernel/debug/xen_mmu_audit, for the kselftests. */
#ifndef XEN_MMU_AUDIT_LIB_H
#define XEN_MMU_AUDIT_LIB_H

#include <stdbool.h>

#define AUDIT_FILE	"/sys/kernel/debug/xen_mmu_audit"
#define PLANT_PARAM	"/sys/module/xen_mmu_audit/parameters/plant"
#define AUDIT_MAX	(1024 * 1024)

#define NR_KINDS	4

extern const char *const kinds[NR_KINDS];

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

long long key_value(const char *text, const char *key);
int audit_read(struct audit *a);
void audit_free(struct audit *a);
int audit_here(struct audit *a, const char **why);
int write_file(const char *path, const char *s);

#endif
