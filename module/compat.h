/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xen_mmu_audit: what older kernels lack, in the names the module uses.
 *
 * The module is written against the current kernel API.  This header fills
 * in, for older kernels, each interface the module needs that they do not
 * have, under the name the current kernel gives it, so that the rest of
 * the module needs no version checks.  Built and run on 6.12 and on
 * 2.6.37; the version boundaries in between are the upstream ones as far
 * as known, but untested.  Nothing here writes a pagetable.
 */
#ifndef XEN_MMU_AUDIT_COMPAT_H
#define XEN_MMU_AUDIT_COMPAT_H

#include <linux/version.h>
#include <linux/bitmap.h>
#include <linux/highmem.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/pgtable.h>
#include <asm/xen/hypervisor.h>
#include <asm/xen/page.h>
#include <xen/interface/xen.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 11, 0)
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 7, 0)
#include <linux/kprobes.h>
#endif

/* A pfn the p2m gives a frame of the guest's own (not a hole, I/O, foreign) */
static inline bool xma_pfn_has_frame(unsigned long pfn)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 0, 0)
	unsigned long mfn = __pfn_to_mfn(pfn);

	return mfn != INVALID_P2M_ENTRY &&
	       !(mfn & (IDENTITY_FRAME_BIT | FOREIGN_FRAME_BIT));
#else
	return pfn_to_mfn(pfn) != INVALID_P2M_ENTRY;
#endif
}

/* Accessing an entry once */
#ifndef READ_ONCE
#define READ_ONCE(x)	ACCESS_ONCE(x)
#endif
#ifndef WRITE_ONCE
#define WRITE_ONCE(x, val)	(ACCESS_ONCE(x) = (val))
#endif

/*
 * Pagetable levels.  Before 4.11 there is no p4d level: it is folded into
 * the pgd, as the generic pgtable-nop4d.h folds it today.
 */
#ifndef PTRS_PER_P4D
#define p4d_t			pgd_t
#define PTRS_PER_P4D		1
#define P4D_SIZE		PGDIR_SIZE

static inline p4d_t *p4d_offset(pgd_t *pgd, unsigned long address)
{
	return pgd;
}

static inline int p4d_none(p4d_t p4d)
{
	return pgd_none(p4d);
}

static inline int p4d_present(p4d_t p4d)
{
	return pgd_present(p4d);
}

static inline pgdval_t native_p4d_val(p4d_t p4d)
{
	return native_pgd_val(p4d);
}

