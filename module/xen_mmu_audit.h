/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen_mmu_audit: runtime audit of pagetable-page protections in a Xen PV
 * guest.  Shared definitions of the walker, the checks and the report.
 */
#ifndef XEN_MMU_AUDIT_H
#define XEN_MMU_AUDIT_H

#include <linux/types.h>
#include <linux/sched.h>
#include <asm/pgtable.h>
#include "compat.h"

#define XMA_FORMAT_VERSION	1
/* Findings an audit keeps, and so the most "limit=N" may list. */
#define XMA_MAX_FINDINGS	4096
/* Of those, tables in flight (XMA_UNPLACED_PT) a pass keeps at most. */
#define XMA_MAX_UNPLACED	32
/* Distinct LDT page contents a pass remembers (audit.c) */
#define XMA_MAX_LDT_SUMS	32

enum xma_level {
	XMA_LVL_PGD,
	XMA_LVL_USER_PGD,	/* x86_64 PV: the pgd Xen uses in user mode */
	XMA_LVL_P4D,
	XMA_LVL_PUD,
	XMA_LVL_PMD,
	XMA_LVL_PTE,
	XMA_NR_LEVELS,
	XMA_LVL_NONE = XMA_NR_LEVELS,	/* a finding about a page, not a table */
};

enum xma_kind {
	XMA_WRITABLE_PT,	/* pagetable page writable in the linear map */
	XMA_PIN_MISMATCH,	/* PG_pinned disagrees with its tree */
	XMA_RO_LEAK,		/* read-only for no known reason */
	XMA_INITIAL_PT,		/* Xen's initial pagetable frame left behind */
	XMA_NR_KINDS,
	/*
	 * Not a violation: a pinned pagetable page that no walk found, in
	 * every pass of an audit (a table in flight, or leaked).
	 */
	XMA_UNPLACED_PT = XMA_NR_KINDS,
	XMA_MATCHED,		/* audit.c's confirm(): an entry used up */
};

struct xma_owner {
	pid_t pid;			/* 0 for init_mm */
	char comm[TASK_COMM_LEN];
};

struct xma_finding {
	enum xma_kind kind;
	enum xma_level level;
	unsigned long pfn;
	unsigned long mfn;
	unsigned long page_flags;	/* when found */
	struct xma_owner owner;
	const char *reason;
};

struct xma_initial_pt {
	unsigned long first_pfn;
	unsigned int frames;
	unsigned int in_use;		/* still a page of a walked pagetable */
	unsigned int released;		/* writable again */
	unsigned int stranded;		/* read-only or pinned, no pagetable */
	unsigned int unmapped;		/* not in the linear map */
};

/*
 * The listing (verbose=2, listing.c): every page one pass classified.
 * Each pagetable page as the walk met it (a page linked from two places
 * is there twice), then runs of pfns: read-only in the linear map for one
 * reason, or RAM with no linear mapping.
 */
struct xma_listed_table {
	unsigned long pfn;
	struct xma_owner owner;		/* its tree */
	enum xma_level level;
	bool pinned;			/* PG_pinned when walked */
	unsigned int links;		/* met so many times in a row */
};

struct xma_listed_run {
	unsigned long first, last;
	const char *what;		/* xma_ro_class(), "unmapped", "p2m" */
	bool ro;
	unsigned long mfn;		/* "p2m": the first pfn's frame */
};

struct xma_listing {
	struct xma_listed_table *tables;
	unsigned int nr_tables, max_tables;
	unsigned int lost_tables;	/* beyond max_tables */
	struct xma_listed_run *runs;
	unsigned int nr_runs, max_runs;
	unsigned int lost_runs;
};

/* One pass over all pagetables: what was seen and what is wrong. */
struct xma_pass {
	unsigned long nr_pfns;		/* pfns the bitmaps cover: max_pfn */
	unsigned long *pt_pages;	/* page of a walked pagetable */
	unsigned long *ro_linear;	/* linear-map pte present, read-only */
	unsigned long *ro_known;	/* known reason to be read-only */

	u64 visited[XMA_NR_LEVELS];
	u64 kernel_tables;		/* of those, init_mm's tree */
	u64 duration_ns;		/* wall time of this pass */
	unsigned int mms_audited;
	unsigned int mms_skipped;
	unsigned int mms_unowned;	/* pinned trees no task owns */
	/* Contents of the LDT pages noted: a fork's copy is known by them. */
	u32 ldt_sums[XMA_MAX_LDT_SUMS][2];
	unsigned int nr_ldt_sums;
	unsigned int ldt_copies;	/* RO pages known as such a copy */
	bool ldts_renoted;		/* xma_renote_ldts() ran */
	unsigned int raced;		/* table unlinked while being judged */
	unsigned int pt_in_flight;	/* pinned tables no walk found */
	unsigned int pt_uncovered;	/* tables beyond nr_pfns */
	struct xma_initial_pt initial_pt;
	unsigned long *initial_in_use;	/* per initial pt frame: a table */

	struct xma_finding *findings;
	unsigned int nr_findings;
	unsigned int max_findings;
	unsigned int lost_findings;	/* beyond max_findings */
	struct xma_listing *listing;	/* NULL: no listing in this pass */
};

