// SPDX-License-Identifier: GPL-2.0
/*
 * Negative control: "plant=1" (module parameter, off by default, writable
 * at run time) creates one finding of each kind a guest can safely make,
 * "plant=0" undoes them.  A test sees them detected, then gone.
 *
 *  - pin mismatch: PG_pinned is cleared on the pte page that maps a fresh
 *    vmalloc page.  The page stays pinned in Xen's eyes; for a pte page
 *    the flag only decides how the page is released, which cannot happen
 *    while planted (kernel pte pages are kept, and ours is restored first).
 *  - RO leak: a fresh page is made read-only in the linear map, the way
 *    make_lowmem_page_readonly() does it.
 *
 * Not planted: a writable pagetable page (Xen refuses to map a pinned
 * pagetable page writable, so the guest cannot create one) and a stranded
 * initial pagetable frame (that is history from boot, not a state to make).
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/vmalloc.h>
#include <asm/xen/hypercall.h>
#include <xen/xen.h>
#include "xen_mmu_audit.h"

static DEFINE_MUTEX(plant_lock);
/* An int, for param_get_int(): 0 or 1. */
static int planted;
static struct page *ro_page;
static void *vm_page;
static struct page *unpinned_pt;

static int set_linear_ro(struct page *page, bool ro)
{
	unsigned long va = (unsigned long)page_address(page);
	unsigned int level;
	pte_t *ptep = lookup_address(va, &level);
	pte_t pte;

	if (!ptep || level != PG_LEVEL_4K)
		return -EINVAL;
	pte = ro ? pte_wrprotect(*ptep) : pte_mkwrite_novma(*ptep);
	return HYPERVISOR_update_va_mapping(va, pte, UVMF_INVLPG | UVMF_ALL);
}

static void unplant(void)
{
	SetPagePinned(unpinned_pt);
	vfree(vm_page);
	if (set_linear_ro(ro_page, false))
		pr_err("xen_mmu_audit: cannot make the planted page writable again; leaking it\n");
	else
		__free_page(ro_page);
	planted = 0;
}

static int plant(void)
{
	unsigned int level;
	pte_t *ptep;
	int ret = -ENOMEM;

	if (!xen_pv_domain())
		return -ENODEV;
	ro_page = alloc_page(GFP_KERNEL);
	vm_page = vmalloc(PAGE_SIZE);
	if (!ro_page || !vm_page)
		goto fail;

	ret = -EINVAL;
	ptep = lookup_address((unsigned long)vm_page, &level);
	if (!ptep || level != PG_LEVEL_4K)
		goto fail;
	unpinned_pt = virt_to_page(ptep);
	if (!PagePinned(unpinned_pt)) {
		pr_err("xen_mmu_audit: kernel pte page not pinned: no negative control\n");
		goto fail;
	}
	ret = set_linear_ro(ro_page, true);
	if (ret)
		goto fail;
	ClearPagePinned(unpinned_pt);
	planted = 1;
	return 0;
fail:
	vfree(vm_page);
	if (ro_page)
		__free_page(ro_page);
	return ret;
}

/* Strictly "0" or "1" (and a newline), as the audit file's commands. */
static int plant_set(const char *val, const struct kernel_param *kp)
{
	bool want;
	int ret = 0;

	if (!sysfs_streq(val, "0") && !sysfs_streq(val, "1"))
		return -EINVAL;
	want = sysfs_streq(val, "1");
	mutex_lock(&plant_lock);
	if (want && !planted)
		ret = plant();
	else if (!want && planted)
		unplant();
	mutex_unlock(&plant_lock);
	return ret;
}

static const struct kernel_param_ops plant_ops = {
	.set = plant_set,
	/* The kernel's own getter: its newline is the kernel's business. */
	.get = param_get_int,
};
module_param_cb(plant, &plant_ops, &planted, 0600);
MODULE_PARM_DESC(plant, "Plant one pin mismatch and one RO leak (negative control)");

void xma_plant_exit(void)
{
	mutex_lock(&plant_lock);
	if (planted)
		unplant();
	mutex_unlock(&plant_lock);
}
