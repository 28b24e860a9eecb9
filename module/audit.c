// SPDX-License-Identifier: GPL-2.0
/*
 * One audit: which trees are walked, under which locks, and how findings
 * are confirmed.
 *
 * A pass walks the kernel tree (init_mm) and every live user mm, each held
 * by mmget_not_zero() and its mmap read lock, then judges the pages that
 * no walk explained.  Pagetables change while a pass runs (fork, exit,
 * munmap), and a page can look wrong for an instant, for instance between
 * "PG_pinned cleared" and "made writable" when an exiting mm is unpinned.
 * So a finding counts only if every one of XMA_PASSES passes, separated by
 * an RCU grace period and a pause, sees it again.
 */
#include <linux/delay.h>
#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmu_context.h>
#include <linux/rcupdate.h>
#include <linux/semaphore.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <asm/desc.h>
#include <asm/xen/page.h>
#include <xen/xen.h>
#include <xen/xen-ops.h>
#include "xen_mmu_audit.h"

#define XMA_PASSES		3
#define XMA_PASS_GAP_MS		20

/* As in arch/x86/xen/mmu_pv.c: just beyond the highest user address. */
#define XMA_USER_LIMIT	((STACK_TOP_MAX + PGDIR_SIZE - 1) & PGDIR_MASK)

struct xma_mm_ref {
	struct mm_struct *mm;
	struct xma_owner owner;
};

/* x86_64 PV: a pgd page's private field points to its user-mode pgd. */
pgd_t *xma_user_pgd(pgd_t *pgd)
{
#ifdef CONFIG_X86_64
	return (pgd_t *)page_private(virt_to_page(pgd));
#else
	return NULL;
#endif
}

static int cmp_mm_ref(const void *a, const void *b)
{
	const struct xma_mm_ref *x = a, *y = b;

	if (x->mm == y->mm)
		return 0;
	return x->mm < y->mm ? -1 : 1;
}

/*
 * Take a reference on every live user mm (threads and CLONE_VM children
 * share one: keep one reference each).  Exiting mms are skipped.
 */
static struct xma_mm_ref *collect_mms(unsigned int *nr, unsigned int *skipped)
{
	unsigned int cap = 256, n, i, out;
	struct task_struct *p, *t;
	struct xma_mm_ref *refs;
	bool full;

	for (;;) {
		refs = kvmalloc_array(cap, sizeof(*refs), GFP_KERNEL);
		if (!refs)
			return NULL;
		n = 0;
		full = false;
		*skipped = 0;
		rcu_read_lock();
		for_each_process(p) {
			for (t = p; t; t = xma_next_thread(p, t)) {
				struct mm_struct *mm;
				bool got = false;

				if (t->flags & PF_KTHREAD)
					break;
				task_lock(t);
				mm = t->mm;
				if (mm && n == cap) {
					full = true;
				} else if (mm && !mmget_not_zero(mm)) {
					(*skipped)++;
				} else if (mm) {
					refs[n++].mm = mm;
					got = true;
				}
				task_unlock(t);
				if (!mm && !full)
					continue;
				/* get_task_comm() takes the task lock */
				if (got) {
					refs[n - 1].owner.pid = task_tgid_nr(p);
					get_task_comm(refs[n - 1].owner.comm, p);
				}
				break;
			}
			if (full)
				break;
		}
		rcu_read_unlock();
		if (!full)
			break;
		for (i = 0; i < n; i++)
			mmput(refs[i].mm);
		kvfree(refs);
		cap *= 2;
	}

	sort(refs, n, sizeof(*refs), cmp_mm_ref, NULL);
	for (i = 0, out = 0; i < n; i++) {
		if (out && refs[out - 1].mm == refs[i].mm) {
			mmput(refs[i].mm);
			continue;
		}
		refs[out++] = refs[i];
	}
	*nr = out;
	return refs;
}

/*
 * The contents of a page, as two 32-bit sums, and whether it is all
 * zeroes (which no sum stands for: see note_ldt_sum()).
 */
static bool page_sums(const void *va, u32 sum[2])
{
	const u32 *w = va;
	unsigned int i;

	for (i = 0; i < PAGE_SIZE / sizeof(u32) && !w[i]; i++)
		;
	if (i == PAGE_SIZE / sizeof(u32))
		return false;
	sum[0] = jhash2(w, PAGE_SIZE / sizeof(u32), 0);
	sum[1] = jhash2(w, PAGE_SIZE / sizeof(u32), 0x9e3779b9);
	return true;
}

