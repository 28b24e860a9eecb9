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
#include <xen/xen.h>
#include "xen_mmu_audit.h"

/*
 * init_mm, poking_mm, pgd_list and p2m.c's spare pte pages are not
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

static int __init xma_init(void)
{
	int ret;

	if (xen_pv_domain()) {
		ret = xma_find_lookup(&lookup_symbol);
		if (ret) {
			pr_err("xen_mmu_audit: no kallsyms_lookup_name (needs %s): %d\n",
			       XMA_LOOKUP_NEEDS, ret);
			return ret;
		}
		xma_kernel.init_mm = (void *)lookup_symbol("init_mm");
		/* Optional: not every kernel has them. */
		xma_kernel.poking_mm = (void *)lookup_symbol("poking_mm");
		xma_kernel.p2m_template_pte[0] =
			(void *)lookup_symbol("p2m_missing_pte");
		xma_kernel.p2m_template_pte[1] =
			(void *)lookup_symbol("p2m_identity_pte");
		xma_kernel.pgd_list = (void *)lookup_symbol("pgd_list");
		xma_kernel.pgd_lock = (void *)lookup_symbol("pgd_lock");
		xma_kernel.image_ro_start = (void *)lookup_symbol("_text");
		xma_kernel.image_ro_end = (void *)lookup_symbol("__end_rodata");
		if (!plausible_init_mm(xma_kernel.init_mm)) {
			pr_err("xen_mmu_audit: cannot find init_mm (needs CONFIG_KALLSYMS_ALL)\n");
			return -ENODEV;
		}
	} else {
		pr_info("xen_mmu_audit: not a Xen PV guest: nothing to audit\n");
	}
	ret = xma_audit_init();
	if (ret)
		goto out_plant;
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
MODULE_LICENSE("GPL");