static inline unsigned long p4d_pfn(p4d_t p4d)
{
	return (pgd_val(p4d) & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline pud_t *p4d_pgtable(p4d_t p4d)
{
	return (pud_t *)pgd_page_vaddr(p4d);
}

static inline unsigned long pgd_pfn(pgd_t pgd)
{
	return (pgd_val(pgd) & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline unsigned long pud_pfn(pud_t pud)
{
	return (pud_val(pud) & PTE_PFN_MASK) >> PAGE_SHIFT;
}
#elif LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 0)
#define p4d_pgtable(p4d)	((pud_t *)p4d_page_vaddr(p4d))
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 0)
#define pud_pgtable(pud)	((pmd_t *)pud_page_vaddr(pud))
#endif

#ifndef pmd_leaf
#define pmd_leaf(pmd)		pmd_large(pmd)
#define pud_leaf(pud)		pud_large(pud)
#endif

#ifndef pmd_write
#define pmd_write(pmd)		(pmd_flags(pmd) & _PAGE_RW)
#endif
#ifndef pud_write
#define pud_write(pud)		(pud_flags(pud) & _PAGE_RW)
#endif

/* Xen's hole in the x86_64 address space (see arch/x86/xen/mmu_pv.c) */
#if defined(CONFIG_X86_64) && !defined(GUARD_HOLE_BASE_ADDR)
#define GUARD_HOLE_BASE_ADDR	(-(1UL << __VIRTUAL_MASK_SHIFT))
#define GUARD_HOLE_END_ADDR	PAGE_OFFSET
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 18, 0)
static inline s64 sign_extend64(u64 value, int index)
{
	u8 shift = 63 - index;

	return (s64)(value << shift) >> shift;
}
#endif

/*
 * A pte page, mapped for reading.  Kernel pte pages are in lowmem, but
 * an x86_32 kernel with CONFIG_HIGHPTE keeps user ones in highmem.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
#define xma_map_table(page)	kmap_local_page(page)
#define xma_unmap_table(addr)	kunmap_local(addr)
#else
#define xma_map_table(page)	__kmap_atomic(page)
#define xma_unmap_table(addr)	__kunmap_atomic(addr)
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define pte_mkwrite_novma(pte)	pte_mkwrite(pte)
#endif

/*
 * x86's pgd_list: the pgd pages' page descriptors, linked through
 * pt_list since 6.6, through page->lru before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define xma_pgd_desc		ptdesc
#define xma_pgd_desc_link	pt_list
#define xma_pgd_desc_address(d)	ptdesc_address(d)
#else
#define xma_pgd_desc		page
#define xma_pgd_desc_link	lru
#define xma_pgd_desc_address(d)	page_address(d)
#endif

/* The mm a pgd belongs to (pgd_set_mm()): in page->index before 4.18. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 18, 0)
#define xma_pgd_desc_mm(d)	((d)->pt_mm)
#else
#define xma_pgd_desc_mm(d)	((struct mm_struct *)(d)->index)
#endif

/*
 * Pagetable pages have a page type since 4.18.  Before, only PG_pinned
 * tells one from another page (the pv-mmu code sets it on pagetable pages
 * only), so any page may be one.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 18, 0)
#define XMA_HAS_PAGE_TABLE_TYPE	1
#define xma_page_table(page)	PageTable(page)
/* The negative control's leaked table (plant.c), nothing else. */
#define xma_set_page_table(page)	__SetPageTable(page)
#define xma_clear_page_table(page)	__ClearPageTable(page)
#else
#define XMA_HAS_PAGE_TABLE_TYPE	0
static inline bool xma_page_table(struct page *page)
{
	return false;
}

static inline void xma_set_page_table(struct page *page)
{
}

static inline void xma_clear_page_table(struct page *page)
{
}
#endif

/*
 * A pagetable entry read in one piece.  On x86_32 PAE an entry is 64 bits
 * and a CPU reads it in two halves: re-read until the low half, the one
 * with the present bit, did not change around the high half (as
 * ptep_get_lockless() does).
 */
static inline u64 xma_read_u64(const void *p)
{
#ifdef CONFIG_X86_PAE
	const u32 *half = p;
	u32 lo, hi;

	do {
		lo = READ_ONCE(half[0]);
		/* The high half after the low one, */
		smp_rmb();
		hi = READ_ONCE(half[1]);
		/* and the low one again after the high one. */
		smp_rmb();
	} while (lo != READ_ONCE(half[0]));
	return (u64)hi << 32 | lo;
#else
	return READ_ONCE(*(const u64 *)p);
#endif
}

/* *@ptr, a pagetable entry of any level, read by xma_read_u64(). */
#define xma_read_entry(ptr) ({						\
	__auto_type __ptr = (ptr);					\
	typeof(*__ptr) __entry;						\
	u64 __val = xma_read_u64(__ptr);				\
									\
	BUILD_BUG_ON(sizeof(__entry) != sizeof(__val));		\
	memcpy(&__entry, &__val, sizeof(__entry));			\
	__entry;							\
})

/* mm and task references, mmap lock */
#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 11, 0)
static inline bool mmget_not_zero(struct mm_struct *mm)
{
	return atomic_inc_not_zero(&mm->mm_users);
}

static inline void mmgrab(struct mm_struct *mm)
{
	atomic_inc(&mm->mm_count);
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 8, 0)
/* down_read_killable() is 4.15's: before, the wait cannot be killed. */
static inline int mmap_read_lock_killable(struct mm_struct *mm)
{
	down_read(&mm->mmap_sem);
	return 0;
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_sem);
}
#endif