/*
 * A fork gives the child mm a copy of its parent's LDT, read-only, while
 * its pgd is on pgd_list and its task not yet visible; until
 * init_new_context() the child's mm_struct is a byte copy of the
 * parent's, locks included, and it can still be freed without its
 * reference count (mm_init() failing): nothing of it can be taken or
 * read safely.  A fork storm puts that copy on the same page child after
 * child, where it would be an RO leak in every pass.  So the contents of
 * each LDT page noted under a lock are remembered, and a read-only page
 * with no other reason whose contents are the same is taken as such a
 * copy (xma_ldt_copy(), counted as ldt_copies).  All-zero pages are
 * never remembered: any zeroed page would match them.
 */
static void note_ldt_sum(struct xma_pass *p, const void *va)
{
	unsigned int i;
	u32 sum[2];

	if (!page_sums(va, sum))
		return;
	for (i = 0; i < p->nr_ldt_sums; i++)
		if (p->ldt_sums[i][0] == sum[0] && p->ldt_sums[i][1] == sum[1])
			return;
	if (p->nr_ldt_sums < XMA_MAX_LDT_SUMS) {
		p->ldt_sums[p->nr_ldt_sums][0] = sum[0];
		p->ldt_sums[p->nr_ldt_sums++][1] = sum[1];
	}
}

bool xma_ldt_copy(const struct xma_pass *p, unsigned long pfn)
{
	unsigned int i;
	u32 sum[2];

	if (!pfn_valid(pfn) || PageHighMem(pfn_to_page(pfn)) ||
	    !page_sums(page_address(pfn_to_page(pfn)), sum))
		return false;
	for (i = 0; i < p->nr_ldt_sums; i++)
		if (p->ldt_sums[i][0] == sum[0] && p->ldt_sums[i][1] == sum[1])
			return true;
	return false;
}

/* Xen makes LDT pages read-only (set_aliased_prot); they are known. */
#ifdef XMA_HAVE_LDT
/*
 * Atomic bit ops: CPUs answering note_loaded_ldt() run at once; they do
 * not remember contents (@sum false), the callers under a lock do.
 */
static void note_ldt_pages(struct xma_pass *p, mm_context_t *ctx, bool sum)
{
	unsigned long off, size;
	void *ldt;

	xma_ldt_get(ctx, &ldt, &size);
	for (off = 0; ldt && off < size; off += PAGE_SIZE) {
		void *va = ldt + off;
		unsigned long pfn = is_vmalloc_addr(va) ? vmalloc_to_pfn(va) :
				    PFN_DOWN(__pa(va));

		if (pfn < p->nr_pfns)
			set_bit(pfn, p->ro_known);
		if (sum)
			note_ldt_sum(p, va);
	}
}
#endif

/*
 * An mm outlives its last user for as long as something holds it: a CPU
 * that has it loaded lazily, a task that exited but was not switched out
 * yet, an open /proc/<pid>/mem.  Its LDT stays read-only until __mmdrop()
 * frees it, which it does only after it took the pgd off pgd_list, under
 * the pgd_lock our caller holds.  No task can change the LDT of an mm
 * without users (mm_users is 0 for good), so it needs no other lock.
 * An mm being forked has a user from before its pgd is on the list.
 */
static void note_ldt_of_unused_mm(struct xma_pass *p,
				  struct xma_pgd_desc *desc)
{
#ifdef XMA_HAVE_LDT
	struct mm_struct *mm = xma_pgd_desc_mm(desc);

	if (mm && !atomic_read(&mm->mm_users))
		note_ldt_pages(p, &mm->context, true);
#endif
}

static void note_ldt(struct xma_pass *p, struct mm_struct *mm)
{
#ifdef XMA_HAVE_LDT
	xma_ldt_lock(mm);
	note_ldt_pages(p, &mm->context, true);
	xma_ldt_unlock(mm);
#endif
}

#ifdef XMA_HAVE_LDT
/*
 * An LDT stays read-only until its mm is freed (destroy_context), which a
 * CPU that still has the mm loaded, lazily, can put off for a long time
 * after the last task of the mm is gone.  Each CPU reports the LDT of the
 * mm it has loaded if that mm has no users left: while the CPU runs this,
 * it cannot drop the mm, and without users nobody can replace its LDT.
 * An mm with users may be having its LDT replaced and freed right now (a
 * CPU that has it loaded lazily gets no flush IPI to wait for): its LDT
 * is noted under the LDT lock by audit_user_mm() instead.
 */
