// SPDX-License-Identifier: GPL-2.0
/*
 * The report: /sys/kernel/debug/xen_mmu_audit, read-only (0400, so that
 * debugfs serves it under lockdown too).  Every open for reading runs a
 * fresh audit; reads print it (format in README, version first).
 *
 * The settings: "limit" (findings listed, 0..XMA_MAX_FINDINGS, in decimal
 * as written) and "verbose" (0..3; 1 also lists Xen's initial pagetable
 * frames, 2 also every page the audit classified: listing.c, 3 also the
 * p2m), as module parameters, and as the commands "limit=N" and
 * "verbose=N" written to /sys/kernel/debug/xen_mmu_audit_control (one
 * per write; which debugfs refuses under lockdown).  Anything else is
 * refused with -EINVAL and changes nothing.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>
#include <asm/xen/page.h>
#include "xen_mmu_audit.h"

#define XMA_CMD_MAX	32
#define XMA_VERBOSE_MAX	3

static struct dentry *xma_file, *xma_control;
static DEFINE_MUTEX(xma_settings_lock);
static unsigned int xma_limit = 100;
/* An unsigned int (0..XMA_VERBOSE_MAX), for param_get_uint(). */
static unsigned int xma_verbose;

static const char * const level_names[] = {
	[XMA_LVL_PGD] = "pgd",
	[XMA_LVL_USER_PGD] = "user_pgd",
	[XMA_LVL_P4D] = "p4d",
	[XMA_LVL_PUD] = "pud",
	[XMA_LVL_PMD] = "pmd",
	[XMA_LVL_PTE] = "pte",
	[XMA_LVL_NONE] = "none",
};

static const char * const kind_names[] = {
	[XMA_WRITABLE_PT] = "writable_pt",
	[XMA_PIN_MISMATCH] = "pin_mismatch",
	[XMA_RO_LEAK] = "ro_leak",
	[XMA_INITIAL_PT] = "initial_pt",
	[XMA_UNPLACED_PT] = "unplaced_pt",
};

const char *xma_level_name(enum xma_level level)
{
	return level_names[level];
}

const char *xma_kind_name(enum xma_kind kind)
{
	return kind_names[kind];
}

/*
 * A decimal number as README writes one: digits only, no sign, no
 * leading zero (but "0" itself), at most @max (which must stay well
 * below ULONG_MAX / 10: v cannot wrap then); 0 and *@val, or -EINVAL.
 */
static int parse_decimal(const char *s, unsigned int max, unsigned int *val)
{
	unsigned long v = 0;
	const char *p;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (*p - '0');
		if (v > max)
			return -EINVAL;
	}
	*val = v;
	return 0;
}

/*
 * Parse one command, exactly one of the documented forms "limit=N"
 * (0..XMA_MAX_FINDINGS) and "verbose=N" (0..XMA_VERBOSE_MAX); 0 and the
 * new settings, or -EINVAL.
 */
static int parse_command(const char *cmd, unsigned int *limit,
			 unsigned int *verbose)
{
	if (!strncmp(cmd, "limit=", 6))
		return parse_decimal(cmd + 6, XMA_MAX_FINDINGS, limit);
	if (!strncmp(cmd, "verbose=", 8))
		return parse_decimal(cmd + 8, XMA_VERBOSE_MAX, verbose);
	return -EINVAL;
}

/*
 * @len bytes of @buf (which may be @out), one optional newline at the end
 * and no NUL, as a string in @out (XMA_CMD_MAX + 1 bytes); 0 or -EINVAL.
 */
static int command_string(const char *buf, size_t len, char *out)
{
	if (len == 0 || len > XMA_CMD_MAX)
		return -EINVAL;
	memmove(out, buf, len);
	if (out[len - 1] == '\n')
		len--;
	if (memchr(out, '\0', len))
		return -EINVAL;
	out[len] = '\0';
	return 0;
}