/* get_task_comm() is exported since 3.0 (untested: taken as 3.0). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 0, 0)
static inline char *xma_get_task_comm(char *buf, struct task_struct *tsk)
{
	task_lock(tsk);
	memcpy(buf, tsk->comm, TASK_COMM_LEN);
	buf[TASK_COMM_LEN - 1] = '\0';
	task_unlock(tsk);
	return buf;
}

#define get_task_comm(buf, tsk)	xma_get_task_comm(buf, tsk)
#endif

/*
 * The thread after @t in the thread group of @p, NULL after the last
 * (under rcu_read_lock).  __next_thread() is 6.7's at the latest; before,
 * the group is a ring, as while_each_thread() walks it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static inline struct task_struct *xma_next_thread(struct task_struct *p,
						  struct task_struct *t)
{
	return __next_thread(t);
}
#else
static inline struct task_struct *xma_next_thread(struct task_struct *p,
						  struct task_struct *t)
{
	t = next_thread(t);
	return t == p ? NULL : t;
}
#endif

/*
 * LDTs: Xen makes their pages read-only.  Before 4.3 every x86 kernel has
 * them (mm->context.ldt, .size entries, .lock); since, only with
 * CONFIG_MODIFY_LDT_SYSCALL (mm->context.ldt->entries, ->nr_entries).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 3, 0)
#include <asm/ldt.h>
#define XMA_HAVE_LDT
static inline void xma_ldt_get(mm_context_t *ctx, void **va, unsigned long *size)
{
	*va = READ_ONCE(ctx->ldt);
	*size = (unsigned long)READ_ONCE(ctx->size) * LDT_ENTRY_SIZE;
}

#define xma_ldt_lock(mm)	mutex_lock(&(mm)->context.lock)
#define xma_ldt_unlock(mm)	mutex_unlock(&(mm)->context.lock)
#elif defined(CONFIG_MODIFY_LDT_SYSCALL)
#include <asm/mmu_context.h>
#define XMA_HAVE_LDT
static inline void xma_ldt_get(mm_context_t *ctx, void **va, unsigned long *size)
{
	struct ldt_struct *ldt = READ_ONCE(ctx->ldt);

	*va = ldt ? ldt->entries : NULL;
	*size = ldt ? (unsigned long)ldt->nr_entries * LDT_ENTRY_SIZE : 0;
}

#define xma_ldt_lock(mm)	down_read(&(mm)->context.ldt_usr_sem)
#define xma_ldt_unlock(mm)	up_read(&(mm)->context.ldt_usr_sem)
#endif

/* Allocation: kmalloc, or vmalloc when that fails (kvmalloc is 4.12's) */
#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 15, 0)
static inline void kvfree(const void *addr)
{
	if (is_vmalloc_addr(addr))
		vfree(addr);
	else
		kfree(addr);
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 12, 0)
static inline void *kvmalloc(size_t size, gfp_t flags)
{
	void *p;

	/* Large sizes: no retries, no warning, vmalloc is the fallback. */
	if (size <= PAGE_SIZE)
		return kmalloc(size, flags);
	p = kmalloc(size, flags | __GFP_NOWARN | __GFP_NORETRY);
	return p ? p : __vmalloc(size, flags | __GFP_HIGHMEM, PAGE_KERNEL);
}

static inline void *kvmalloc_array(size_t n, size_t size, gfp_t flags)
{
	if (size && n > ULONG_MAX / size)
		return NULL;
	return kvmalloc(n * size, flags);
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 18, 0)
static inline void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	return kvmalloc_array(n, size, flags | __GFP_ZERO);
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 19, 0)
static inline unsigned long *bitmap_zalloc(unsigned int nbits, gfp_t flags)
{
	return kcalloc(BITS_TO_LONGS(nbits), sizeof(unsigned long), flags);
}

