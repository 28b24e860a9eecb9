// SPDX-License-Identifier: GPL-2.0
/*
 * The listing (verbose=2): every page one pass classified, in a form a
 * machine can put beside Xen's own page types (scripts/
 * compare-xen-types.py reads it with xen-mfndump's dump of the domain):
 * each pagetable page with its level, the Xen pagetable type that level
 * is, its tree and PG_pinned; then runs of pfns that are read-only in the
 * linear map for one reason, runs of RAM pfns with no linear mapping
 * (a frame Xen still types as a pagetable may be one of those), and the
 * p2m as runs of pfns on consecutive frames (printed with verbose=3).
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/xen/page.h>
#include "xen_mmu_audit.h"

struct xma_listing *xma_listing_alloc(unsigned int max_tables)
{
	struct xma_listing *l = kzalloc(sizeof(*l), GFP_KERNEL);

	if (!l)
		return NULL;
	l->max_tables = max_tables;
	l->tables = kvcalloc(max_tables, sizeof(*l->tables), GFP_KERNEL);
	if (!l->tables) {
		kfree(l);
		return NULL;
	}
	return l;
}

void xma_listing_free(struct xma_listing *l)
{
	if (!l)
		return;
	kvfree(l->tables);
	kvfree(l->runs);
	kfree(l);
}

/* Called by the walk: no allocation here. */
void xma_listing_add_table(struct xma_listing *l, unsigned long pfn,
			   enum xma_level level,
			   const struct xma_owner *owner, bool pinned)
{
	struct xma_listed_table *t = l->nr_tables ?
				      &l->tables[l->nr_tables - 1] : NULL;

	/* One table linked from a whole table of entries: one line. */
	if (t && t->pfn == pfn && t->level == level && t->pinned == pinned &&
	    t->owner.pid == owner->pid &&
	    !strcmp(t->owner.comm, owner->comm)) {
		t->links++;
		return;
	}
	if (l->nr_tables == l->max_tables) {
		l->lost_tables++;
		return;
	}
	t = &l->tables[l->nr_tables++];
	t->pfn = pfn;
	t->level = level;
	t->owner = *owner;
	t->pinned = pinned;
	t->links = 1;
}

/* The level Xen gives a table of @level: its distance from the leaves. */
unsigned int xma_xen_pt_level(enum xma_level level)
{
	switch (level) {
	case XMA_LVL_PTE:
		return 1;
	case XMA_LVL_PMD:
		return 2;
	case XMA_LVL_PUD:
		return 3;
	case XMA_LVL_P4D:
		return 4;
	case XMA_LVL_PGD:
	case XMA_LVL_USER_PGD:
		/* The levels folded at run time are not counted. */
		if (PTRS_PER_P4D > 1)
			return 5;
		if (PTRS_PER_PUD > 1)
			return 4;
		return PTRS_PER_PMD > 1 ? 3 : 2;
	default:
		return 0;
	}
}

/* What the listing says of @pfn outside the tables, or NULL: nothing. */
static const char *run_class(const struct xma_pass *p, unsigned long pfn,
			     bool *ro)
{
	bool writable;

	*ro = test_bit(pfn, p->ro_linear);
	if (*ro)
		return xma_ro_class(p, pfn);
	if (pfn_valid(pfn) && !xma_linear_pte(pfn, &writable) &&
	    xma_pfn_has_frame(pfn))
		return "unmapped";
	return NULL;
}

/*
 * A new run at @pfn, counted in *@nr; listed when @l's runs are there
 * (the second scan), or counted lost when they are full.  False: lost,
 * and so not to be extended.
 */
static bool new_run(struct xma_listing *l, unsigned int *nr, unsigned long pfn,
		    const char *what, bool ro, unsigned long mfn)
{
	struct xma_listed_run *r;

	(*nr)++;
	if (!l->runs)
		return true;
	if (l->nr_runs == l->max_runs) {
		l->lost_runs++;
		return false;
	}
	r = &l->runs[l->nr_runs++];
	r->first = pfn;
	r->last = pfn;
	r->what = what;
	r->ro = ro;
	r->mfn = mfn;
	return true;
}

static void extend_run(struct xma_listing *l, unsigned long pfn)
{
	if (l->runs && l->nr_runs)
		l->runs[l->nr_runs - 1].last = pfn;
}

/*
 * Scan the pass's pfns into runs of one class; with @l's runs NULL, only
 * count them.  Classes are static strings: the same class is the same
 * pointer.
 */
static unsigned int scan_runs(struct xma_listing *l, const struct xma_pass *p)
{
	const char *cur = NULL;
	unsigned int nr = 0;
	unsigned long pfn;
	bool cur_ro = false;

	for (pfn = 0; pfn < p->nr_pfns; pfn++) {
		const char *what;
		bool ro;

		what = run_class(p, pfn, &ro);
		if (what && what == cur && ro == cur_ro) {
			extend_run(l, pfn);
			continue;
		}
		cur = what;
		cur_ro = ro;
		if (what && !new_run(l, &nr, pfn, what, ro, 0))
			cur = NULL;
	}
	return nr;
}

/*
 * The p2m as runs of pfns on consecutive frames: with it, a tool in dom0
 * can ask Xen about each of dom0's own frames (xen-mfndump does that for
 * a domU from its p2m, but cannot map dom0's own).
 */
static unsigned int scan_p2m(struct xma_listing *l, const struct xma_pass *p)
{
	unsigned long pfn, mfn, next = 0;
	unsigned int nr = 0;
	bool in_run = false;

	for (pfn = 0; pfn < p->nr_pfns; pfn++) {
		if (!xma_pfn_has_frame(pfn)) {
			in_run = false;
			continue;
		}
		mfn = pfn_to_mfn(pfn);
		if (in_run && mfn == next) {
			next++;
			extend_run(l, pfn);
			continue;
		}
		next = mfn + 1;
		in_run = new_run(l, &nr, pfn, "p2m", false, mfn);
	}
	return nr;
}

/*
 * The runs of @p, which has just run: counted, then listed.  Pages can
 * change between the two scans (a linear-map pte is read again): a
 * margin covers that, and what still does not fit is counted as lost.
 */
int xma_listing_add_runs(struct xma_listing *l, const struct xma_pass *p)
{
	unsigned int nr = scan_runs(l, p) + scan_p2m(l, p);

	l->max_runs = nr + nr / 4 + 16;
	l->runs = kvcalloc(l->max_runs, sizeof(*l->runs), GFP_KERNEL);
	if (!l->runs)
		return -ENOMEM;
	scan_runs(l, p);
	scan_p2m(l, p);
	return 0;
}