static void note_loaded_ldt(void *data)
{
	struct mm_struct *mm = current->active_mm;

	if (mm && mm != xma_kernel.init_mm && !atomic_read(&mm->mm_users))
		note_ldt_pages(data, &mm->context, false);
}
#endif

/*
 * The LDTs of every mm, noted again, for a pass that found a read-only
 * page that nothing explains.  A task forked after collect_mms() that
 * installs an LDT before audit_unowned_pgds() is seen by neither with
 * its LDT: it is not in the list, and the unowned walk may not read the
 * LDT of an mm with users (only the LDT lock keeps it from being replaced
 * and freed).  An LDT installed after audit_unowned_pgds() is not seen
 * either.  A storm of such tasks puts each new LDT on the page the last
 * one freed, pass after pass.  Such a task can be seen now.
 *
 * This narrows the window to the second look's own length; it does not
 * close it: a task that shows up after this collect_mms() and installs an
 * LDT before the caller looks at the page again is still missed, and so
 * is the LDT of an mm that has users but no task (get_task_mm() holding
 * it after its task exited).  Each pass needs the page unexplained for an
 * RO leak to count.  Once a pass, only in a pass that needs it: it costs
 * a look at every task.  Sleeps.  0, or -ENOMEM.
 */
int xma_renote_ldts(struct xma_pass *p)
{
#ifdef XMA_HAVE_LDT
	unsigned int i, nr, skipped;
	struct xma_pgd_desc *pt;
	struct xma_mm_ref *mms;
	unsigned long flags;

	might_sleep();
	p->ldts_renoted = true;
	mms = collect_mms(&nr, &skipped);
	if (!mms)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		note_ldt(p, mms[i].mm);
		mmput(mms[i].mm);
	}
	kvfree(mms);
	if (xma_kernel.pgd_list && xma_kernel.pgd_lock) {
		spin_lock_irqsave(xma_kernel.pgd_lock, flags);
		list_for_each_entry(pt, xma_kernel.pgd_list, xma_pgd_desc_link)
			note_ldt_of_unused_mm(p, pt);
		spin_unlock_irqrestore(xma_kernel.pgd_lock, flags);
	}
	on_each_cpu(note_loaded_ldt, p, 1);
#else
	p->ldts_renoted = true;
#endif
	return 0;
}

/*
 * Walk a tree from its pgd, and the x86_64 user pgd beside it.  A
 * mark-only tree is walked under pgd_lock with interrupts off already.
 */
static void walk_tree(struct xma_tree *t, const struct xma_walk_ops *ops,
		      pgd_t *pgd, unsigned int user_end)
{
	struct xma_walk w = { .ops = ops, .data = t,
			      .irqs_off = t->user && !t->mark_only,
			      .atomic = t->mark_only };
	pgd_t *upgd = xma_user_pgd(pgd);

	if (!t->mark_only)
		xma_check_root_pinned(t, pgd);
	xma_walk_root(&w, XMA_LVL_PGD, pgd);
	xma_walk_range(&w, pgd, 0, user_end);
	xma_walk_kernel_pmds(&w, pgd, user_end);
	/* The user pgd's user half mirrors the pgd's; the rest is its own. */
	if (upgd) {
		xma_walk_root(&w, XMA_LVL_USER_PGD, upgd);
		xma_walk_range(&w, upgd, pgd_index(XMA_USER_LIMIT),
			       PTRS_PER_PGD);
	}
}

static void audit_user_mm(struct xma_pass *p, struct mm_struct *mm,
			  const struct xma_owner *owner)
{
	struct xma_tree t = { .pass = p, .owner = *owner, .user = true };

	note_ldt(p, mm);
	if (mmap_read_lock_killable(mm)) {
		p->mms_skipped++;
		return;
	}
	/* The kernel half is init_mm's: walked once, with the kernel tree. */
	walk_tree(&t, &xma_user_tree_ops, mm->pgd, pgd_index(XMA_USER_LIMIT));
	mmap_read_unlock(mm);
	p->mms_audited++;
}

static int cmp_pgd(const void *a, const void *b)
{
	const pgd_t *const *x = a, *const *y = b;

	if (*x == *y)
		return 0;
	return *x < *y ? -1 : 1;
}

/*
 * A forked mm is pinned before its task can be seen, and a task can be
 * kept from running for long between the two; an mm can outlive its last
 * task.  Their trees are on pgd_list, with every other user pgd: walked
 * under pgd_lock, interrupts off (so no table is freed meanwhile), their
 * pages count as pagetable pages, but are not judged: such a tree may be
 * half pinned or half unpinned (pinning does the pgd last), so its pgd's
 * PG_pinned says little.
 */
