// SPDX-License-Identifier: GPL-2.0
/*
 * The checks: what the walker shows is judged against what Xen PV needs.
 *
 * 1. writable pagetable page: every page of a live (so pinned) tree must be
 *    read-only in the linear map, or Xen could not have pinned it.
 * 2. pin mismatch: every page of a live tree must have PG_pinned, the flag
 *    the pv-mmu code uses to choose hypercalls over plain writes.
 * 3. RO leak: a linear-map page that is read-only but is no pagetable page
 *    (walked, or pinned and of pagetable type) and has no other known
 *    reason to be read-only.
 * 4. Xen's initial pagetable (start_info pt_base, nr_pt_frames): each frame
 *    is either still a pagetable page or writable again.
 * 5. unplaced (not a violation, reported): a pinned pagetable page that no
 *    walk found in any pass of an audit: in flight all along, or leaked.
 *
 * A table that a concurrent munmap unlinks and releases looks wrong for a
 * moment; such a finding is dropped when its link is gone (xma_walk).
 */
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/xen/page.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>
#include <xen/interface/xen.h>
#include "xen_mmu_audit.h"

static void add_finding(struct xma_pass *p, enum xma_kind kind,
			enum xma_level level, unsigned long pfn,
			const struct xma_owner *owner, const char *reason)
{
	struct xma_finding *f;

	if (p->nr_findings == p->max_findings) {
		p->lost_findings++;
		return;
	}
	f = &p->findings[p->nr_findings++];
	f->kind = kind;
	f->level = level;
	f->pfn = pfn;
	f->mfn = pfn_to_mfn(pfn);
	f->page_flags = pfn_valid(pfn) ?
			 xma_page_flags_word(pfn_to_page(pfn)) : 0;
	f->reason = reason;
	if (owner)
		f->owner = *owner;
	else
		memset(&f->owner, 0, sizeof(f->owner));
}

/* The linear-map pte of @pfn: false if it has none. */
bool xma_linear_pte(unsigned long pfn, bool *writable)
{
	unsigned int level;
	pte_t *ptep, pte;

	if (!pfn_valid(pfn) || PageHighMem(pfn_to_page(pfn)))
		return false;
	ptep = lookup_address((unsigned long)__va(PFN_PHYS(pfn)), &level);
	if (!ptep)
		return false;
	pte = READ_ONCE(*ptep);
	if (!pte_present(pte))
		return false;
	*writable = pte_write(pte);
	return true;
}

static void note_table(struct xma_walk *w, enum xma_level level,
		       unsigned long pfn)
{
	struct xma_tree *t = w->data;
	struct xma_pass *p = t->pass;
	bool writable, mapped, pinned;

	p->visited[level]++;
	t->tables++;
	if (pfn < p->nr_pfns)
		__set_bit(pfn, p->pt_pages);
	else
		p->pt_uncovered++;
	pinned = pfn_valid(pfn) && PagePinned(pfn_to_page(pfn));
	if (p->listing)
		xma_listing_add_table(p->listing, pfn, level, &t->owner,
				      pinned);
	if (!pfn_valid(pfn) || t->mark_only)
		return;

	mapped = xma_linear_pte(pfn, &writable);
	if (pinned && !(mapped && writable))
		return;

	/* Judge the table only if it is still part of the tree. */
	if (t->user && !xma_walk_link_intact(w)) {
		p->raced++;
		return;
	}
	if (mapped && writable)
		add_finding(p, XMA_WRITABLE_PT, level, pfn, &t->owner,
			    "pagetable page is writable in the linear map");
	if (!pinned)
		add_finding(p, XMA_PIN_MISMATCH, level, pfn, &t->owner,
			    "PG_pinned clear on a page of a pinned tree");
}

/* Every live tree is pinned: its root says so by PG_pinned. */
void xma_check_root_pinned(struct xma_tree *t, pgd_t *pgd)
{
	unsigned long pfn = PFN_DOWN(__pa(pgd));

	if (!PagePinned(virt_to_page(pgd)))
		add_finding(t->pass, XMA_PIN_MISMATCH, XMA_LVL_PGD, pfn,
			    &t->owner, "pgd of a live mm is not pinned");
}

