/* SPDX-License-Identifier: GPL-2.0 */
/* Reading /sys/kernel/debug/xen_mmu_audit, for the kselftests. */
#ifndef XEN_MMU_AUDIT_LIB_H
#define XEN_MMU_AUDIT_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The report: mode 0400, every open for reading runs an audit. */
#define AUDIT_FILE	"/sys/kernel/debug/xen_mmu_audit"
/* The commands "limit=N" and "verbose=0|1": mode 0200, one per write(). */
#define CONTROL_FILE	"/sys/kernel/debug/xen_mmu_audit_control"
#define PARAM_DIR	"/sys/module/xen_mmu_audit/parameters/"
#define PLANT_PARAM	PARAM_DIR "plant"
/* The same settings as the commands, for a kernel under lockdown. */
#define LIMIT_PARAM	PARAM_DIR "limit"
#define VERBOSE_PARAM	PARAM_DIR "verbose"
#define AUDIT_MAX	(1024 * 1024)
#define LIMIT_MAX	4096

#define NR_KINDS	4

extern const char *const kinds[NR_KINDS];

struct audit {
	char *text;		/* "\n", the report, NUL: see key_value() */
	size_t len;		/* of the report, without the newline before */
	int version;
	char mode[32];
	bool audited;
	long long violations[NR_KINDS];
	long long total;
	long long mms_audited;
	long long mms_unowned;
	long long passes;
	long long unconfirmed;
	long long initial_pt_frames;
	/* Newer keys: -1 where the module does not print them. */
	long long unplaced_pt;
	long long ram_pfns;
	long long memory_bytes;
	long long limit;
	long long verbose;
	int findings_listed;
	int finding_lines;
	int initial_pt_frame_lines;
};

/* The module's settings, as its parameters give them. */
struct settings {
	long long limit;
	long long verbose;
	long long plant;
};

long long key_value(const char *text, const char *key);
int report_check(const char *buf, size_t len, const char **why);
int audit_parse(struct audit *a, const char *buf, size_t len);
int audit_read(struct audit *a);
void audit_free(struct audit *a);
int audit_here(struct audit *a, const char **why);
int write_file(const char *path, const char *s);
bool syscall_missing(int err);
ssize_t write_once(const char *path, const void *buf, size_t len);
ssize_t read_file(const char *path, char *buf, size_t size);
int param_read(const char *path, long long *val);
int settings_get(struct settings *s);
int settings_set(const struct settings *s);
bool settings_equal(const struct settings *a, const struct settings *b);

#endif
