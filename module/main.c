// SPDX-License-Identifier: GPL-2.0
/*
 * xen_mmu_audit: audit, at run time, that every pagetable page of a Xen PV
 * guest is protected and flagged the way Xen and the pv-mmu code need,
 * and that no page is read-only without a reason.  Reports in
 * /sys/kernel/debug/xen_mmu_audit.  It never writes a pagetable.
 */
#include <linux/module.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <xen/xen.h>
#include "xen_mmu_audit.h"

/*
 * init_mm, text_poke_mm, pgd_list and p2m.c's spare pte pages are not
 * exported; kallsyms_lookup_name() finds them (compat.h finds it).
 */
static unsigned long (*lookup_symbol)(const char *name);

/*
 * The pmd entry of @va in the tree of @pgd (kernel addresses, tables in
 * lowmem), or the pud entry where there is no pmd.  A table that is no
 * page of ours is not followed: @pgd may be a wrong guess.
 */
static u64 kernel_pmd_val(pgd_t *pgd, unsigned long va)
{
	p4d_t *p4d = p4d_offset(pgd + pgd_index(va), va);
	pud_t *pud;

	if (p4d_none(*p4d) ||
	    (PTRS_PER_PUD > 1 && !pfn_valid(p4d_pfn(*p4d))))
		return 0;
	pud = pud_offset(p4d, va);
	if (pud_none(*pud) || pud_leaf(*pud) || !pfn_valid(pud_pfn(*pud)))
		return native_pud_val(*pud);
	return native_pmd_val(*pmd_offset(pud, va));
}

/*
 * The kernel part of our own tree maps what init_mm's does: its pmd
 * entries match (x86_32 PAE under Xen gives each pgd its own copy of the
 * kernel's pmd pages, so the pgd entries do not).
 */
static bool plausible_init_mm(struct mm_struct *mm)
{
	pgd_t *ours = current->active_mm->pgd;
	/* The linear map, and the kernel image (where jiffies lives). */
	unsigned long va[] = { PAGE_OFFSET, (unsigned long)&jiffies };
	unsigned int i;

	if (!mm || !mm->pgd || !IS_ALIGNED((unsigned long)mm->pgd, PAGE_SIZE))
		return false;
	for (i = 0; i < ARRAY_SIZE(va); i++)
		if (!kernel_pmd_val(mm->pgd, va[i]) ||
		    kernel_pmd_val(mm->pgd, va[i]) != kernel_pmd_val(ours, va[i]))
			return false;
	return true;
}

struct xma_kernel_tables xma_kernel;

/* Record that @what, which this kernel should have, was not found. */
static void note_missing(const char *what, const char *why)
{
	if (xma_kernel.nr_missing == XMA_MAX_MISSING)
		return;
	xma_kernel.missing[xma_kernel.nr_missing] = what;
	xma_kernel.missing_why[xma_kernel.nr_missing++] = why;
	pr_warn("xen_mmu_audit: %s not found (%s): it is not audited\n",
		what, why);
}

/*
 * Negative control: a symbol to take as not found, so that a test can
 * see the report of a tree that was not audited.
 */
static char *forget;
module_param(forget, charp, 0444);
MODULE_PARM_DESC(forget, "negative control: treat this symbol as not found");

static unsigned long lookup_extra(const char *name)
{
	if (forget && !strcmp(forget, name))
		return 0;
	return lookup_symbol(name);
}

/* Symbols of @names in turn: the first one found, else 0. */
static unsigned long lookup_any(const char *const *names, unsigned int nr)
{
	unsigned long addr = 0;
	unsigned int i;

	for (i = 0; i < nr && !addr; i++)
		addr = lookup_extra(names[i]);
	return addr;
}

/*
 * The trees and lists beside init_mm.  Where the kernel is known to have
 * one (compat.h), not finding it is reported, never skipped in silence.
 */