/* The result of one audit, as the report prints it. */
struct xma_result {
	bool audited;
	const char *mode;
	struct xma_pass pass;		/* the confirming pass, no bitmaps */
	unsigned long *initial_in_use;	/* per initial pt frame: a table */
	u64 violations[XMA_NR_KINDS];
	unsigned int unconfirmed;	/* seen in one pass only */
	unsigned int unplaced;		/* XMA_UNPLACED_PT in every pass */
	unsigned int passes;
	unsigned long ram_pfns;		/* pfns the audit covered */
	unsigned long memory_bytes;	/* held by the module's audits */
	u64 duration_ns;
	struct xma_listing *listing;	/* verbose=2: a pass after the audit */
};

/* walker.c: read-only walk of one pagetable tree */
struct xma_walk;

struct xma_walk_ops {
	/* A pagetable page of @level; xma_walk_link_intact() may follow. */
	void (*table)(struct xma_walk *w, enum xma_level level,
		      unsigned long pfn);
	/* A present leaf mapping (NULL: do not descend into pte pages). */
	void (*leaf)(struct xma_walk *w, unsigned long va, unsigned long pfn,
		     unsigned long size, bool writable);
};

struct xma_walk {
	const struct xma_walk_ops *ops;
	void *data;
	bool irqs_off;		/* user tables: freed under mmap_read_lock */
	bool atomic;		/* caller holds a spinlock, interrupts off */
	/* The entry linking the table being visited, and its value then. */
	void *link;
	u64 link_val;
};

int xma_walker_init(void);
void xma_walk_root(struct xma_walk *w, enum xma_level level, pgd_t *pgd);
void xma_walk_range(struct xma_walk *w, pgd_t *pgd, unsigned int first,
		    unsigned int end);
void xma_walk_kernel_pmds(struct xma_walk *w, pgd_t *pgd, unsigned int first);
bool xma_walk_link_intact(struct xma_walk *w);

/* checks.c: judging what the walker finds */
struct xma_tree {
	struct xma_pass *pass;
	struct xma_owner owner;
	bool user;
	bool mark_only;		/* note the pages as pagetable pages, no more */
	u64 tables;		/* pagetable pages visited in this tree */
};

extern const struct xma_walk_ops xma_kernel_tree_ops;
extern const struct xma_walk_ops xma_user_tree_ops;
void xma_check_root_pinned(struct xma_tree *t, pgd_t *pgd);
void xma_check_detached_table(struct xma_tree *t, enum xma_level level,
			      void *table);
void xma_note_known_ro(struct xma_pass *p, unsigned long pfn);
int xma_check_ro_leaks(struct xma_pass *p);
void xma_check_initial_pt(struct xma_pass *p);
bool xma_still_unplaced(const struct xma_pass *p, unsigned long pfn);
bool xma_linear_pte(unsigned long pfn, bool *writable);
const char *xma_ro_class(const struct xma_pass *p, unsigned long pfn);

/* audit.c: which trees, in which order, under which locks */
int xma_audit_init(void);
void xma_audit_exit(void);
int xma_audit(struct xma_result *res, bool list);
void xma_result_free(struct xma_result *res);
pgd_t *xma_user_pgd(pgd_t *pgd);
const char *xma_known_ro_reason(unsigned long pfn);
bool xma_ldt_copy(const struct xma_pass *p, unsigned long pfn);
int xma_renote_ldts(struct xma_pass *p);

/* listing.c: verbose=2 */
struct xma_listing *xma_listing_alloc(unsigned int max_tables);
void xma_listing_free(struct xma_listing *l);
void xma_listing_add_table(struct xma_listing *l, unsigned long pfn,
			   enum xma_level level,
			   const struct xma_owner *owner, bool pinned);
int xma_listing_add_runs(struct xma_listing *l, const struct xma_pass *p);
unsigned int xma_xen_pt_level(enum xma_level level);

/* main.c: kernel-owned pagetables, found by symbol at load time */
#define XMA_MAX_MISSING	8
struct xma_kernel_tables {
	struct mm_struct *init_mm;
	struct mm_struct **poking_mm;	/* x86 text_poke's pinned mm */
	pte_t **p2m_template_pte[2];	/* p2m.c's spare pinned pte pages */
	struct list_head *pgd_list;	/* every user pgd, and its lock */
	spinlock_t *pgd_lock;
	char *image_ro_start;		/* kernel text to rodata's end */
	char *image_ro_end;
	unsigned long *max_pfn;		/* RAM's end, raised by hotplug */
	/* Memory hot-remove held off (memory hotplug kernels only) */
	void (*get_online_mems)(void);
	void (*put_online_mems)(void);
	/* What should be there and was not found: not audited, reported. */
	const char *missing[XMA_MAX_MISSING];
	const char *missing_why[XMA_MAX_MISSING];
	unsigned int nr_missing;
};

extern struct xma_kernel_tables xma_kernel;

/* report.c: debugfs file */
int xma_report_init(void);
void xma_report_exit(void);
const char *xma_level_name(enum xma_level level);
const char *xma_kind_name(enum xma_kind kind);

/* plant.c: negative control */
int xma_plant_init(void);
void xma_plant_next_pass(void);
bool xma_plant_hides(const struct mm_struct *mm);
void xma_plant_exit(void);

#endif /* XEN_MMU_AUDIT_H */
