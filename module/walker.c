// SPDX-License-Identifier: GPL-2.0
/*
 * The walker: visits every pagetable page of one tree, level by level, and
 * (for the kernel tree) every present leaf mapping.  It only reads: entries
 * are read once each, through the pv accessors, so a pfn is a guest pfn.
 * What is right or wrong is for the callbacks (checks.c) to decide.
 */
#include <linux/irqflags.h>
#include <linux/bitops.h>
#include <linux/mm.h>
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
	return READ_ONCE(*(u64 *)w->link) == w->link_val;
}

static void walk_pte(struct xma_walk *w, pmd_t pmd, unsigned long addr)
{
	pte_t *ptep = (pte_t *)pmd_page_vaddr(pmd);
	unsigned int i;

	for (i = 0; i < PTRS_PER_PTE; i++, addr += PAGE_SIZE) {
		pte_t pte = READ_ONCE(ptep[i]);

		if (pte_present(pte))
			w->ops->leaf(w, addr, pte_pfn(pte), PAGE_SIZE,
				     pte_write(pte));
	}
}

static void walk_pmd(struct xma_walk *w, pud_t pud, unsigned long addr)
{
	pmd_t *pmdp = pud_pgtable(pud);
	unsigned int i;

	for (i = 0; i < PTRS_PER_PMD; i++, addr += PMD_SIZE) {
		pmd_t pmd = READ_ONCE(pmdp[i]);

		if (pmd_none(pmd) || !pmd_present(pmd))
			continue;
		if (pmd_leaf(pmd)) {
			if (w->ops->leaf)
				w->ops->leaf(w, addr, pmd_pfn(pmd), PMD_SIZE,
					     pmd_write(pmd));
			continue;
		}
		visit_table(w, XMA_LVL_PTE, pmd_pfn(pmd), &pmdp[i],
			    native_pmd_val(pmd));
		if (w->ops->leaf)
			walk_pte(w, pmd, addr);
	}
}

static void walk_pud(struct xma_walk *w, p4d_t p4d, unsigned long addr)
{
	pud_t *pudp = p4d_pgtable(p4d);
	unsigned int i;

	for (i = 0; i < PTRS_PER_PUD; i++, addr += PUD_SIZE) {
		pud_t pud = READ_ONCE(pudp[i]);

		if (pud_none(pud) || !pud_present(pud))
			continue;
		if (pud_leaf(pud)) {
			if (w->ops->leaf)
				w->ops->leaf(w, addr, pud_pfn(pud), PUD_SIZE,
					     pud_write(pud));
			continue;
		}
		visit_table(w, XMA_LVL_PMD, pud_pfn(pud), &pudp[i],
			    native_pud_val(pud));
		walk_pmd(w, pud, addr);
	}
}

static void walk_p4d(struct xma_walk *w, pgd_t *pgdp, unsigned long addr)
{
	p4d_t *p4dp = p4d_offset(pgdp, addr);
	unsigned int i;

	if (pgtable_l5_enabled())
		visit_table(w, XMA_LVL_P4D, pgd_pfn(READ_ONCE(*pgdp)), pgdp,
			    native_pgd_val(READ_ONCE(*pgdp)));

	for (i = 0; i < PTRS_PER_P4D; i++, addr += P4D_SIZE) {
		p4d_t p4d = READ_ONCE(p4dp[i]);

		if (p4d_none(p4d) || !p4d_present(p4d))
			continue;
		visit_table(w, XMA_LVL_PUD, p4d_pfn(p4d), &p4dp[i],
			    native_p4d_val(p4d));
		walk_pud(w, p4d, addr);
	}
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

/* The Xen hypervisor's own slots: not the guest's to walk. */
static bool xen_hole(unsigned int idx)
{
	return idx >= pgd_index(GUARD_HOLE_BASE_ADDR) &&
	       idx < pgd_index(GUARD_HOLE_END_ADDR);
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

		if (xen_hole(i) || pgd_none(READ_ONCE(*pgdp)))
			continue;
		if (w->atomic) {
			walk_p4d(w, pgdp, pgd_index_va(i));
			continue;
		}
		if (w->irqs_off)
			local_irq_save(flags);
		walk_p4d(w, pgdp, pgd_index_va(i));
		if (w->irqs_off)
			local_irq_restore(flags);
		cond_resched();
	}
}
