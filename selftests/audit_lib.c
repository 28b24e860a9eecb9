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

/* The decimal value of "\n<key>: <value>\n" in @text, or -1. */
long long key_value(const char *text, const char *key)
{
	char pat[64], *end;
	const char *p;
	long long v;

	snprintf(pat, sizeof(pat), "\n%s: ", key);
	p = strstr(text, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	v = strtoll(p, &end, 10);
	return errno || *end != '\n' ? -1 : v;
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

/*
 * Is @buf (@len bytes) a well-formed report: the format line first, then
 * only "key: value" lines, each ended by a newline, no NUL and no other
 * control character?  0, or -EPROTO and *@why says what is wrong.
 */
int report_check(const char *buf, size_t len, const char **why)
{
	static const char first[] = "xen_mmu_audit-format: ";
	size_t i = 0, key;

	if (!len || buf[len - 1] != '\n') {
		*why = "empty, or no newline at the end";
		return -EPROTO;
	}
	if (len < sizeof(first) || memcmp(buf, first, sizeof(first) - 1)) {
		*why = "not the format line first";
		return -EPROTO;
	}
	while (i < len) {
		for (key = i; i < len && key_char(buf[i]); i++)
			;
		if (i == key || len - i < 3 || buf[i] != ':' ||
		    buf[i + 1] != ' ' || buf[i + 2] == '\n') {
			*why = "a line that is no \"key: value\"";
			return -EPROTO;
		}
		for (i += 2; buf[i] != '\n'; i++) {
			unsigned char c = buf[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f) {
				*why = "a control character or a NUL";
				return -EPROTO;
			}
		}
		i++;
	}
	return 0;
}

static int count_lines(const char *text, const char *key)
{
	char pat[64];
	const char *p;
	int n = 0;

	snprintf(pat, sizeof(pat), "\n%s: ", key);
	for (p = text; (p = strstr(p, pat)); p++)
		n++;
	return n;
}

/* Parse a->text (a->len bytes after its leading newline). */
static int parse_text(struct audit *a)
{
	const char *p, *why;
	unsigned int i;

	a->text[1 + a->len] = '\0';
	if (report_check(a->text + 1, a->len, &why))
		return -EPROTO;
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
	a->mms_unowned = key_value(a->text, "mms_unowned");
	a->passes = key_value(a->text, "passes");
	a->unconfirmed = key_value(a->text, "unconfirmed");
	a->initial_pt_frames = key_value(a->text, "initial_pt_frames");
	a->unplaced_pt = key_value(a->text, "unplaced_pt");
	a->ram_pfns = key_value(a->text, "ram_pfns");
	a->memory_bytes = key_value(a->text, "memory_bytes");
	a->limit = key_value(a->text, "limit");
	a->verbose = key_value(a->text, "verbose");
	a->findings_listed = key_value(a->text, "findings_listed");
	a->finding_lines = count_lines(a->text, "finding");
	a->initial_pt_frame_lines = count_lines(a->text, "initial_pt_frame");
	if (a->total < 0 || a->mms_audited < 0 || a->mms_unowned < 0 ||
	    a->passes < 0 || a->unconfirmed < 0 || a->initial_pt_frames < 0 ||
	    a->limit < 0 || a->verbose < 0 || a->findings_listed < 0)
		return -EPROTO;
	return 0;
}

/* Parse a copy of the @len bytes of report at @buf: 0 or -errno. */
int audit_parse(struct audit *a, const char *buf, size_t len)
{
	memset(a, 0, sizeof(*a));
	a->text = malloc(len + 2);
	if (!a->text)
		return -ENOMEM;
	a->text[0] = '\n';	/* every key follows a newline */
	memcpy(a->text + 1, buf, len);
	a->len = len;
	return parse_text(a);
}

/* Read and parse one audit; 0, or -errno / -EPROTO for a bad format. */
int audit_read(struct audit *a)
{
	ssize_t n;
	int fd;

	memset(a, 0, sizeof(*a));
	a->text = calloc(1, AUDIT_MAX + 2);
	if (!a->text)
		return -ENOMEM;
	a->text[0] = '\n';
	fd = open(AUDIT_FILE, O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, a->text + 1 + a->len, AUDIT_MAX - a->len)) > 0)
		a->len += n;
	close(fd);
	if (n < 0)
		return -errno;
	if (a->len == AUDIT_MAX)
		return -EFBIG;
	return parse_text(a);
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

/* One open, one write(2) of @len bytes: what write returned, or -errno. */
ssize_t write_once(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

/* Write @s in one write(2): 0, -EIO for a short write, or -errno. */
int write_file(const char *path, const char *s)
{
	ssize_t n = write_once(path, s, strlen(s));

	return n == (ssize_t)strlen(s) ? 0 : (n < 0 ? n : -EIO);
}

/* Read @path, NUL-terminated, into @buf: its length, or -errno. */
ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	if (n < 0)
		n = -errno;
	close(fd);
	buf[len] = '\0';
	return n < 0 ? n : (ssize_t)len;
}

/* A parameter that reads as "N\n": 0 and *@val, -EPROTO or -errno. */
int param_read(const char *path, long long *val)
{
	char buf[32], *end;
	ssize_t n = read_file(path, buf, sizeof(buf));

	if (n < 0)
		return n;
	if (buf[0] < '0' || buf[0] > '9')
		return -EPROTO;
	errno = 0;
	*val = strtoll(buf, &end, 10);
	return errno || strcmp(end, "\n") ? -EPROTO : 0;
}

/*
 * The settings, from the module parameters (from a report if the module
 * has no limit and verbose parameters): 0 or -errno.
 */
int settings_get(struct settings *s)
{
	struct audit a;
	int ret;

	ret = param_read(PLANT_PARAM, &s->plant);
	if (ret)
		return ret;
	ret = param_read(LIMIT_PARAM, &s->limit);
	if (!ret)
		ret = param_read(VERBOSE_PARAM, &s->verbose);
	if (ret != -ENOENT)
		return ret;
	ret = audit_read(&a);
	s->limit = a.limit;
	s->verbose = a.verbose;
	audit_free(&a);
	return ret;
}

/* Set all three: 0 or the first error. */
int settings_set(const struct settings *s)
{
	char v[32];
	int ret, err = 0;

	snprintf(v, sizeof(v), "%lld", s->limit);
	ret = write_file(LIMIT_PARAM, v);
	if (ret == -ENOENT) {
		snprintf(v, sizeof(v), "limit=%lld", s->limit);
		ret = write_file(CONTROL_FILE, v);
	}
	err = ret;
	snprintf(v, sizeof(v), "%lld", s->verbose);
	ret = write_file(VERBOSE_PARAM, v);
	if (ret == -ENOENT) {
		snprintf(v, sizeof(v), "verbose=%lld", s->verbose);
		ret = write_file(CONTROL_FILE, v);
	}
	err = err ?: ret;
	snprintf(v, sizeof(v), "%lld", s->plant);
	ret = write_file(PLANT_PARAM, v);
	return err ?: ret;
}

bool settings_equal(const struct settings *a, const struct settings *b)
{
	return a->limit == b->limit && a->verbose == b->verbose &&
	       a->plant == b->plant;
}

/*
 * Whether @err (an errno) is what the kernel answers to a system call it
 * was built without: the errno of syscall -1, which no kernel has.
 */
bool syscall_missing(int err)
{
	return syscall(-1) < 0 && err == errno;
}