static inline void bitmap_free(const unsigned long *bitmap)
{
	kfree(bitmap);
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 0, 0)
static inline void *bsearch(const void *key, const void *base, size_t num,
			    size_t size,
			    int (*cmp)(const void *key, const void *elt))
{
	size_t lo = 0, hi = num;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const void *elt = base + mid * size;
		int r = cmp(key, elt);

		if (!r)
			return (void *)elt;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
#else
#include <linux/bsearch.h>
#endif

/* Time */
#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 17, 0)
static inline u64 ktime_get_ns(void)
{
	return ktime_to_ns(ktime_get());
}
#endif

/*
 * A page's flags word: page->flags is an unsigned long, or (since 6.18)
 * a memdesc_flags_t that wraps one.  Read the word either way, so that no
 * version check is needed where a distro may backport the type.
 */
#define xma_page_flags_word(page) ({					\
	BUILD_BUG_ON(sizeof((page)->flags) != sizeof(unsigned long));	\
	READ_ONCE(*(unsigned long *)&(page)->flags);			\
})

/*
 * Trees the module must find by symbol, and since when they exist: x86's
 * text_poke mm (poking_mm since 5.2, named text_poke_mm in 7.3) and p2m.c's
 * spare pte pages (the p2m list, 3.19).  A kernel that should have one
 * and does not is reported as not audited, never skipped in silence.
 */
#define XMA_HAS_TEXT_POKE_MM	(LINUX_VERSION_CODE >= KERNEL_VERSION(5, 2, 0))
#define XMA_HAS_P2M_SPARE_PTES	(LINUX_VERSION_CODE >= KERNEL_VERSION(3, 19, 0))

/* One zeroed object of P's type, GFP_KERNEL: kzalloc_obj() is 7.x's. */
#ifndef kzalloc_obj
#define kzalloc_obj(P)	kzalloc(sizeof(P), GFP_KERNEL)
#endif

/* %pGp (page flags by name) is 4.5's; before, the flags in hex. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 5, 0)
#define XMA_PAGE_FLAGS_FMT	"%pGp"
#define xma_page_flags_arg(f)	(f)
#else
#define XMA_PAGE_FLAGS_FMT	"0x%lx"
#define xma_page_flags_arg(f)	(*(f))
#endif

/*
 * The pfns the p2m covers: xen_p2m_size since 3.19; before, RAM ends at
 * num_physpages (exported until 3.10).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(3, 19, 0)
#define xma_p2m_size()		xen_p2m_size
#elif LINUX_VERSION_CODE < KERNEL_VERSION(3, 11, 0)
#define xma_p2m_size()		num_physpages
#else
#error "xen_mmu_audit: no p2m size known for kernels 3.11 to 3.18"
#endif

/*
 * Xen's initial p2m frames (start_info's first_p2m_pfn, nr_p2m_frames):
 * 2.6.37's interface header does not have them yet; 3.19 (the p2m list)
 * is a safe bound.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(3, 19, 0)
static inline bool xma_in_initial_p2m(unsigned long pfn)
{
	return pfn >= xen_start_info->first_p2m_pfn &&
	       pfn < xen_start_info->first_p2m_pfn +
		     xen_start_info->nr_p2m_frames;
}
#else
static inline bool xma_in_initial_p2m(unsigned long pfn)
{
	return false;
}
#endif

/*
 * kallsyms_lookup_name(): exported until 5.7; since, a kprobe on it gives
 * its address.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 7, 0)
#define XMA_LOOKUP_NEEDS	"CONFIG_KPROBES"
static inline int xma_find_lookup(unsigned long (**fn)(const char *name))
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	int ret = register_kprobe(&kp);

	if (ret < 0)
		return ret;
	*fn = (void *)kp.addr;
	unregister_kprobe(&kp);
	return *fn ? 0 : -ENOENT;
}
#else
#define XMA_LOOKUP_NEEDS	"CONFIG_KALLSYMS"
static inline int xma_find_lookup(unsigned long (**fn)(const char *name))
{
	*fn = kallsyms_lookup_name;
	return 0;
}
#endif

#endif /* XEN_MMU_AUDIT_COMPAT_H */