/*
 * A pinned pagetable page that no tree links (yet): judged as a tree page,
 * so it must be read-only and have PG_pinned.
 */
void xma_check_detached_table(struct xma_tree *t, enum xma_level level,
			      void *table)
{
	struct xma_walk w = { .ops = &xma_user_tree_ops, .data = t };

	xma_walk_root(&w, level, table);
}

void xma_note_known_ro(struct xma_pass *p, unsigned long pfn)
{
	if (pfn < p->nr_pfns)
		__set_bit(pfn, p->ro_known);
}

/* x86_32: a highmem page has no linear map, whatever its address. */
static bool in_linear_map(unsigned long va, unsigned long pfn,
			  unsigned long nr_pfns)
{
	return va >= PAGE_OFFSET &&
	       (va - PAGE_OFFSET) >> PAGE_SHIFT < nr_pfns &&
	       (va - PAGE_OFFSET) >> PAGE_SHIFT == pfn &&
	       !(pfn_valid(pfn) && PageHighMem(pfn_to_page(pfn)));
}

/*
 * Kernel leaves tell which pfns are read-only in the linear map, and which
 * have a read-only mapping elsewhere (kernel text and rodata, module and
 * BPF code, the GDT in cpu_entry_area): set_memory_ro() and Xen's
 * set_aliased_prot() make the linear alias follow those, so they are known.
 */
static void note_kernel_leaf(struct xma_walk *w, unsigned long va,
			     unsigned long pfn, unsigned long size,
			     bool writable)
{
	struct xma_tree *t = w->data;
	struct xma_pass *p = t->pass;
	unsigned long n;

	if (writable)
		return;
	for (n = 0; n < size >> PAGE_SHIFT; n++, pfn++, va += PAGE_SIZE) {
		if (pfn >= p->nr_pfns)
			break;
		if (in_linear_map(va, pfn, p->nr_pfns))
			__set_bit(pfn, p->ro_linear);
		else
			__set_bit(pfn, p->ro_known);
	}
}

const struct xma_walk_ops xma_kernel_tree_ops = {
	.table = note_table,
	.leaf = note_kernel_leaf,
};

const struct xma_walk_ops xma_user_tree_ops = {
	.table = note_table,
};

static bool in_initial_pt(const struct xma_pass *p, unsigned long pfn)
{
	return pfn >= p->initial_pt.first_pfn &&
	       pfn < p->initial_pt.first_pfn + p->initial_pt.frames;
}

static const char *ro_leak_reason(unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return "read-only, no struct page";
	page = pfn_to_page(pfn);
	if (xma_in_initial_p2m(pfn))
		return "read-only, no pagetable page: in the p2m frame range";
	if (PageReserved(page))
		return "read-only, no pagetable page: reserved page";
	if (PageBuddy(page))
		return "read-only, no pagetable page: free page";
	if (xma_page_table(page))
		return "read-only, of pagetable type, not pinned, in no walked tree";
	return "read-only, no pagetable page, no read-only alias";
}

/*
 * A pinned page of pagetable type that no walk found is a table between
 * its allocation and its linking (or its unlinking and its release):
 * pagetable allocation and page faults do not wait for the mmap lock the
 * walk holds, and a busy system recycles the same page into new tables
 * again and again, so it can be "in flight" at every pass.  The kernel's
 * own bookkeeping says it is a pinned table: read-only is right for it,
 * and it is no violation.  It is reported (unplaced_pt) when it is in
 * flight in every pass of an audit: on a system at rest, a leaked table.
 * (Without a pagetable page type, PG_pinned alone says so: see compat.h.)
 */
static bool pinned_table_in_flight(unsigned long pfn)
{
	struct page *page;

	if (!pfn_valid(pfn))
		return false;
	page = pfn_to_page(pfn);
	return PagePinned(page) &&
	       (xma_page_table(page) || !XMA_HAS_PAGE_TABLE_TYPE);
}

