// SPDX-License-Identifier: GPL-2.0
/*
 * The walker: visits every pagetable page of one tree, level by level, and
 * (for the kernel tree) every present leaf mapping.  It only reads: entries
 * are read once each, through the pv accessors, so a pfn is a guest pfn.
 * What is right or wrong is for the callbacks (checks.c) to decide.
 * Levels the architecture folds (p4d with 4 levels, pud with x86_32 PAE)
 * have no page of their own: the entry above stands for them.
 */
#include <linux/irqflags.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <asm/xen/hypercall.h>
#include <xen/interface/version.h>
#include "xen_mmu_audit.h"

static void visit_table(struct xma_walk *w, enum xma_level level,
			unsigned long pfn, void *link, u64 link_val)
{
	w->link = link;
	w->link_val = link_val;
	w->ops->table(w, level, pfn);
}

/* The entry that linked the table just visited still links it. */
bool xma_walk_link_intact(struct xma_walk *w)
{
	if (!w->link)
		return true;
	/* Read the link after the table's state (see checks.c). */
	smp_rmb();
	return xma_read_u64(w->link) == w->link_val;
}

/*
 * Xen's own part of the address space, not the guest's to walk: on x86_64
 * a range of pgd slots, on x86_32 PAE the top of the last pgd slot's pmd.
 */
static unsigned long xen_hole_first, xen_hole_last;

static bool in_xen_hole(unsigned long va)
{
	return va >= xen_hole_first && va <= xen_hole_last;
}

int xma_walker_init(void)
{
#ifdef CONFIG_X86_64
	xen_hole_first = GUARD_HOLE_BASE_ADDR;
	xen_hole_last = GUARD_HOLE_END_ADDR - 1;
#else
	struct xen_platform_parameters pp;
	int ret = HYPERVISOR_xen_version(XENVER_platform_parameters, &pp);

	if (ret < 0)
		return ret;
	xen_hole_first = pp.virt_start;
	xen_hole_last = ULONG_MAX;
#endif
	return 0;
}

/* A pagetable page the walker can read through the linear map. */
static bool table_in_lowmem(unsigned long pfn)
{
	return pfn_valid(pfn) && !PageHighMem(pfn_to_page(pfn));
}

static void walk_pte(struct xma_walk *w, unsigned long pfn, unsigned long addr)
{
	unsigned int i;
	pte_t *ptep;

	if (!pfn_valid(pfn))
		return;
	/* A pte page may be in highmem (x86_32 CONFIG_HIGHPTE). */
	ptep = xma_map_table(pfn_to_page(pfn));
	for (i = 0; i < PTRS_PER_PTE; i++, addr += PAGE_SIZE) {
		pte_t pte = xma_read_entry(&ptep[i]);

		if (pte_present(pte))
			w->ops->leaf(w, addr, pte_pfn(pte), PAGE_SIZE,
				     pte_write(pte));
	}
	xma_unmap_table(ptep);
}

static void walk_pmd(struct xma_walk *w, pmd_t *pmdp, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_PMD; i++, addr += PMD_SIZE) {
		pmd_t pmd = xma_read_entry(&pmdp[i]);

		if (pmd_none(pmd) || !pmd_present(pmd) || in_xen_hole(addr))
			continue;
		if (pmd_leaf(pmd)) {
			if (w->ops->leaf)
				w->ops->leaf(w, addr, pmd_pfn(pmd), PMD_SIZE,
					     pmd_write(pmd));
			continue;
		}
		visit_table(w, XMA_LVL_PTE, pmd_pfn(pmd), &pmdp[i],
			    native_pmd_val(pmd));
		if (!w->ops->leaf)
			continue;
		walk_pte(w, pmd_pfn(pmd), addr);
		/*
		 * The kernel tree sleeps here: one pgd entry maps a big
		 * guest's whole linear map in 4K pages.
		 */
		if (!w->atomic && !w->irqs_off)
			cond_resched();
	}
}

/*
 * @pudp: the pud table, or with the pud level folded (x86_32 PAE), the
 * one entry above that stands for it.
 */