static void find_kernel_extras(void)
{
	static const char *const poke_names[] = { "text_poke_mm", "poking_mm" };

	xma_kernel.poking_mm = (void *)lookup_any(poke_names,
						  ARRAY_SIZE(poke_names));
	if (XMA_HAS_TEXT_POKE_MM && !xma_kernel.poking_mm)
		note_missing("text_poke_mm", "no symbol text_poke_mm or poking_mm");
	xma_kernel.p2m_template_pte[0] =
		(void *)lookup_extra("p2m_missing_pte");
	xma_kernel.p2m_template_pte[1] =
		(void *)lookup_extra("p2m_identity_pte");
	if (XMA_HAS_P2M_SPARE_PTES && (!xma_kernel.p2m_template_pte[0] ||
				       !xma_kernel.p2m_template_pte[1]))
		note_missing("p2m_spare_ptes",
			     "no symbol p2m_missing_pte or p2m_identity_pte");
	xma_kernel.pgd_list = (void *)lookup_extra("pgd_list");
	xma_kernel.pgd_lock = (void *)lookup_extra("pgd_lock");
	if (!xma_kernel.pgd_list || !xma_kernel.pgd_lock)
		note_missing("pgd_list", "no symbol pgd_list or pgd_lock");
	/* Without them: bitmaps for the p2m's size, no hot-remove held off. */
	xma_kernel.max_pfn = (void *)lookup_extra("max_pfn");
	if (!xma_kernel.max_pfn)
		pr_warn("xen_mmu_audit: no max_pfn: bitmaps sized by the p2m\n");
	xma_kernel.get_online_mems = (void *)lookup_extra("get_online_mems");
	xma_kernel.put_online_mems = (void *)lookup_extra("put_online_mems");
	if (!xma_kernel.get_online_mems || !xma_kernel.put_online_mems) {
		xma_kernel.get_online_mems = NULL;
		xma_kernel.put_online_mems = NULL;
	}
	xma_kernel.image_ro_start = (void *)lookup_extra("_text");
	xma_kernel.image_ro_end = (void *)lookup_extra("__end_rodata");
	if (!xma_kernel.image_ro_start || !xma_kernel.image_ro_end)
		note_missing("kernel_image_ro",
			     "no symbol _text or __end_rodata");
}

/*
 * Module parameters are set before init runs: a "plant=N" given at load
 * is only recorded then, and made last (xma_plant_init()); every way out
 * of a failed init closes the plant (xma_plant_exit()).
 */
static int __init xma_init(void)
{
	int ret;

	if (xen_pv_domain()) {
		ret = xma_find_lookup(&lookup_symbol);
		if (ret) {
			pr_err("xen_mmu_audit: no kallsyms_lookup_name (needs %s): %d\n",
			       XMA_LOOKUP_NEEDS, ret);
			goto out_plant;
		}
		xma_kernel.init_mm = (void *)lookup_symbol("init_mm");
		find_kernel_extras();
		if (!plausible_init_mm(xma_kernel.init_mm)) {
			pr_err("xen_mmu_audit: cannot find init_mm (needs CONFIG_KALLSYMS_ALL)\n");
			ret = -ENODEV;
			goto out_plant;
		}
	} else {
		pr_info("xen_mmu_audit: not a Xen PV guest: nothing to audit\n");
	}
	ret = xma_audit_init();
	if (ret)
		goto out_plant;
	/* The report last: once it is there, a reader can hold the module. */
	ret = xma_plant_init();
	if (ret)
		goto out_audit;
	ret = xma_report_init();
	if (ret)
		goto out_audit;
	return 0;

out_audit:
	xma_audit_exit();
out_plant:
	xma_plant_exit();
	return ret;
}

static void __exit xma_exit(void)
{
	xma_report_exit();
	xma_audit_exit();
	xma_plant_exit();
}

module_init(xma_init);
module_exit(xma_exit);
MODULE_DESCRIPTION("Audit of pagetable-page protections in Xen PV guests");
/* As module/dkms.conf's PACKAGE_VERSION (test-dkms.sh checks). */
MODULE_VERSION("0.1");
MODULE_LICENSE("GPL");