/*
 * A table in flight in an earlier pass: still in flight in @p, which has
 * just run (read-only in its linear map, in no walked tree, pinned)?
 */
bool xma_still_unplaced(const struct xma_pass *p, unsigned long pfn)
{
	return pfn < p->nr_pfns && test_bit(pfn, p->ro_linear) &&
	       !test_bit(pfn, p->pt_pages) && pinned_table_in_flight(pfn);
}

/*
 * Why the read-only linear-map page @pfn is read-only, as the listing
 * names it, after the pass @p: NULL for a pagetable page (listed as one).
 */
const char *xma_ro_class(const struct xma_pass *p, unsigned long pfn)
{
	if (test_bit(pfn, p->pt_pages))
		return NULL;
	if (in_initial_pt(p, pfn))
		return "initial_pt";
	if (test_bit(pfn, p->ro_known))
		return xma_known_ro_reason(pfn);
	if (pinned_table_in_flight(pfn))
		return "in_flight";
	if (xma_ldt_copy(p, pfn))
		return "ldt_copy";
	return "leak";
}

/*
 * Runs after every tree was walked: needs pt_pages complete.  May sleep
 * (a page nothing explains gets a second look at every LDT).  0, or
 * -ENOMEM when that look could not be taken.
 */
int xma_check_ro_leaks(struct xma_pass *p)
{
	unsigned long pfn;
	bool writable;
	int ret;

	for_each_set_bit(pfn, p->ro_linear, p->nr_pfns) {
		if (test_bit(pfn, p->pt_pages) || test_bit(pfn, p->ro_known) ||
		    in_initial_pt(p, pfn))
			continue;
		if (pinned_table_in_flight(pfn)) {
			/*
			 * Right now; in every pass, it is reported.  A busy
			 * system has many: a few are enough to see a leak,
			 * and the list keeps room for violations.
			 */
			if (p->pt_in_flight++ < XMA_MAX_UNPLACED)
				add_finding(p, XMA_UNPLACED_PT, XMA_LVL_NONE,
					    pfn, NULL,
					    "pinned pagetable page in no walked tree");
			continue;
		}
		/* Still read-only now, not just while being unpinned? */
		if (!xma_linear_pte(pfn, &writable) || writable)
			continue;
		/* The LDT of a task forked after the first look? */
		if (!p->ldts_renoted && !xma_ldt_copy(p, pfn)) {
			ret = xma_renote_ldts(p);
			if (ret)
				return ret;
			if (test_bit(pfn, p->ro_known) ||
			    !xma_linear_pte(pfn, &writable) || writable)
				continue;
		}
		if (xma_ldt_copy(p, pfn)) {
			p->ldt_copies++;
			continue;
		}
		add_finding(p, XMA_RO_LEAK, XMA_LVL_NONE, pfn, NULL,
			    ro_leak_reason(pfn));
	}
	return 0;
}

/* What became of the pagetable Xen built for the guest at start of day. */
void xma_check_initial_pt(struct xma_pass *p)
{
	struct xma_initial_pt *ipt = &p->initial_pt;
	unsigned long pfn;
	bool writable;

	for (pfn = ipt->first_pfn; pfn < ipt->first_pfn + ipt->frames; pfn++) {
		if (pfn < p->nr_pfns && test_bit(pfn, p->pt_pages)) {
			ipt->in_use++;
		} else if (!xma_linear_pte(pfn, &writable)) {
			ipt->unmapped++;
		} else if (!writable) {
			ipt->stranded++;
			add_finding(p, XMA_INITIAL_PT, XMA_LVL_NONE, pfn, NULL,
				    "initial pagetable frame: no pagetable page, still read-only");
		} else if (PagePinned(pfn_to_page(pfn))) {
			ipt->stranded++;
			add_finding(p, XMA_INITIAL_PT, XMA_LVL_NONE, pfn, NULL,
				    "initial pagetable frame: no pagetable page, PG_pinned set");
		} else {
			ipt->released++;
		}
	}
}
