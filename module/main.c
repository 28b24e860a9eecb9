// SPDX-License-Identifier: GPL-2.0
/*
 * xen_mmu_audit: audit, at run time, that every pagetable page of a Xen PV
 * guest is protected and flagged the way Xen and the pv-mmu code need,
 * and that no page is read-only without a reason.  Reports in
 * /sys/kernel/debug/xen_mmu_audit.  It never writes a pagetable.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <xen/xen.h>
#include "xen_mmu_audit.h"

/*
 * init_mm, poking_mm, pgd_list and p2m.c's spare pte pages are not
 * exported, nor is
 * kallsyms_lookup_name(), but a kprobe resolves the latter's address.
 */
static unsigned long (*lookup_symbol)(const char *name);

static int find_lookup_symbol(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int ret = register_kprobe(&kp);

	if (ret < 0)
		return ret;
	lookup_symbol = (void *)kp.addr;
	unregister_kprobe(&kp);
	return lookup_symbol ? 0 : -ENOENT;
}

/* The kernel half of our own pgd is init_mm's: it must match. */
static bool plausible_init_mm(struct mm_struct *mm)
{
	pgd_t *ours = current->active_mm->pgd;
	unsigned long va[] = { PAGE_OFFSET, __START_KERNEL_map };
	unsigned int i;

	if (!mm || !mm->pgd || !PAGE_ALIGNED(mm->pgd))
		return false;
	for (i = 0; i < ARRAY_SIZE(va); i++)
		if (native_pgd_val(*pgd_offset_pgd(mm->pgd, va[i])) !=
		    native_pgd_val(*pgd_offset_pgd(ours, va[i])))
			return false;
	return true;
}

struct xma_kernel_tables xma_kernel;

static int __init xma_init(void)
{
	int ret;

	if (xen_pv_domain()) {
		ret = find_lookup_symbol();
		if (ret) {
			pr_err("xen_mmu_audit: no kallsyms_lookup_name (needs CONFIG_KPROBES): %d\n",
			       ret);
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