/* Apply "limit=N" or "verbose=N", all or nothing. */
static int apply_command(const char *cmd)
{
	unsigned int limit, verbose;
	int ret;

	mutex_lock(&xma_settings_lock);
	limit = xma_limit;
	verbose = xma_verbose;
	ret = parse_command(cmd, &limit, &verbose);
	if (!ret) {
		xma_limit = limit;
		xma_verbose = verbose;
	}
	mutex_unlock(&xma_settings_lock);
	return ret;
}

/*
 * The module parameters: sysfs hands over a C string (what follows a NUL
 * is not seen), and the same rules apply to it as to a command.
 */
static int param_set_setting(const char *val, const struct kernel_param *kp)
{
	char cmd[XMA_CMD_MAX + 1];
	int n;

	n = snprintf(cmd, sizeof(cmd), "%s=%s",
		     kp->arg == &xma_limit ? "limit" : "verbose", val);
	if (n >= sizeof(cmd))
		return -EINVAL;
	return command_string(cmd, n, cmd) ?: apply_command(cmd);
}

/* The kernel's own getter: its newline is the kernel's business. */
static const struct kernel_param_ops setting_ops = {
	.set = param_set_setting,
	.get = param_get_uint,
};
module_param_cb(limit, &setting_ops, &xma_limit, 0644);
MODULE_PARM_DESC(limit, "findings the report lists, 0..4096 (default 100)");
module_param_cb(verbose, &setting_ops, &xma_verbose, 0644);
MODULE_PARM_DESC(verbose, "1: the report lists Xen's initial pagetable frames, 2: and every page classified, 3: and the p2m");

struct xma_open {
	struct xma_result res;
	unsigned int limit;
	unsigned int verbose;
};

static void show_initial_pt_frames(struct seq_file *m, struct xma_result *r)
{
	const struct xma_initial_pt *ipt = &r->pass.initial_pt;
	unsigned long i;
	bool writable;

	for (i = 0; i < ipt->frames; i++) {
		unsigned long pfn = ipt->first_pfn + i;
		const char *fate = "unmapped";

		if (test_bit(i, r->initial_in_use))
			fate = "pagetable";
		else if (xma_linear_pte(pfn, &writable))
			fate = writable ? "writable" : "read-only";
		seq_printf(m, "initial_pt_frame: pfn=0x%lx mfn=0x%lx %s\n",
			   pfn, pfn_to_mfn(pfn), fate);
	}
}

static void show_owner(struct seq_file *m, const struct xma_owner *o)
{
	if (o->pid)
		seq_printf(m, "%d:%s", o->pid, o->comm);
	else
		seq_puts(m, o->comm[0] ? o->comm : "-");
}

/*
 * verbose=2: "list_pt:" per pagetable page (links: met so many times in
 * a row by the walk; tree: init_mm, poking_mm, p2m, unowned, or the owning
 * process as pid:comm, last on the line since a comm may hold spaces),
 * "list_ro:" and "list_unmapped:" per run of pfns; with verbose=3,
 * "list_p2m:" too (with its first frame: a restored domU's p2m is a run
 * per pfn).
 */
static void show_listing(struct seq_file *m, const struct xma_listing *l,
			 bool p2m)
{
	unsigned int i;

	seq_printf(m, "listing: tables=%u runs=%u lost=%u xen_pt_levels=%u\n",
		   l->nr_tables, l->nr_runs, l->lost_tables + l->lost_runs,
		   xma_xen_pt_level(XMA_LVL_PGD));
	for (i = 0; i < l->nr_tables; i++) {
		const struct xma_listed_table *t = &l->tables[i];

		seq_printf(m, "list_pt: pfn=0x%lx mfn=0x%lx level=%s xen_type=L%u pinned=%d links=%u tree=",
			   t->pfn, pfn_to_mfn(t->pfn), level_names[t->level],
			   xma_xen_pt_level(t->level), t->pinned, t->links);
		show_owner(m, &t->owner);
		seq_putc(m, '\n');
	}
	for (i = 0; i < l->nr_runs; i++) {
		const struct xma_listed_run *r = &l->runs[i];

		if (r->ro)
			seq_printf(m, "list_ro: pfns=0x%lx-0x%lx reason=%s\n",
				   r->first, r->last, r->what);
		else if (!strcmp(r->what, "p2m") && p2m)
			seq_printf(m, "list_p2m: pfns=0x%lx-0x%lx mfn=0x%lx\n",
				   r->first, r->last, r->mfn);
		else if (strcmp(r->what, "p2m"))
			seq_printf(m, "list_%s: pfns=0x%lx-0x%lx\n", r->what,
				   r->first, r->last);
	}
	/* Where the listing ends: a cut-short read lacks this line. */
	seq_printf(m, "listing_end: tables=%u runs=%u\n", l->nr_tables,
		   l->nr_runs);
}