static void walk_pud(struct xma_walk *w, pud_t *pudp, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_PUD; i++, addr += PUD_SIZE) {
		pud_t pud = xma_read_entry(&pudp[i]);

		if (pud_none(pud) || !pud_present(pud) || in_xen_hole(addr))
			continue;
		if (pud_leaf(pud)) {
			if (w->ops->leaf)
				w->ops->leaf(w, addr, pud_pfn(pud), PUD_SIZE,
					     pud_write(pud));
			continue;
		}
		visit_table(w, XMA_LVL_PMD, pud_pfn(pud), &pudp[i],
			    native_pud_val(pud));
		if (table_in_lowmem(pud_pfn(pud)))
			walk_pmd(w, pud_pgtable(pud), addr);
	}
}

/* Likewise @p4dp, with the p4d level folded into the pgd (4 levels). */
static void walk_p4d(struct xma_walk *w, p4d_t *p4dp, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_P4D; i++, addr += P4D_SIZE) {
		p4d_t p4d = xma_read_entry(&p4dp[i]);

		if (p4d_none(p4d) || !p4d_present(p4d) || in_xen_hole(addr))
			continue;
		if (PTRS_PER_PUD == 1) {
			walk_pud(w, (pud_t *)&p4dp[i], addr);
			continue;
		}
		visit_table(w, XMA_LVL_PUD, p4d_pfn(p4d), &p4dp[i],
			    native_p4d_val(p4d));
		if (table_in_lowmem(p4d_pfn(p4d)))
			walk_pud(w, p4d_pgtable(p4d), addr);
	}
}

static void walk_pgd_entry(struct xma_walk *w, pgd_t *pgdp, unsigned long addr)
{
	pgd_t pgd;

	if (PTRS_PER_P4D == 1) {
		walk_p4d(w, (p4d_t *)pgdp, addr);
		return;
	}
	/* 5 levels: the pgd entry links a p4d table. */
	pgd = xma_read_entry(pgdp);
	visit_table(w, XMA_LVL_P4D, pgd_pfn(pgd), pgdp, native_pgd_val(pgd));
	if (table_in_lowmem(pgd_pfn(pgd)))
		walk_p4d(w, p4d_offset(pgdp, addr), addr);
}

/* The first address mapped by pgd entry @idx (canonical on x86_64). */
static unsigned long pgd_index_va(unsigned int idx)
{
	unsigned long va = (unsigned long)idx << PGDIR_SHIFT;

#ifdef CONFIG_X86_64
	va = sign_extend64(va, __VIRTUAL_MASK_SHIFT);
#endif
	return va;
}

/* Visit the root page of a tree. */
void xma_walk_root(struct xma_walk *w, enum xma_level level, pgd_t *pgd)
{
	visit_table(w, level, PFN_DOWN(__pa(pgd)), NULL, 0);
}

/*
 * Walk the pgd entries first..end-1 and everything below them.  User
 * tables can be freed (RCU or IPI deferred) by a munmap that runs beside
 * us under mmap_read_lock: with interrupts off neither can complete, as for
 * GUP-fast.  One pgd entry at a time keeps interrupts off briefly.
 */
void xma_walk_range(struct xma_walk *w, pgd_t *pgd, unsigned int first,
		    unsigned int end)
{
	unsigned long flags = 0;
	unsigned int i;

	for (i = first; i < end; i++) {
		pgd_t *pgdp = pgd + i;

		if (in_xen_hole(pgd_index_va(i)) || pgd_none(xma_read_entry(pgdp)))
			continue;
		if (w->atomic) {
			walk_pgd_entry(w, pgdp, pgd_index_va(i));
			continue;
		}
		if (w->irqs_off)
			local_irq_save(flags);
		walk_pgd_entry(w, pgdp, pgd_index_va(i));
		if (w->irqs_off)
			local_irq_restore(flags);
		cond_resched();
	}
}

/*
 * x86_32 PAE under Xen does not share the kernel's pmd pages between pgds
 * (SHARED_KERNEL_PMD is 0): each pgd links copies of its own, which are
 * pages of its tree.  Visit those of pgd entries first..3, not what they
 * map: that is the kernel's, walked with init_mm.
 */
void xma_walk_kernel_pmds(struct xma_walk *w, pgd_t *pgd, unsigned int first)
{
#ifdef CONFIG_X86_PAE
	unsigned int i;

	if (SHARED_KERNEL_PMD)
		return;
	for (i = first; i < PTRS_PER_PGD; i++) {
		pud_t pud = xma_read_entry((pud_t *)(pgd + i));

		if (!pud_none(pud) && pud_present(pud))
			visit_table(w, XMA_LVL_PMD, pud_pfn(pud), pgd + i,
				    native_pud_val(pud));
	}
#endif
}
