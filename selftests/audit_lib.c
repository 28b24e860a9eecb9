// SPDX-License-Identifier: GPL-2.0
/* Reading /sys/kernel/debug/xen_mmu_audit, for the kselftests. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_lib.h"

const char *const kinds[NR_KINDS] = {
	"writable_pt", "pin_mismatch", "ro_leak", "initial_pt",
};

long long key_value(const char *text, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%s: ", key);
	p = strstr(text, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

/* Read and parse one audit; 0, or -errno / -EPROTO for a bad format. */
int audit_read(struct audit *a)
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

void audit_free(struct audit *a)
{
	free(a->text);
	a->text = NULL;
}

/*
 * Read an audit if there is one to read: 0, 1 if the test must be skipped
 * (*why says why), or -errno.
 */
int audit_here(struct audit *a, const char **why)
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

int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : (n < 0 ? -errno : -EIO);
}