static int xma_show(struct seq_file *m, void *v)
{
	struct xma_open *o = m->private;
	struct xma_result *r = &o->res;
	struct xma_pass *p = &r->pass;
	unsigned int i, listed;
	u64 total = 0;

	seq_printf(m, "xen_mmu_audit-format: %d\n", XMA_FORMAT_VERSION);
	seq_printf(m, "mode: %s\n", r->mode);
	if (!r->audited) {
		seq_puts(m, "audited: no\n");
		seq_puts(m, "reason: not a Xen PV guest: no pagetable protections to judge\n");
		return 0;
	}
	for (i = 0; i < XMA_NR_KINDS; i++)
		total += r->violations[i];
	seq_puts(m, "audited: yes\n");
	seq_printf(m, "result: %s\n", total ? "violations" : "clean");
	for (i = 0; i < XMA_NR_LEVELS; i++)
		seq_printf(m, "visited_%s: %llu\n", level_names[i],
			   p->visited[i]);
	seq_printf(m, "kernel_tables: %llu\n", p->kernel_tables);
	for (i = 0; i < XMA_NR_KINDS; i++)
		seq_printf(m, "violations_%s: %llu\n", kind_names[i],
			   r->violations[i]);
	seq_printf(m, "violations_total: %llu\n", total);
	seq_printf(m, "not_audited: %u\n", xma_kernel.nr_missing);
	for (i = 0; i < xma_kernel.nr_missing; i++)
		seq_printf(m, "not_audited_tree: %s reason=%s\n",
			   xma_kernel.missing[i], xma_kernel.missing_why[i]);
	seq_printf(m, "mms_audited: %u\n", p->mms_audited);
	seq_printf(m, "mms_skipped: %u\n", p->mms_skipped);
	seq_printf(m, "mms_unowned: %u\n", p->mms_unowned);
	seq_printf(m, "ldt_copies: %u\n", p->ldt_copies);
	seq_printf(m, "initial_pt_frames: %u\n", p->initial_pt.frames);
	seq_printf(m, "initial_pt_in_use: %u\n", p->initial_pt.in_use);
	seq_printf(m, "initial_pt_released: %u\n", p->initial_pt.released);
	seq_printf(m, "initial_pt_stranded: %u\n", p->initial_pt.stranded);
	seq_printf(m, "initial_pt_unmapped: %u\n", p->initial_pt.unmapped);
	seq_printf(m, "passes: %u\n", r->passes);
	seq_printf(m, "unconfirmed: %u\n", r->unconfirmed);
	seq_printf(m, "raced: %u\n", p->raced);
	seq_printf(m, "pt_in_flight: %u\n", p->pt_in_flight);
	seq_printf(m, "unplaced_pt: %u\n", r->unplaced);
	seq_printf(m, "pt_uncovered: %u\n", p->pt_uncovered);
	seq_printf(m, "ram_pfns: %lu\n", r->ram_pfns);
	seq_printf(m, "p2m_pfns: %lu\n", (unsigned long)xma_p2m_size());
	seq_printf(m, "memory_bytes: %lu\n", r->memory_bytes);
	seq_printf(m, "findings_lost: %u\n", p->lost_findings);
	seq_printf(m, "audit_ns: %llu\n", r->duration_ns);
	seq_printf(m, "pass_ns: %llu\n", p->duration_ns);

	seq_printf(m, "limit: %u\n", o->limit);
	seq_printf(m, "verbose: %d\n", o->verbose);
	listed = min(o->limit, p->nr_findings);
	seq_printf(m, "findings_listed: %u\n", listed);
	for (i = 0; i < listed; i++) {
		struct xma_finding *f = &p->findings[i];

		seq_printf(m, "finding: kind=%s level=%s pfn=0x%lx mfn=0x%lx owner=",
			   kind_names[f->kind], level_names[f->level], f->pfn,
			   f->mfn);
		show_owner(m, &f->owner);
		seq_printf(m, " flags=" XMA_PAGE_FLAGS_FMT " reason=%s\n",
			   xma_page_flags_arg(&f->page_flags), f->reason);
	}
	if (o->verbose)
		show_initial_pt_frames(m, r);
	if (r->listing)
		show_listing(m, r->listing, o->verbose >= 3);
	return 0;
}

