// SPDX-License-Identifier: GPL-2.0
/*
 * Negative controls, as the module parameter "plant" (off by default,
 * writable at run time; each value replaces the one before, 0 undoes all):
 *
 * plant=1: one finding of each kind a guest can safely make.
 *  - pin mismatch: PG_pinned is cleared on the pte page that maps a fresh
 *    vmalloc page.  The page stays pinned in Xen's eyes; for a pte page
 *    the flag only decides how the page is released, which cannot happen
 *    while planted (kernel pte pages are kept, and ours is restored first).
 *  - RO leak: a fresh page is made read-only in the linear map, the way
 *    make_lowmem_page_readonly() does it.
 * plant=2: a read-only page like plant=1's that moves to another page at
 *    every pass of an audit: a bug no two passes agree on, which only the
 *    audit's "unconfirmed" count shows.
 * plant=3: a leaked pagetable page: zeroed, read-only, pinned by Xen as an
 *    L1 table, PG_pinned and of pagetable type, linked by no tree.
 * plant=4: a fresh read-only page holding a copy of the writer's LDT, as
 *    fork makes one for a child: no RO leak, counted as an LDT copy
 *    (audit.c's note_ldt_sum()).  The writer must have an LDT (-ENOENT).
 * plant=5: each pass's first look at the tasks misses the writer's mm, as
 *    it misses a task forked just after it.  The writer must have an LDT
 *    (-ENOENT): a read-only page no first look explains, which the audit
 *    must still know as an LDT (audit.c's xma_renote_ldts()).  The writer
 *    must be single-threaded (-EBUSY): the mm's tree is walked as an
 *    unowned one, without its mmap lock, and only the writer, busy in
 *    the audit, leaves it alone meanwhile.  The mm is held (mmgrab) until
 *    the plant goes, so that no other mm can take its address.
 * plant=4 and plant=5 are for run time: at load, the writer is the module
 *    loader, which has no LDT, and the load fails (-ENOENT).
 *
 * Not planted: a writable pagetable page (Xen refuses to map a pinned
 * pagetable page writable, so the guest cannot create one) and a stranded
 * initial pagetable frame (that is history from boot, not a state to make).
 *
 * Nothing planted outlives the module: a plant given at load is made at
 * the end of init (a later parameter may still fail the load, and no exit
 * runs then); module exit undoes it and refuses any later "plant=" (a
 * parameter write can come after exit() ran).
 */
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/vmalloc.h>
#include <asm/xen/hypercall.h>
#include <xen/xen.h>
#include <xen/interface/xen.h>
#include "xen_mmu_audit.h"

static DEFINE_MUTEX(plant_lock);
/* An int, for param_get_int(): 0..XMA_PLANT_MAX. */
static int planted;
static bool plant_ready;		/* init ran: a plant may be made */
static int plant_wanted;		/* given at load, made by init */
static bool plant_closed;		/* the module is going */
static struct page *ro_page;
static void *vm_page;
static struct page *unpinned_pt;
static struct page *moving_page;
static struct page *leaked_pt;
static struct page *ldt_copy_page;
static struct mm_struct *hidden_mm;

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

/* Make @page writable again and free it, or leak it if Xen refuses. */
static void release_ro_page(struct page *page)
{
	if (!page)
		return;
	if (set_linear_ro(page, false))
		pr_err("xen_mmu_audit: cannot make a planted page writable again; leaking it\n");
	else
		__free_page(page);
}

/* A fresh page, read-only in the linear map. */
static struct page *new_ro_page(void)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (page && set_linear_ro(page, true)) {
		__free_page(page);
		page = NULL;
	}
	return page;
}

static void unplant_fixed(void)
{
	SetPagePinned(unpinned_pt);
	vfree(vm_page);
	release_ro_page(ro_page);
}

static int plant_fixed(void)
{
	unsigned int level;
	pte_t *ptep;

	vm_page = vmalloc(PAGE_SIZE);
	if (!vm_page)
		return -ENOMEM;
	ptep = lookup_address((unsigned long)vm_page, &level);
	if (!ptep || level != PG_LEVEL_4K) {
		vfree(vm_page);
		return -EINVAL;
	}
	unpinned_pt = virt_to_page(ptep);
	if (!PagePinned(unpinned_pt)) {
		pr_err("xen_mmu_audit: kernel pte page not pinned: no negative control\n");
		vfree(vm_page);
		return -EINVAL;
	}
	ro_page = new_ro_page();
	if (!ro_page) {
		vfree(vm_page);
		return -ENOMEM;
	}
	ClearPagePinned(unpinned_pt);
	return 0;
}