static void audit_unowned_pgds(struct xma_pass *p, struct xma_mm_ref *mms,
			       unsigned int nr)
{
	struct xma_tree t = { .pass = p, .owner = { .comm = "unowned" },
			      .user = true, .mark_only = true };
	unsigned long flags;
	struct xma_pgd_desc *pt;
	unsigned int i;
	pgd_t **owned;

	if (!xma_kernel.pgd_list || !xma_kernel.pgd_lock)
		return;
	owned = kvmalloc_array(nr + 1, sizeof(*owned), GFP_KERNEL);
	if (!owned)
		return;

	for (i = 0; i < nr; i++)
		owned[i] = mms[i].mm->pgd;
	if (xma_kernel.poking_mm && *xma_kernel.poking_mm)
		owned[nr++] = (*xma_kernel.poking_mm)->pgd;
	sort(owned, nr, sizeof(*owned), cmp_pgd, NULL);

	spin_lock_irqsave(xma_kernel.pgd_lock, flags);
	list_for_each_entry(pt, xma_kernel.pgd_list, xma_pgd_desc_link) {
		pgd_t *pgd = xma_pgd_desc_address(pt);

		if (bsearch(&pgd, owned, nr, sizeof(*owned), cmp_pgd))
			continue;
		p->mms_unowned++;
		walk_tree(&t, &xma_user_tree_ops, pgd, pgd_index(XMA_USER_LIMIT));
		note_ldt_of_unused_mm(p, pt);
	}
	spin_unlock_irqrestore(xma_kernel.pgd_lock, flags);
	kvfree(owned);
}

/* Pagetables the kernel keeps for itself, beside init_mm. */
static void audit_kernel_extras(struct xma_pass *p)
{
	struct xma_owner poking = { .comm = "poking_mm" };
	struct xma_tree p2m = { .pass = p, .owner = { .comm = "p2m" } };
	unsigned int i;

	if (xma_kernel.poking_mm && *xma_kernel.poking_mm)
		audit_user_mm(p, *xma_kernel.poking_mm, &poking);
	for (i = 0; i < ARRAY_SIZE(xma_kernel.p2m_template_pte); i++)
		if (xma_kernel.p2m_template_pte[i] &&
		    *xma_kernel.p2m_template_pte[i])
			xma_check_detached_table(&p2m, XMA_LVL_PTE,
						 *xma_kernel.p2m_template_pte[i]);
}

/*
 * What the audit keeps, allocated when the module loads and reused: an
 * audit allocates nothing large while it walks, so that it does not make
 * the kernel grow its own pagetables (a vmalloc'ed buffer can take a new
 * pte page) while it looks at them.  The bitmaps have a bit per pfn that
 * can hold RAM now (max_pfn, not the p2m's virtual size, which memory
 * hotplug makes 512 GiB), and are shared by the passes of an audit, which
 * run one after the other; a slot gets them at its first audit.  Findings
 * lists start small and grow to XMA_MAX_FINDINGS when a pass overflows
 * one.  XMA_SLOTS audits can run at
 * once; more wait for a free slot.  (One slot would make readers queue up
 * holding the file open, and an unload could wait forever for a moment
 * when no reader has it open.)
 */
#define XMA_SLOTS		2
#define XMA_FIRST_FINDINGS	64

struct xma_bitmaps {
	unsigned long nr_pfns;
	unsigned long *pt_pages;
	unsigned long *ro_linear;
	unsigned long *ro_known;
};

struct xma_slot {
	struct xma_bitmaps maps;
	struct xma_pass pass[2];
	bool busy;
};

static struct xma_slot xma_slots[XMA_SLOTS];
static DEFINE_SPINLOCK(xma_slots_lock);
static struct semaphore xma_slots_free;

/* The pfns that can hold RAM now: memory hotplug raises max_pfn. */
static unsigned long ram_pfns(void)
{
	unsigned long nr = xma_p2m_size();

	if (xma_kernel.max_pfn)
		nr = min(nr, READ_ONCE(*xma_kernel.max_pfn));
	return nr;
}

static void maps_free(struct xma_bitmaps *m)
{
	kvfree(m->pt_pages);
	kvfree(m->ro_linear);
	kvfree(m->ro_known);
	memset(m, 0, sizeof(*m));
}

