// SPDX-License-Identifier: GPL-2.0
/*
 * xen-own-types: dom0's side of the cross-check with Xen's page types,
 * for dom0 itself.  xen-mfndump dumps a domU's types from its p2m, which
 * it cannot map for its own domain; this asks Xen about each of dom0's
 * own frames (XEN_DOMCTL_getpageframeinfo3, through libxenctrl's
 * xc_get_pfn_type_batch(), which no public header declares), with the
 * p2m the audit's listing gives (verbose=3, "list_p2m:" runs).
 *
 *   xen-own-types AUDIT_FILE
 *
 * Prints the audit (with verbose=3 set: its listing and p2m) between
 * XMA-LISTING-BEGIN/END and Xen's typed frames between
 * XMA-XEN-TYPES-BEGIN/END in xen-mfndump's format, for
 * compare-xen-types.py.  Everything this process needs is allocated and
 * touched, and libxenctrl called once, before the audit runs (at open):
 * its own pagetables are then in the listing and do not change after it.
 * libxenctrl is loaded with dlopen(), so that one binary serves each
 * Xen's library (its soname carries the Xen version).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TEXT_MAX	(16UL << 20)
#define FRAMES_MAX	(4UL << 20)	/* 16 GiB of dom0 */
#define BATCH		1024
/* public/domctl.h: the type in the top four bits of each entry */
#define PFINFO_SHIFT	28
#define PFINFO_MASK	(0xfUL << PFINFO_SHIFT)

typedef unsigned long xen_pfn_t;	/* x86_64 */
struct xc_interface_core;
typedef struct xc_interface_core *(*open_fn)(void *, void *, unsigned int);
typedef int (*types_fn)(struct xc_interface_core *, uint32_t, unsigned int,
			xen_pfn_t *);

static void *touched(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, bytes);
	return p;
}

static int fail(const char *what)
{
	printf("XMA-XCHECK: xen-own-types: %s\n", what);
	return 1;
}

int main(int argc, char **argv)
{
	static const char *const libs[] = {
		"libxenctrl.so.4.20", "libxenctrl.so.4.17", "libxenctrl.so",
	};
	xen_pfn_t *pfns, *arr, *mfns;
	struct xc_interface_core *xch;
	unsigned long n = 0, i, typed = 0;
	void *lib = NULL;
	size_t len = 0;
	ssize_t got;
	open_fn xopen;
	types_fn types;
	char *text, *line;
	int fd;

	if (argc != 2)
		return fail("usage: xen-own-types AUDIT_FILE");
	for (i = 0; !lib && i < sizeof(libs) / sizeof(libs[0]); i++)
		lib = dlopen(libs[i], RTLD_NOW);
	if (!lib)
		return fail("no libxenctrl");
	xopen = (open_fn)dlsym(lib, "xc_interface_open");
	types = (types_fn)dlsym(lib, "xc_get_pfn_type_batch");
	if (!xopen || !types)
		return fail("libxenctrl lacks xc_interface_open or xc_get_pfn_type_batch");
	text = touched(TEXT_MAX);
	pfns = touched(FRAMES_MAX * sizeof(*pfns));
	arr = touched(FRAMES_MAX * sizeof(*arr));
	mfns = touched(BATCH * sizeof(*mfns));
	if (!text || !pfns || !arr || !mfns)
		return fail("out of memory");
	/* stdio's buffer, now */
	printf("XMA-XCHECK: xen-own-types: asking Xen about dom0's frames\n");
	xch = xopen(NULL, NULL, 0);
	if (!xch)
		return fail("xc_interface_open failed");
	/* Once before the audit, at full size: its buffers exist by then. */
	if (types(xch, 0, BATCH, arr))
		return fail("XEN_DOMCTL_getpageframeinfo3 on dom0 refused");

	fd = open(argv[1], O_RDONLY);	/* the audit runs now */
	if (fd < 0)
		return fail("cannot open the audit file");
	while ((got = read(fd, text + len, TEXT_MAX - 1 - len)) > 0)
		len += got;
	close(fd);
	if (got < 0 || len == TEXT_MAX - 1)
		return fail("reading the audit failed or it is too long");
	text[len] = '\0';
	printf("XMA-LISTING-BEGIN\n%sXMA-LISTING-END\n", text);

	for (line = text; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		unsigned long first, last, mfn;

		if (sscanf(line, "list_p2m: pfns=0x%lx-0x%lx mfn=0x%lx",
			   &first, &last, &mfn) != 3)
			continue;
		for (; first <= last && n < FRAMES_MAX; first++, n++) {
			pfns[n] = first;
			arr[n] = mfn++;
		}
	}
	if (!n || n == FRAMES_MAX)
		return fail("no list_p2m runs in the listing, or too many frames");

	printf("XMA-XEN-TYPES-BEGIN\n");
	for (i = 0; i < n; i += BATCH) {
		unsigned int num = n - i < BATCH ? n - i : BATCH;
		unsigned int j;

		memcpy(mfns, arr + i, num * sizeof(*mfns));
		if (types(xch, 0, num, arr + i))
			return fail("XEN_DOMCTL_getpageframeinfo3 failed");
		for (j = 0; j < num; j++) {
			unsigned long t = (arr[i + j] & PFINFO_MASK) >> PFINFO_SHIFT;

			if (!t)
				continue;
			typed++;
			printf("  pfn=0x%lx ==> mfn=0x%lx (type 0x%lx)\n",
			       pfns[i + j], mfns[j], t);
		}
	}
	printf("XMA-XEN-TYPES-END\n");
	printf("XMA-XCHECK: xen-own-types: %lu frames asked, %lu typed\n", n, typed);
	return 0;
}