static int pin_table(struct page *page, bool pin)
{
	struct mmuext_op op = {
		.cmd = pin ? MMUEXT_PIN_L1_TABLE : MMUEXT_UNPIN_TABLE,
		.arg1.mfn = pfn_to_mfn(page_to_pfn(page)),
	};

	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void unplant_leak(void)
{
	xma_clear_page_table(leaked_pt);
	ClearPagePinned(leaked_pt);
	if (pin_table(leaked_pt, false)) {
		pr_err("xen_mmu_audit: cannot unpin the planted table; leaking it\n");
		return;
	}
	release_ro_page(leaked_pt);
}

static int plant_leak(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	if (!page)
		return -ENOMEM;
	/* Xen pins no page that has a writable mapping. */
	if (set_linear_ro(page, true)) {
		__free_page(page);
		return -EINVAL;
	}
	if (pin_table(page, true)) {
		release_ro_page(page);
		return -EINVAL;
	}
	SetPagePinned(page);
	xma_set_page_table(page);
	leaked_pt = page;
	return 0;
}

static int plant_ldt_copy(void)
{
#ifdef XMA_HAVE_LDT
	struct mm_struct *mm = current->mm;
	unsigned long size = 0;
	struct page *page;
	void *ldt = NULL;
	int ret = 0;

	if (!mm)
		return -ENOENT;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	xma_ldt_lock(mm);
	xma_ldt_get(&mm->context, &ldt, &size);
	if (ldt && size)
		memcpy(page_address(page), ldt, min_t(unsigned long, size,
						      PAGE_SIZE));
	else
		ret = -ENOENT;
	xma_ldt_unlock(mm);
	if (!ret && set_linear_ro(page, true))
		ret = -EINVAL;
	if (ret) {
		__free_page(page);
		return ret;
	}
	ldt_copy_page = page;
	return 0;
#else
	return -ENOENT;
#endif
}

static int plant_hidden_mm(void)
{
#ifdef XMA_HAVE_LDT
	struct mm_struct *mm = current->mm;
	unsigned long size = 0;
	void *ldt = NULL;

	if (!mm)
		return -ENOENT;
	if (get_nr_threads(current) > 1)
		return -EBUSY;
	xma_ldt_lock(mm);
	xma_ldt_get(&mm->context, &ldt, &size);
	xma_ldt_unlock(mm);
	if (!ldt || !size)
		return -ENOENT;
	mmgrab(mm);
	WRITE_ONCE(hidden_mm, mm);
	return 0;
#else
	return -ENOENT;
#endif
}

/* Is @mm the one plant=5 hides from each pass's first look? */
bool xma_plant_hides(const struct mm_struct *mm)
{
	return READ_ONCE(hidden_mm) == mm;
}

static void unplant(void)
{
	if (planted == 1)
		unplant_fixed();
	if (planted == 2)
		release_ro_page(moving_page);
	if (planted == 3)
		unplant_leak();
	if (planted == 4)
		release_ro_page(ldt_copy_page);
	if (planted == 5) {
		struct mm_struct *mm = hidden_mm;

		/* A pass that still compares against it holds no reference. */
		WRITE_ONCE(hidden_mm, NULL);
		mmdrop(mm);
	}
	planted = 0;
}

static int plant(int what)
{
	int ret = 0;

	if (!xen_pv_domain())
		return -ENODEV;
	if (what == 1)
		ret = plant_fixed();
	if (what == 2) {
		moving_page = new_ro_page();
		ret = moving_page ? 0 : -ENOMEM;
	}
	if (what == 3)
		ret = plant_leak();
	if (what == 4)
		ret = plant_ldt_copy();
	if (what == 5)
		ret = plant_hidden_mm();
	if (!ret)
		planted = what;
	return ret;
}

/* A new pass starts: plant=2's page moves. */
void xma_plant_next_pass(void)
{
	struct page *next;

	mutex_lock(&plant_lock);
	if (planted == 2) {
		/* Allocated before the old page is freed: another page. */
		next = new_ro_page();
		if (next) {
			release_ro_page(moving_page);
			moving_page = next;
		}
	}
	mutex_unlock(&plant_lock);
}

#define XMA_PLANT_MAX	5

/* Strictly "0" to "5" (and a newline), as the settings' values. */
static int plant_set(const char *val, const struct kernel_param *kp)
{
	int want, ret = 0;

	for (want = 0; want <= XMA_PLANT_MAX; want++) {
		char v[2] = { '0' + want, '\0' };

		if (sysfs_streq(val, v))
			break;
	}
	if (want > XMA_PLANT_MAX)
		return -EINVAL;
	mutex_lock(&plant_lock);
	if (plant_closed) {
		ret = -ENODEV;
	} else if (!plant_ready) {
		/*
		 * At load, before init: a later parameter can still fail
		 * the load, and no exit would undo a plant then.
		 */
		plant_wanted = want;
	} else if (want != planted) {
		unplant();
		if (want)
			ret = plant(want);
	}
	mutex_unlock(&plant_lock);
	return ret;
}

static const struct kernel_param_ops plant_ops = {
	.set = plant_set,
	/* The kernel's own getter: its newline is the kernel's business. */
	.get = param_get_int,
};
module_param_cb(plant, &plant_ops, &planted, 0600);
MODULE_PARM_DESC(plant, "negative control: 1 a pin mismatch and an RO leak, 2 a moving RO leak, 3 a leaked table, 4 a copy of the writer's LDT, 5 the writer's mm missed by first looks");

/* The end of init: make the plant given at load, if any. */
int xma_plant_init(void)
{
	int ret = 0;

	mutex_lock(&plant_lock);
	plant_ready = true;
	if (plant_wanted)
		ret = plant(plant_wanted);
	mutex_unlock(&plant_lock);
	return ret;
}

void xma_plant_exit(void)
{
	mutex_lock(&plant_lock);
	unplant();
	plant_closed = true;
	mutex_unlock(&plant_lock);
}