static int xma_open(struct inode *inode, struct file *file)
{
	struct xma_open *o;
	int ret;

	/* A write-only open gives a command: no audit needed. */
	if (!(file->f_mode & FMODE_READ))
		return 0;

	o = kzalloc_obj(*o);
	if (!o)
		return -ENOMEM;
	mutex_lock(&xma_settings_lock);
	o->limit = xma_limit;
	o->verbose = xma_verbose;
	mutex_unlock(&xma_settings_lock);

	if (xen_pv_domain()) {
		ret = xma_audit(&o->res, o->verbose >= 2);
	} else {
		o->res.mode = xen_domain() ? "xen-hvm" : "native";
		ret = 0;
	}
	if (!ret)
		ret = single_open(file, xma_show, o);
	if (ret) {
		xma_result_free(&o->res);
		kfree(o);
	}
	return ret;
}

static int xma_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct xma_open *o;

	if (!(file->f_mode & FMODE_READ))
		return 0;
	o = m->private;
	xma_result_free(&o->res);
	kfree(o);
	return single_release(inode, file);
}

/* The control file: one command per write(). */
static ssize_t xma_control_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char buf[XMA_CMD_MAX], cmd[XMA_CMD_MAX + 1];
	int ret;

	if (len == 0 || len > XMA_CMD_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	ret = command_string(buf, len, cmd) ?: apply_command(cmd);
	return ret ? ret : len;
}

/*
 * Only a reader has a seq_file (xma_open()): seq_lseek() on a write-only
 * open would follow a NULL private_data.
 */
static loff_t xma_llseek(struct file *file, loff_t offset, int whence)
{
	if (!(file->f_mode & FMODE_READ))
		return -ESPIPE;
	return seq_lseek(file, offset, whence);
}

static const struct file_operations xma_fops = {
	.owner = THIS_MODULE,
	.open = xma_open,
	.read = seq_read,
	.llseek = xma_llseek,
	.release = xma_release,
};

static const struct file_operations xma_control_fops = {
	.owner = THIS_MODULE,
	/* No position: lseek gives -ESPIPE. */
	.open = nonseekable_open,
	.write = xma_control_write,
};

/* Older kernels return NULL on failure, newer ones an error. */
static int debugfs_error(struct dentry *d)
{
	if (!IS_ERR_OR_NULL(d))
		return 0;
	return d ? PTR_ERR(d) : -ENOMEM;
}

int xma_report_init(void)
{
	int ret;

	/* Root only.  Lockdown refuses debugfs files with write bits. */
	xma_file = debugfs_create_file("xen_mmu_audit", 0400, NULL, NULL,
				       &xma_fops);
	ret = debugfs_error(xma_file);
	if (ret)
		return ret;
	xma_control = debugfs_create_file("xen_mmu_audit_control", 0200, NULL,
					  NULL, &xma_control_fops);
	ret = debugfs_error(xma_control);
	if (ret)
		debugfs_remove(xma_file);
	return ret;
}

void xma_report_exit(void)
{
	debugfs_remove(xma_control);
	debugfs_remove(xma_file);
}