static int maps_alloc(struct xma_bitmaps *m, unsigned long nr_pfns)
{
	unsigned long longs = BITS_TO_LONGS(nr_pfns);

	m->nr_pfns = nr_pfns;
	m->pt_pages = kvcalloc(longs, sizeof(long), GFP_KERNEL);
	m->ro_linear = kvcalloc(longs, sizeof(long), GFP_KERNEL);
	m->ro_known = kvcalloc(longs, sizeof(long), GFP_KERNEL);
	if (!m->pt_pages || !m->ro_linear || !m->ro_known) {
		maps_free(m);
		return -ENOMEM;
	}
	return 0;
}

static void pass_free(struct xma_pass *p)
{
	kvfree(p->findings);
	bitmap_free(p->initial_in_use);
	memset(p, 0, sizeof(*p));
}

static int pass_alloc(struct xma_pass *p, unsigned int max_findings)
{
	p->max_findings = max_findings;
	p->findings = kvcalloc(max_findings, sizeof(*p->findings),
			       GFP_KERNEL);
	p->initial_in_use = bitmap_zalloc(xen_start_info->nr_pt_frames,
					  GFP_KERNEL);
	if (!p->findings || !p->initial_in_use) {
		pass_free(p);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Bytes the slots hold: the module's memory, but for its code.  Sizes
 * only, read without a lock: an audit growing its lists at the same time
 * is counted before or after.
 */
static unsigned long slots_bytes(void)
{
	unsigned long bytes = 0;
	unsigned int i, j;

	for (i = 0; i < XMA_SLOTS; i++) {
		bytes += 3 * BITS_TO_LONGS(xma_slots[i].maps.nr_pfns) *
			 sizeof(long);
		for (j = 0; j < ARRAY_SIZE(xma_slots[i].pass); j++)
			bytes += xma_slots[i].pass[j].max_findings *
				 sizeof(struct xma_finding) +
				 BITS_TO_LONGS(xen_start_info->nr_pt_frames) *
				 sizeof(long);
	}
	return bytes;
}

/*
 * Kernel text and rodata may be read-only (set_memory_ro).  On x86_64 the
 * kernel's own mapping shows it, on x86_32 the linear map is the only one.
 */
static void note_kernel_image(struct xma_pass *p)
{
	unsigned long pfn, end;

	if (!xma_kernel.image_ro_start || !xma_kernel.image_ro_end)
		return;
	end = PFN_UP(__pa(xma_kernel.image_ro_end));
	for (pfn = PFN_DOWN(__pa(xma_kernel.image_ro_start)); pfn < end; pfn++)
		xma_note_known_ro(p, pfn);
}

/*
 * Each CPU's GDT page is read-only wherever it is mapped: Xen takes no
 * writable mapping of a frame that holds a loaded GDT.  Before the GDT got
 * a read-only alias in cpu_entry_area (4.15), nothing else shows that.
 */
static unsigned long gdt_pfn(unsigned int cpu)
{
	void *gdt = &per_cpu(gdt_page, cpu);

	return is_vmalloc_addr(gdt) ? vmalloc_to_pfn(gdt) : PFN_DOWN(__pa(gdt));
}

static void note_gdt_pages(struct xma_pass *p)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		xma_note_known_ro(p, gdt_pfn(cpu));
}

static bool in_kernel_image_ro(unsigned long pfn)
{
	return xma_kernel.image_ro_start && xma_kernel.image_ro_end &&
	       pfn >= PFN_DOWN(__pa(xma_kernel.image_ro_start)) &&
	       pfn < PFN_UP(__pa(xma_kernel.image_ro_end));
}

/*
 * Which known read-only page @pfn is, for the listing: one that
 * pass_init() notes, or else one with a read-only mapping elsewhere
 * (kernel leaves, an LDT): "alias".
 */
const char *xma_known_ro_reason(unsigned long pfn)
{
	unsigned int cpu;

	if (pfn == PFN_DOWN(__pa(xen_start_info)))
		return "start_info";
	if (pfn == PFN_DOWN(__pa(empty_zero_page)))
		return "zero_page";
	if (in_kernel_image_ro(pfn))
		return "kernel_image";
	for_each_possible_cpu(cpu)
		if (gdt_pfn(cpu) == pfn)
			return "gdt";
	return "alias";
}

/* Empty @p for a new pass on the bitmaps @m, its buffers kept. */
static int pass_init(struct xma_pass *p, struct xma_bitmaps *m)
{
	struct xma_pass bufs = *p;
	int ret;

	/* Memory was hotplugged: bitmaps for the new size. */
	if (m->nr_pfns != ram_pfns()) {
		maps_free(m);
		ret = maps_alloc(m, ram_pfns());
		if (ret)
			return ret;
	}
	memset(p, 0, sizeof(*p));
	p->nr_pfns = m->nr_pfns;
	p->pt_pages = m->pt_pages;
	p->ro_linear = m->ro_linear;
	p->ro_known = m->ro_known;
	p->findings = bufs.findings;
	p->max_findings = bufs.max_findings;
	p->initial_in_use = bufs.initial_in_use;
	p->listing = bufs.listing;
	bitmap_zero(p->pt_pages, p->nr_pfns);
	bitmap_zero(p->ro_linear, p->nr_pfns);
	bitmap_zero(p->ro_known, p->nr_pfns);
	p->initial_pt.first_pfn = PFN_DOWN(__pa(xen_start_info->pt_base));
	p->initial_pt.frames = xen_start_info->nr_pt_frames;
	bitmap_zero(p->initial_in_use, p->initial_pt.frames);
	xma_note_known_ro(p, PFN_DOWN(__pa(xen_start_info)));
	/* x86_32 Xen (before 5.9) keeps the zero page read-only on purpose. */
	xma_note_known_ro(p, PFN_DOWN(__pa(empty_zero_page)));
	note_gdt_pages(p);
	note_kernel_image(p);
	return 0;
}

int xma_audit_init(void)
{
	unsigned int i, j;
	int ret;

	sema_init(&xma_slots_free, XMA_SLOTS);
	if (!xen_pv_domain())
		return 0;
	ret = xma_walker_init();
	if (ret)
		return ret;
	/*
	 * The first slot's bitmaps now; the others' when two audits first
	 * run at once (pass_init(), before that audit walks anything).
	 */
	ret = maps_alloc(&xma_slots[0].maps, ram_pfns());
	for (i = 0; i < XMA_SLOTS; i++) {
		for (j = 0; !ret && j < ARRAY_SIZE(xma_slots[i].pass); j++)
			ret = pass_alloc(&xma_slots[i].pass[j],
					 XMA_FIRST_FINDINGS);
		if (ret) {
			xma_audit_exit();
			return ret;
		}
	}
	return 0;
}

void xma_audit_exit(void)
{
	unsigned int i, j;

	for (i = 0; i < XMA_SLOTS; i++) {
		maps_free(&xma_slots[i].maps);
		for (j = 0; j < ARRAY_SIZE(xma_slots[i].pass); j++)
			pass_free(&xma_slots[i].pass[j]);
	}
}

/*
 * A pass lost findings: room for XMA_MAX_FINDINGS in @p's list.  The new
 * list first: if it cannot be had, @p keeps the one it has.
 */
static int grow_findings(struct xma_pass *p)
{
	struct xma_finding *list;

	if (p->max_findings == XMA_MAX_FINDINGS)
		return 0;
	list = kvcalloc(XMA_MAX_FINDINGS, sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	kvfree(p->findings);
	p->findings = list;
	p->max_findings = XMA_MAX_FINDINGS;
	return 0;
}

static struct xma_slot *get_slot(void)
{
	struct xma_slot *slot = NULL;
	unsigned int i;

	if (down_interruptible(&xma_slots_free))
		return NULL;
	spin_lock(&xma_slots_lock);
	for (i = 0; i < XMA_SLOTS && !slot; i++) {
		if (!xma_slots[i].busy) {
			slot = &xma_slots[i];
			slot->busy = true;
		}
	}
	spin_unlock(&xma_slots_lock);
	return slot;
}

static void put_slot(struct xma_slot *slot)
{
	spin_lock(&xma_slots_lock);
	slot->busy = false;
	spin_unlock(&xma_slots_lock);
	up(&xma_slots_free);
}

/*
 * The kernel tree, held as ptdump holds it: memory hot-remove frees
 * linear-map tables, and is kept off (if the kernel has it); the init_mm
 * mmap lock keeps off those who take it to change kernel tables.
 */
static int walk_kernel_tree(struct xma_pass *p)
{
	struct xma_tree kernel = { .pass = p, .owner = { .comm = "init_mm" } };

	if (xma_kernel.get_online_mems)
		xma_kernel.get_online_mems();
	if (mmap_read_lock_killable(xma_kernel.init_mm)) {
		if (xma_kernel.put_online_mems)
			xma_kernel.put_online_mems();
		return -EINTR;
	}
	walk_tree(&kernel, &xma_kernel_tree_ops, xma_kernel.init_mm->pgd,
		  PTRS_PER_PGD);
	mmap_read_unlock(xma_kernel.init_mm);
	if (xma_kernel.put_online_mems)
		xma_kernel.put_online_mems();
	p->kernel_tables = kernel.tables;
	return 0;
}

/* Which of Xen's initial pagetable frames this pass found in a tree. */
static void note_initial_in_use(struct xma_pass *p)
{
	const struct xma_initial_pt *ipt = &p->initial_pt;
	unsigned long i;

	for (i = 0; i < ipt->frames; i++)
		if (ipt->first_pfn + i < p->nr_pfns &&
		    test_bit(ipt->first_pfn + i, p->pt_pages))
			__set_bit(i, p->initial_in_use);
}

/* plant=5: the pass's first look at the tasks misses the writer's mm. */
static void drop_hidden_mm(struct xma_mm_ref *refs, unsigned int *nr)
{
	unsigned int i, out = 0;

	for (i = 0; i < *nr; i++) {
		if (xma_plant_hides(refs[i].mm)) {
			mmput(refs[i].mm);
			continue;
		}
		refs[out++] = refs[i];
	}
	*nr = out;
}

static int run_pass(struct xma_pass *p, struct xma_bitmaps *m)
{
	u64 start = ktime_get_ns();
	unsigned int i, nr_mms, skipped;
	struct xma_mm_ref *mms;
	int ret;

	xma_plant_next_pass();
	ret = pass_init(p, m);
	if (ret)
		return ret;
	mms = collect_mms(&nr_mms, &skipped);
	if (!mms)
		return -ENOMEM;
	drop_hidden_mm(mms, &nr_mms);
	p->mms_skipped = skipped;

	ret = walk_kernel_tree(p);
	if (ret) {
		for (i = 0; i < nr_mms; i++)
			mmput(mms[i].mm);
		kvfree(mms);
		return ret;
	}
	audit_kernel_extras(p);
	for (i = 0; i < nr_mms; i++)
		audit_user_mm(p, mms[i].mm, &mms[i].owner);
	audit_unowned_pgds(p, mms, nr_mms);
	for (i = 0; i < nr_mms; i++)
		mmput(mms[i].mm);
	kvfree(mms);

#ifdef XMA_HAVE_LDT
	on_each_cpu(note_loaded_ldt, p, 1);
#endif
	xma_check_initial_pt(p);
	ret = xma_check_ro_leaks(p);
	if (ret)
		return ret;
	note_initial_in_use(p);
	p->duration_ns = ktime_get_ns() - start;
	return 0;
}

static bool same_finding(const struct xma_finding *a,
			 const struct xma_finding *b)
{
	return a->kind == b->kind && a->pfn == b->pfn && a->level == b->level;
}

/* Findings that are violations: not tables in flight. */
static unsigned int nr_violations(const struct xma_pass *p)
{
	unsigned int i, n = 0;

	for (i = 0; i < p->nr_findings; i++)
		n += p->findings[i].kind != XMA_UNPLACED_PT;
	return n;
}

/*
 * Keep in @keep only the findings @p has too, each of @p's confirming one
 * of @keep's at most (a page linked from two places is two findings of a
 * pass: so they stay two, or go).  A table in flight needs no entry in
 * @p's list, which keeps only some: @p's bitmaps must still place it
 * nowhere, and it must still be a pinned table.
 */
static void confirm(struct xma_pass *keep, struct xma_pass *p)
{
	unsigned int i, j, out = 0;

	for (i = 0; i < keep->nr_findings; i++) {
		struct xma_finding *f = &keep->findings[i];

		if (f->kind == XMA_UNPLACED_PT) {
			if (xma_still_unplaced(p, f->pfn))
				keep->findings[out++] = *f;
			continue;
		}
		for (j = 0; j < p->nr_findings; j++)
			if (same_finding(f, &p->findings[j]))
				break;
		if (j == p->nr_findings)
			continue;
		/* @p is done with after this: mark the entry used. */
		p->findings[j].kind = XMA_MATCHED;
		keep->findings[out++] = *f;
	}
	keep->nr_findings = out;
}

/*
 * What the report needs of the confirming pass @p, in @res: its counters
 * and findings, and which initial pagetable frames are pagetable pages.
 */
static int keep_result(struct xma_result *res, const struct xma_pass *p)
{
	res->pass = *p;
	res->pass.pt_pages = NULL;
	res->pass.ro_linear = NULL;
	res->pass.ro_known = NULL;
	res->pass.findings = NULL;
	res->pass.initial_in_use = NULL;
	res->initial_in_use = bitmap_zalloc(p->initial_pt.frames, GFP_KERNEL);
	if (!res->initial_in_use)
		return -ENOMEM;
	bitmap_copy(res->initial_in_use, p->initial_in_use,
		    p->initial_pt.frames);
	if (!p->nr_findings)
		return 0;
	res->pass.findings = kvmalloc_array(p->nr_findings,
					    sizeof(*p->findings), GFP_KERNEL);
	if (!res->pass.findings)
		return -ENOMEM;
	memcpy(res->pass.findings, p->findings,
	       p->nr_findings * sizeof(*p->findings));
	return 0;
}

/*
 * A pass on a findings list that holds all it finds: a pass that
 * overflows its first, small list runs again on a full-size one.
 */
static int full_pass(struct xma_pass *p, struct xma_bitmaps *m)
{
	int ret;

	ret = run_pass(p, m);
	if (ret || !p->lost_findings || p->max_findings == XMA_MAX_FINDINGS)
		return ret;
	ret = grow_findings(p);
	return ret ? ret : run_pass(p, m);
}

static int audit_in_slot(struct xma_result *res, struct xma_slot *slot)
{
	struct xma_pass *p = &slot->pass[0], *next = &slot->pass[1];
	unsigned int i, seen;
	int ret;

	ret = full_pass(p, &slot->maps);
	if (ret)
		return ret;
	res->passes = 1;
	seen = nr_violations(p);

	/* Findings, and tables in flight, must be there in every pass. */
	while (p->nr_findings && res->passes < XMA_PASSES) {
		synchronize_rcu();
		msleep(XMA_PASS_GAP_MS);
		ret = full_pass(next, &slot->maps);
		if (ret)
			return ret;
		res->passes++;
		seen += nr_violations(next);
		confirm(p, next);
		p->lost_findings = next->lost_findings;
	}

	/* Each pass matched every confirmed violation once: no wrap. */
	res->unconfirmed = seen - res->passes * nr_violations(p);
	for (i = 0; i < p->nr_findings; i++) {
		if (p->findings[i].kind == XMA_UNPLACED_PT)
			res->unplaced++;
		else
			res->violations[p->findings[i].kind]++;
	}
	res->ram_pfns = slot->maps.nr_pfns;
	return keep_result(res, p);
}

/*
 * verbose=2: one more pass, after the audit, that lists every page it
 * classifies.  The table list is allocated before the pass (nothing large
 * is allocated while it walks), sized by what the last pass visited; a
 * pass that overflows it runs again on a larger one.  The runs come from
 * its bitmaps, after it.  What still does not fit is counted as lost.
 */
static int list_pass(struct xma_result *res, struct xma_slot *slot)
{
	struct xma_pass *p = &slot->pass[1];
	unsigned int i, tries, want = 0;
	struct xma_listing *l = NULL;
	int ret = 0;

	for (i = 0; i < XMA_NR_LEVELS; i++)
		want += res->pass.visited[i];
	for (tries = 0; tries < 3; tries++) {
		want += want / 4 + 64;
		xma_listing_free(l);
		l = xma_listing_alloc(want);
		if (!l)
			return -ENOMEM;
		p->listing = l;
		ret = run_pass(p, &slot->maps);
		p->listing = NULL;
		if (ret || !l->lost_tables)
			break;
		want = l->nr_tables + l->lost_tables;
	}
	if (!ret)
		ret = xma_listing_add_runs(l, p);
	if (ret) {
		xma_listing_free(l);
		return ret;
	}
	res->listing = l;
	return 0;
}

int xma_audit(struct xma_result *res, bool list)
{
	u64 start = ktime_get_ns();
	struct xma_slot *slot;
	int ret;

	memset(res, 0, sizeof(*res));
	res->audited = true;
	res->mode = "xen-pv";
	slot = get_slot();
	if (!slot)
		return -EINTR;
	ret = audit_in_slot(res, slot);
	if (!ret && list)
		ret = list_pass(res, slot);
	put_slot(slot);
	res->memory_bytes = slots_bytes();
	res->duration_ns = ktime_get_ns() - start;
	if (ret)
		xma_result_free(res);
	return ret;
}

void xma_result_free(struct xma_result *res)
{
	kvfree(res->pass.findings);
	res->pass.findings = NULL;
	bitmap_free(res->initial_in_use);
	res->initial_in_use = NULL;
	xma_listing_free(res->listing);
	res->listing = NULL;
}
