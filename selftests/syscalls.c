// SPDX-License-Identifier: GPL-2.0
/*
 * Every syscall on the report and on the control file, as a syscall fuzzer
 * would try them.  Each must get the answer the kernel defines for a file
 * with the module's methods, and no setting may change unless a command
 * was valid (the fixture's teardown fails a test that changed one).
 * Included by xen_mmu_audit_test.c, after the harness and the fixture.
 *
 * The report has open (an audit, and single_open(), for a reader only),
 * read = seq_read, llseek (seq_lseek for a reader, -ESPIPE otherwise) and
 * release; the control file has nonseekable_open and write.  Neither has
 * mmap, ioctl or poll.  So, from the VFS (2.6.37 to 7.3 alike, debugfs'
 * proxy giving the same errors as a missing method):
 *
 *   read, pread, readv  without FMODE_READ: EBADF; with it but no read
 *                       method (control file): EINVAL
 *   write, writev       without FMODE_WRITE: EBADF; no write method
 *                       (report): EINVAL
 *   pread, pwrite       negative offset: EINVAL, first; a seq_file has no
 *                       pwrite, nonseekable_open() no pread/pwrite: ESPIPE
 *   lseek               whence > SEEK_MAX: EINVAL; nonseekable: ESPIPE
 *                       (2.6.37: SEEK_DATA/SEEK_HOLE are > SEEK_MAX);
 *                       seq_lseek: SEEK_SET/SEEK_CUR to >= 0 only, any
 *                       offset past the end, then read() gives 0
 *   read at pos where pos + count overflows: EINVAL
 *   mmap                without FMODE_READ (or PROT_WRITE|MAP_SHARED
 *                       without FMODE_WRITE): EACCES; then ENODEV
 *   ioctl               ENOTTY (but the VFS's own, such as FIOCLEX)
 *   poll                DEFAULT_POLLMASK: POLLIN|POLLOUT
 *   epoll_ctl           EPERM (no poll method), or, where debugfs' proxy
 *                       has one (7.x), POLLIN|POLLOUT
 *   open                O_DIRECT: EINVAL (no direct I/O), O_DIRECTORY:
 *                       ENOTDIR, O_CREAT|O_EXCL: EEXIST; O_TRUNC, O_APPEND,
 *                       O_NONBLOCK and access mode 3 (neither read nor
 *                       write) open
 */
#include <limits.h>
#include <poll.h>
#include <termios.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define PAGE		4096

/* A syscall's return value, or -errno if it failed. */
static long long sys_ret(long long ret)
{
	return ret < 0 ? -errno : ret;
}

struct open_case {
	const char *name;
	int flags;
};

#define OPEN_CASE(flags)	{ #flags, flags }

static bool readable(int flags)
{
	return (flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR;
}

static bool writable(int flags)
{
	return (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
}

/* Two pages, the second one inaccessible: the first, or NULL. */
static char *guarded_page(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + PAGE, PAGE, PROT_NONE)) {
		munmap(p, 2 * PAGE);
		return NULL;
	}
	return p;
}

/* Read all of @fd, @chunk bytes a read; the length, or -errno. */
static ssize_t read_all(int fd, char *buf, size_t size, size_t chunk)
{
	size_t len = 0;
	ssize_t n;

	while (len < size) {
		n = read(fd, buf + len, chunk < size - len ? chunk : size - len);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += n;
	}
	return len;
}

/*
 * The line structure of a report: its keys in order, a run of one key as
 * one, the findings left out (two audits may differ in them).
 */
static void report_shape(const char *text, size_t len, char *out,
			 size_t size)
{
	const char *line = text, *end = text + len, *prev = "";
	size_t used = 0, klen, plen = 0;

	out[0] = '\0';
	while (line < end) {
		const char *nl = memchr(line, '\n', end - line);

		if (!nl)
			nl = end;
		klen = strcspn(line, ":\n");
		if (klen > (size_t)(nl - line))
			klen = nl - line;
		if ((klen != 7 || memcmp(line, "finding", 7)) &&
		    (klen != plen || memcmp(line, prev, klen)) &&
		    used + klen + 2 < size) {
			memcpy(out + used, line, klen);
			used += klen;
			out[used++] = ',';
			out[used] = '\0';
		}
		if (klen != 7 || memcmp(line, "finding", 7)) {
			prev = line;
			plen = klen;
		}
		line = nl + 1;
	}
}

/* The settings are @want's, as the parameters say. */
static void expect_settings(struct __test_metadata *_metadata,
			    const struct settings *want, const char *after)
{
	struct settings now;
	int ret = settings_get(&now);

	EXPECT_EQ(0, ret) TH_LOG("after %s: %s", after, strerror(-ret));
	if (ret)
		return;
	EXPECT_EQ(want->limit, now.limit) TH_LOG("limit, after %s", after);
	EXPECT_EQ(want->verbose, now.verbose)
		TH_LOG("verbose, after %s", after);
	EXPECT_EQ(want->plant, now.plant) TH_LOG("plant, after %s", after);
}

/* The next report agrees with @want: the settings took effect, or not. */
static void expect_report_settings(struct __test_metadata *_metadata,
				   const struct settings *want)
{
	struct audit a;

	EXPECT_EQ(0, audit_read(&a));
	EXPECT_EQ(want->limit, a.limit);
	EXPECT_EQ(want->verbose, a.verbose);
	audit_free(&a);
}

/* poll() and epoll on @fd: what a file without a poll method gives. */
static void expect_default_poll(struct __test_metadata *_metadata, int fd,
				const char *name)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLPRI };
	int epfd, ret;

	EXPECT_EQ(1, poll(&pfd, 1, 0)) TH_LOG("%s: poll", name);
	EXPECT_EQ(POLLIN | POLLOUT, pfd.revents) TH_LOG("%s: poll", name);

	/* A kernel without CONFIG_EPOLL (tinyconfig) has no epoll to try. */
	epfd = epoll_create1(0);
	if (epfd < 0 && syscall_missing(errno))
		return;
	ASSERT_GE(epfd, 0) TH_LOG("%s: epoll_create1: %s", name,
				  strerror(errno));
	ret = sys_ret(epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev));
	if (ret) {
		EXPECT_EQ(-EPERM, ret) TH_LOG("%s: epoll_ctl", name);
	} else {
		memset(&ev, 0, sizeof(ev));
		EXPECT_EQ(1, epoll_wait(epfd, &ev, 1, 0))
			TH_LOG("%s: epoll_wait", name);
		EXPECT_EQ(EPOLLIN | EPOLLOUT, ev.events)
			TH_LOG("%s: epoll_wait", name);
	}
	close(epfd);
}

/*
 * fstat(2) itself: glibc's fstat() is fstatat(fd, "", AT_EMPTY_PATH),
 * which kernels before 2.6.39 answer with ENOENT.  With 64-bit file
 * offsets glibc's struct stat is the kernel's (stat64 on i386).
 */
static int raw_fstat(int fd, struct stat *st)
{
#ifdef SYS_fstat64
	return syscall(SYS_fstat64, fd, st);
#else
	return syscall(SYS_fstat, fd, st);
#endif
}

/* mmap, ioctl, poll and fstat on @fd, opened with @flags, of mode @perm. */
static void expect_no_mmap_ioctl(struct __test_metadata *_metadata, int fd,
				 int flags, mode_t perm, const char *name)
{
	int no_read = readable(flags) ? -ENODEV : -EACCES;
	struct termios tio;
	struct stat st;
	void *p;
	int v = 0;

	errno = 0;
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	/* As booleans: the harness casts pointers, which warns on i386. */
	EXPECT_TRUE(p == MAP_FAILED) TH_LOG("%s: mmap private", name);
	EXPECT_EQ(no_read, -errno) TH_LOG("%s: mmap private", name);
	errno = 0;
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT_TRUE(p == MAP_FAILED) TH_LOG("%s: mmap shared", name);
	EXPECT_EQ(no_read, -errno) TH_LOG("%s: mmap shared", name);
	errno = 0;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT_TRUE(p == MAP_FAILED) TH_LOG("%s: mmap shared rw", name);
	EXPECT_EQ(writable(flags) ? no_read : -EACCES, -errno)
		TH_LOG("%s: mmap shared rw", name);

	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(fd, 0, 0)))
		TH_LOG("%s: ioctl 0", name);
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(fd, TCGETS, &tio)))
		TH_LOG("%s: ioctl TCGETS", name);
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(fd, _IOR(0xb7, 0x42, int), &v)))
		TH_LOG("%s: ioctl of no one", name);
	/* The VFS's own ioctls still work. */
	EXPECT_EQ(0, ioctl(fd, FIOCLEX)) TH_LOG("%s: FIOCLEX", name);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC)
		TH_LOG("%s: FIOCLEX", name);

	expect_default_poll(_metadata, fd, name);

	ASSERT_EQ(0, raw_fstat(fd, &st)) TH_LOG("%s: fstat: %s", name,
						strerror(errno));
	EXPECT_TRUE(S_ISREG(st.st_mode)) TH_LOG("%s: fstat", name);
	EXPECT_EQ(perm, st.st_mode & 07777) TH_LOG("%s: fstat", name);
	EXPECT_EQ(0, st.st_size) TH_LOG("%s: fstat", name);
	EXPECT_EQ(1, st.st_nlink) TH_LOG("%s: fstat", name);
}

/* lseek on a file without a position: ESPIPE, or EINVAL for bad whence. */
static void expect_no_position(struct __test_metadata *_metadata, int fd,
			       const char *name)
{
	static const off_t offsets[] = { 0, 1, -1, 1LL << 40, LLONG_MAX };
	static const int whence[] = { SEEK_SET, SEEK_CUR, SEEK_END };
	unsigned int i, j;
	long long ret;

	for (i = 0; i < ARRAY_SIZE(whence); i++) {
		for (j = 0; j < ARRAY_SIZE(offsets); j++) {
			ret = sys_ret(lseek(fd, offsets[j], whence[i]));
			EXPECT_EQ(-ESPIPE, ret)
				TH_LOG("%s: lseek(%lld, %d)", name,
				       (long long)offsets[j], whence[i]);
		}
	}
	/* 2.6.37 has no SEEK_DATA or SEEK_HOLE: EINVAL there. */
	ret = sys_ret(lseek(fd, 0, SEEK_DATA));
	EXPECT_TRUE(ret == -ESPIPE || ret == -EINVAL)
		TH_LOG("%s: SEEK_DATA gave %lld", name, ret);
	ret = sys_ret(lseek(fd, 0, SEEK_HOLE));
	EXPECT_TRUE(ret == -ESPIPE || ret == -EINVAL)
		TH_LOG("%s: SEEK_HOLE gave %lld", name, ret);
	EXPECT_EQ(-EINVAL, sys_ret(lseek(fd, 0, 5))) TH_LOG("%s", name);
	EXPECT_EQ(-EINVAL, sys_ret(lseek(fd, 0, 99))) TH_LOG("%s", name);
}

/*
 * The opens that must fail, on either file: O_CREAT|O_EXCL, O_DIRECTORY,
 * a trailing slash, O_DIRECT (after ->open: the report's audit is undone
 * by its release).
 */
static void expect_bad_opens(struct __test_metadata *_metadata,
			     const char *path)
{
	static const int acc[] = { O_RDONLY, O_WRONLY, O_RDWR };
	char slash[128];
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(acc); i++) {
		fd = open(path, acc[i] | O_CREAT | O_EXCL, 0600);
		EXPECT_EQ(-EEXIST, sys_ret(fd)) TH_LOG("%s O_EXCL %d", path, i);
		if (fd >= 0)
			close(fd);
		fd = open(path, acc[i] | O_DIRECTORY);
		EXPECT_EQ(-ENOTDIR, sys_ret(fd)) TH_LOG("%s O_DIRECTORY", path);
		if (fd >= 0)
			close(fd);
		fd = open(path, acc[i] | O_DIRECT);
		EXPECT_EQ(-EINVAL, sys_ret(fd)) TH_LOG("%s O_DIRECT", path);
		if (fd >= 0)
			close(fd);
	}
	snprintf(slash, sizeof(slash), "%s/", path);
	fd = open(slash, O_RDONLY);
	EXPECT_EQ(-ENOTDIR, sys_ret(fd)) TH_LOG("%s", slash);
	if (fd >= 0)
		close(fd);
}

/*
 * A write-only open of the report (any flags; access mode 3 too) runs no
 * audit and has no seq_file: no position, nothing to read, nothing it can
 * write.  The lseek used to follow the missing seq_file into an oops.
 */
TEST_F_TIMEOUT(audit, syscalls_on_the_file, 120)
{
	static const struct open_case opens[] = {
		OPEN_CASE(O_WRONLY),
		OPEN_CASE(O_WRONLY | O_APPEND),
		OPEN_CASE(O_WRONLY | O_TRUNC),
		OPEN_CASE(O_WRONLY | O_NONBLOCK),
		OPEN_CASE(O_WRONLY | O_CREAT),
		OPEN_CASE(O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC),
		/* Linux's "ioctl only" access mode: read nor write. */
		OPEN_CASE(O_ACCMODE),
	};
	char buf[64] = "limit=5";
	struct iovec iov = { .iov_base = buf, .iov_len = 7 };
	unsigned int i;
	struct audit a;
	int fd, no_write;

	for (i = 0; i < ARRAY_SIZE(opens); i++) {
		const char *name = opens[i].name;

		fd = open(AUDIT_FILE, opens[i].flags, 0600);
		ASSERT_GE(fd, 0) TH_LOG("%s: %s", name, strerror(errno));
		expect_no_position(_metadata, fd, name);
		EXPECT_EQ(-EBADF, sys_ret(read(fd, buf, 16))) TH_LOG("%s", name);
		EXPECT_EQ(-EBADF, sys_ret(read(fd, buf, 0))) TH_LOG("%s", name);
		EXPECT_EQ(-EBADF, sys_ret(pread(fd, buf, 16, 0)))
			TH_LOG("%s", name);
		EXPECT_EQ(-EBADF, sys_ret(readv(fd, &iov, 1)))
			TH_LOG("%s", name);
		EXPECT_EQ(-EINVAL, sys_ret(pread(fd, buf, 16, -1)))
			TH_LOG("%s", name);
		/* The report takes no command: that is the control file's. */
		no_write = writable(opens[i].flags) ? -EINVAL : -EBADF;
		EXPECT_EQ(no_write, sys_ret(write(fd, "limit=5", 7)))
			TH_LOG("%s", name);
		EXPECT_EQ(no_write, sys_ret(write(fd, buf, 0)))
			TH_LOG("%s", name);
		EXPECT_EQ(no_write, sys_ret(writev(fd, &iov, 1)))
			TH_LOG("%s", name);
		EXPECT_EQ(no_write, sys_ret(pwrite(fd, "limit=5", 7, 0)))
			TH_LOG("%s", name);
		EXPECT_EQ(-EINVAL, sys_ret(pwrite(fd, "limit=5", 7, -1)))
			TH_LOG("%s", name);
		expect_no_mmap_ioctl(_metadata, fd, opens[i].flags, 0400, name);
		EXPECT_EQ(0, close(fd));
	}
	/* Nothing of that changed a setting, and audits go on. */
	expect_settings(_metadata, &self->saved, "write-only opens");
	ASSERT_EQ(0, audit_read(&a)) TH_LOG("the report after the writers");
	EXPECT_EQ(self->saved.limit, a.limit);
	audit_free(&a);
}

/* Every open for reading runs an audit that reads whole and well-formed. */
TEST_F_TIMEOUT(audit, report_open_modes, 120)
{
	static const struct open_case opens[] = {
		OPEN_CASE(O_RDONLY),
		OPEN_CASE(O_RDWR),
		OPEN_CASE(O_RDONLY | O_APPEND),
		OPEN_CASE(O_RDWR | O_APPEND),
		OPEN_CASE(O_RDONLY | O_TRUNC),
		OPEN_CASE(O_RDWR | O_TRUNC),
		OPEN_CASE(O_RDONLY | O_NONBLOCK),
		OPEN_CASE(O_RDWR | O_NONBLOCK),
		OPEN_CASE(O_RDONLY | O_CREAT),
		OPEN_CASE(O_RDONLY | O_SYNC),
		OPEN_CASE(O_RDONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC),
	};
	char *buf = malloc(AUDIT_MAX);
	struct iovec iov = { .iov_base = "limit=5", .iov_len = 7 };
	const char *why = "";
	unsigned int i;
	struct audit a;
	int fd, no_write;
	ssize_t n;

	ASSERT_TRUE(!!buf);
	for (i = 0; i < ARRAY_SIZE(opens); i++) {
		const char *name = opens[i].name;

		fd = open(AUDIT_FILE, opens[i].flags, 0600);
		ASSERT_GE(fd, 0) TH_LOG("%s: %s", name, strerror(errno));
		n = read(fd, buf, AUDIT_MAX);
		ASSERT_GT(n, 0) TH_LOG("%s: %s", name, strerror(errno));
		EXPECT_EQ(0, report_check(buf, n, &why))
			TH_LOG("%s: %s", name, why);
		EXPECT_EQ(0, audit_parse(&a, buf, n)) TH_LOG("%s", name);
		EXPECT_TRUE(a.audited) TH_LOG("%s", name);
		EXPECT_EQ(self->saved.limit, a.limit) TH_LOG("%s", name);
		audit_free(&a);
		/* One read took it all. */
		EXPECT_EQ(0, read(fd, buf, AUDIT_MAX)) TH_LOG("%s", name);
		no_write = writable(opens[i].flags) ? -EINVAL : -EBADF;
		EXPECT_EQ(no_write, sys_ret(write(fd, "limit=5", 7)))
			TH_LOG("%s", name);
		EXPECT_EQ(no_write, sys_ret(writev(fd, &iov, 1)))
			TH_LOG("%s", name);
		/* A seq_file has no pwrite, for a reader or a writer. */
		EXPECT_EQ(-ESPIPE, sys_ret(pwrite(fd, "limit=5", 7, 0)))
			TH_LOG("%s", name);
		expect_no_mmap_ioctl(_metadata, fd, opens[i].flags, 0400, name);
		EXPECT_EQ(0, close(fd));
	}
	expect_bad_opens(_metadata, AUDIT_FILE);
	free(buf);
	expect_settings(_metadata, &self->saved, "the readers' writes");
}

/* The control file: a command through any open that may write. */
TEST_F_TIMEOUT(audit, control_open_modes, 120)
{
	static const struct open_case opens[] = {
		OPEN_CASE(O_WRONLY),
		OPEN_CASE(O_RDWR),
		OPEN_CASE(O_RDONLY),
		OPEN_CASE(O_WRONLY | O_APPEND),
		OPEN_CASE(O_RDWR | O_APPEND),
		OPEN_CASE(O_WRONLY | O_TRUNC),
		OPEN_CASE(O_RDWR | O_TRUNC),
		OPEN_CASE(O_WRONLY | O_NONBLOCK),
		OPEN_CASE(O_WRONLY | O_CREAT),
		OPEN_CASE(O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC),
		OPEN_CASE(O_ACCMODE),
	};
	struct iovec iov;
	unsigned int i;
	char same[32], buf[64];
	int fd, flags, len;

	/* A valid command that changes nothing: the limit as it is. */
	len = snprintf(same, sizeof(same), "limit=%lld", self->saved.limit);
	iov.iov_base = same;
	iov.iov_len = len;
	for (i = 0; i < ARRAY_SIZE(opens); i++) {
		const char *name = opens[i].name;
		int no_read, no_write;

		flags = opens[i].flags;
		no_read = readable(flags) ? -EINVAL : -EBADF;
		no_write = writable(flags) ? -EINVAL : -EBADF;
		fd = open(CONTROL_FILE, flags, 0600);
		ASSERT_GE(fd, 0) TH_LOG("%s: %s", name, strerror(errno));
		EXPECT_EQ(writable(flags) ? len : -EBADF,
			  sys_ret(write(fd, same, len))) TH_LOG("%s", name);
		EXPECT_EQ(writable(flags) ? len : -EBADF,
			  sys_ret(writev(fd, &iov, 1))) TH_LOG("%s", name);
		EXPECT_EQ(no_write, sys_ret(write(fd, same, 0)))
			TH_LOG("%s", name);
		/* Nothing to read, whatever the access mode says. */
		EXPECT_EQ(no_read, sys_ret(read(fd, buf, sizeof(buf))))
			TH_LOG("%s", name);
		EXPECT_EQ(no_read, sys_ret(read(fd, buf, 0))) TH_LOG("%s", name);
		/* nonseekable_open(): no position, no pread or pwrite. */
		expect_no_position(_metadata, fd, name);
		EXPECT_EQ(-ESPIPE, sys_ret(pread(fd, buf, 16, 0)))
			TH_LOG("%s", name);
		EXPECT_EQ(-ESPIPE, sys_ret(pwrite(fd, same, len, 0)))
			TH_LOG("%s", name);
		EXPECT_EQ(-EINVAL, sys_ret(pread(fd, buf, 16, -1)))
			TH_LOG("%s", name);
		EXPECT_EQ(-EINVAL, sys_ret(pwrite(fd, same, len, -1)))
			TH_LOG("%s", name);
		expect_no_mmap_ioctl(_metadata, fd, flags, 0200, name);
		EXPECT_EQ(0, close(fd));
	}
	expect_bad_opens(_metadata, CONTROL_FILE);
	expect_settings(_metadata, &self->saved, "the control file's opens");
}

TEST_F_TIMEOUT(audit, report_lseek, 60)
{
	/* Refused, and the position stays where it was. */
	static const struct {
		off_t offset;
		int whence;
	} bad[] = {
		{ -1, SEEK_SET }, { LLONG_MIN, SEEK_SET }, { -43, SEEK_CUR },
		{ LLONG_MIN, SEEK_CUR }, { 0, SEEK_END }, { -1, SEEK_END },
		{ 10, SEEK_END }, { 0, SEEK_DATA }, { 0, SEEK_HOLE },
		{ 0, 5 }, { 0, 99 },
	};
	char *whole = malloc(AUDIT_MAX), *buf = malloc(AUDIT_MAX);
	ssize_t len, n;
	unsigned int i;
	int fd;

	ASSERT_TRUE(whole && buf);
	fd = open(AUDIT_FILE, O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, lseek(fd, 0, SEEK_CUR));
	len = read_all(fd, whole, AUDIT_MAX, AUDIT_MAX);
	ASSERT_GT(len, 64);
	EXPECT_EQ(len, lseek(fd, 0, SEEK_CUR));

	EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(10, read(fd, buf, 10));
	EXPECT_EQ(0, memcmp(buf, whole, 10));
	EXPECT_EQ(10, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(5, lseek(fd, 5, SEEK_SET));
	EXPECT_EQ(10, read(fd, buf, 10));
	EXPECT_EQ(0, memcmp(buf, whole + 5, 10));
	EXPECT_EQ(12, lseek(fd, -3, SEEK_CUR));
	EXPECT_EQ(10, read(fd, buf, 10));
	EXPECT_EQ(0, memcmp(buf, whole + 12, 10));
	EXPECT_EQ(32, lseek(fd, 10, SEEK_CUR));
	EXPECT_EQ(10, read(fd, buf, 10));
	EXPECT_EQ(0, memcmp(buf, whole + 32, 10));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, sys_ret(lseek(fd, bad[i].offset,
						 bad[i].whence)))
			TH_LOG("lseek(%lld, %d)", (long long)bad[i].offset,
			       bad[i].whence);
		EXPECT_EQ(42, lseek(fd, 0, SEEK_CUR)) TH_LOG("case %u", i);
	}
	/* And the text goes on from there. */
	EXPECT_EQ(10, read(fd, buf, 10));
	EXPECT_EQ(0, memcmp(buf, whole + 42, 10));

	/* The last byte, the end, past the end: nothing more, no error. */
	EXPECT_EQ(len - 1, lseek(fd, len - 1, SEEK_SET));
	EXPECT_EQ(1, read(fd, buf, 16));
	EXPECT_EQ('\n', buf[0]);
	EXPECT_EQ(0, read(fd, buf, 16));
	EXPECT_EQ(len, lseek(fd, len, SEEK_SET));
	EXPECT_EQ(0, read(fd, buf, 16));
	EXPECT_EQ(len + 1000, lseek(fd, len + 1000, SEEK_SET));
	EXPECT_EQ(0, read(fd, buf, 16));
	EXPECT_EQ(len + 2000, lseek(fd, 1000, SEEK_CUR));
	EXPECT_EQ(0, read(fd, buf, 16));
	EXPECT_EQ(1LL << 40, lseek(fd, 1LL << 40, SEEK_SET));
	EXPECT_EQ(0, read(fd, buf, AUDIT_MAX));
	EXPECT_EQ(1LL << 40, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(1LL << 62, lseek(fd, 1LL << 62, SEEK_SET));
	EXPECT_EQ(0, read(fd, buf, 16));
	/* At LLONG_MAX, pos + count overflows: the VFS refuses the read. */
	EXPECT_EQ(LLONG_MAX, lseek(fd, LLONG_MAX, SEEK_SET));
	EXPECT_EQ(-EINVAL, sys_ret(read(fd, buf, 16)));
	EXPECT_EQ(0, read(fd, buf, 0));
	EXPECT_EQ(LLONG_MAX, lseek(fd, 0, SEEK_CUR));

	/* Back to the start: show() runs again, the same text. */
	EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
	n = read_all(fd, buf, AUDIT_MAX, AUDIT_MAX);
	EXPECT_EQ(len, n);
	EXPECT_EQ(0, memcmp(buf, whole, len));
	EXPECT_EQ(0, close(fd));
	free(whole);
	free(buf);
}

/*
 * pread at any offset: the slice of the text there (or ESPIPE for all, if
 * a kernel refused pread on a seq_file), and the file position stays.
 */
TEST_F_TIMEOUT(audit, report_pread, 60)
{
	char *whole = malloc(AUDIT_MAX), *buf = malloc(AUDIT_MAX);
	long long offsets[8];
	bool refused = false;
	unsigned int i;
	ssize_t len, n;
	int fd;

	ASSERT_TRUE(whole && buf);
	fd = open(AUDIT_FILE, O_RDONLY);
	ASSERT_GE(fd, 0);
	len = read_all(fd, whole, AUDIT_MAX, AUDIT_MAX);
	ASSERT_GT(len, 64);
	offsets[0] = 0;
	offsets[1] = 1;
	offsets[2] = len / 2;
	offsets[3] = len - 1;
	offsets[4] = len;
	offsets[5] = len + 100;
	offsets[6] = 1LL << 40;
	offsets[7] = 17;
	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		long long want = len - offsets[i];

		want = want < 0 ? 0 : (want > 64 ? 64 : want);
		memset(buf, 0, 64);
		n = sys_ret(pread(fd, buf, 64, offsets[i]));
		if (i == 0 && n == -ESPIPE)
			refused = true;
		if (refused) {
			EXPECT_EQ(-ESPIPE, n) TH_LOG("at %lld", offsets[i]);
			continue;
		}
		EXPECT_EQ(want, n) TH_LOG("at %lld", offsets[i]);
		if (n == want) {
			EXPECT_EQ(0, memcmp(buf, whole + offsets[i], n))
				TH_LOG("at %lld: \"%.*s\"", offsets[i],
				       (int)n, buf);
		}
	}
	EXPECT_EQ(len, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(-EINVAL, sys_ret(pread(fd, buf, 16, -1)));
	EXPECT_EQ(-EINVAL, sys_ret(pread(fd, buf, 16, LLONG_MAX - 8)));
	if (!refused) {
		EXPECT_EQ(0, pread(fd, buf, 0, 5));
		/* read() goes on at the file position, between preads. */
		EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
		EXPECT_EQ(10, read(fd, buf, 10));
		EXPECT_EQ(0, memcmp(buf, whole, 10));
		EXPECT_EQ(20, pread(fd, buf, 20, len / 2));
		EXPECT_EQ(0, memcmp(buf, whole + len / 2, 20));
		EXPECT_EQ(10, read(fd, buf, 10));
		EXPECT_EQ(0, memcmp(buf, whole + 10, 10));
		EXPECT_EQ(20, lseek(fd, 0, SEEK_CUR));
		/* All of it, in one pread. */
		EXPECT_EQ(len, pread(fd, buf, AUDIT_MAX, 0));
		EXPECT_EQ(0, memcmp(buf, whole, len));
	}
	EXPECT_EQ(0, close(fd));
	free(whole);
	free(buf);
}

/* Read @fd into @buf, @chunk at a time, then parse and check it. */
static void expect_report(struct __test_metadata *_metadata, int fd,
			  char *buf, size_t chunk, char *shape,
			  size_t shape_size)
{
	const char *why = "";
	ssize_t len = read_all(fd, buf, AUDIT_MAX, chunk);
	struct audit a;

	ASSERT_GT(len, 0) TH_LOG("%zu-byte reads", chunk);
	EXPECT_EQ(0, report_check(buf, len, &why))
		TH_LOG("%zu-byte reads: %s", chunk, why);
	EXPECT_EQ(0, audit_parse(&a, buf, len)) TH_LOG("%zu-byte reads", chunk);
	EXPECT_EQ(a.findings_listed, a.finding_lines);
	audit_free(&a);
	report_shape(buf, len, shape, shape_size);
}

/*
 * Reads of 0, 1 and 1 MiB, and reads split into 1, 7 and 4096 bytes: within
 * one open the same bytes as one read (lseek to 0 shows the same audit
 * again); in another open a report of the same line structure.
 */
TEST_F_TIMEOUT(audit, report_read_sizes, 120)
{
	static const size_t chunks[] = { 1, 7, 4096, 100000 };
	char *whole = malloc(AUDIT_MAX), *buf = malloc(AUDIT_MAX);
	char *guard = guarded_page(), *edge, shape[2][2048];
	ssize_t len, n, k;
	unsigned int i;
	int fd, fd2;

	ASSERT_TRUE(whole && buf && guard);
	edge = guard + PAGE;
	fd = open(AUDIT_FILE, O_RDONLY);
	ASSERT_GE(fd, 0);
	/* Nothing, and nothing taken. */
	EXPECT_EQ(0, read(fd, buf, 0));
	EXPECT_EQ(0, lseek(fd, 0, SEEK_CUR));
	/* Into memory the kernel cannot write: EFAULT, nothing taken. */
	EXPECT_EQ(-EFAULT, sys_ret(read(fd, edge, 16)));
	EXPECT_EQ(0, lseek(fd, 0, SEEK_CUR));
	/* One byte, then the rest in one huge read. */
	EXPECT_EQ(1, read(fd, whole, 1));
	EXPECT_EQ('x', whole[0]);
	n = read(fd, whole + 1, AUDIT_MAX - 1);
	ASSERT_GT(n, 0);
	len = n + 1;
	EXPECT_EQ(0, read(fd, buf, AUDIT_MAX));
	/* From the start, in one read: all of it at once, the same bytes. */
	EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
	EXPECT_EQ(len, read(fd, buf, AUDIT_MAX));
	EXPECT_EQ(0, memcmp(buf, whole, len));
	EXPECT_EQ(0, read(fd, buf, 1));
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
		memset(buf, 0, len);
		n = read_all(fd, buf, AUDIT_MAX, chunks[i]);
		EXPECT_EQ(len, n) TH_LOG("%zu-byte reads", chunks[i]);
		EXPECT_EQ(0, memcmp(buf, whole, len))
			TH_LOG("%zu-byte reads", chunks[i]);
	}
	/*
	 * A read that runs into an inaccessible page: a short read of the
	 * bytes that fit, or EFAULT with nothing taken; either way the rest
	 * reads as the same text.
	 */
	EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
	k = sys_ret(read(fd, edge - 8, 64));
	EXPECT_TRUE(k == -EFAULT || (k > 0 && k <= 8)) TH_LOG("gave %zd", k);
	if (k > 0)
		memcpy(buf, edge - 8, k);
	else
		k = 0;
	EXPECT_EQ(k, lseek(fd, 0, SEEK_CUR));
	n = read_all(fd, buf + k, AUDIT_MAX - k, 4096);
	EXPECT_EQ(len, k + n);
	EXPECT_EQ(0, memcmp(buf, whole, len));
	EXPECT_EQ(0, close(fd));

	/* Two opens at once, read in turns: each is its own whole report. */
	fd = open(AUDIT_FILE, O_RDONLY);
	fd2 = open(AUDIT_FILE, O_RDONLY);
	ASSERT_GE(fd, 0);
	ASSERT_GE(fd2, 0);
	for (len = n = 0;;) {
		ssize_t a = read(fd, whole + len, 100);
		ssize_t b = read(fd2, buf + n, 100);

		ASSERT_GE(a, 0);
		ASSERT_GE(b, 0);
		len += a;
		n += b;
		if (!a && !b)
			break;
	}
	report_shape(whole, len, shape[0], sizeof(shape[0]));
	report_shape(buf, n, shape[1], sizeof(shape[1]));
	EXPECT_STREQ(shape[0], shape[1]);
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, close(fd2));
	/* Another open, 7 bytes a read: the same line structure. */
	fd = open(AUDIT_FILE, O_RDONLY);
	ASSERT_GE(fd, 0);
	expect_report(_metadata, fd, buf, 7, shape[1], sizeof(shape[1]));
	EXPECT_STREQ(shape[0], shape[1]);
	EXPECT_EQ(0, close(fd));
	munmap(guard, 2 * PAGE);
	free(whole);
	free(buf);
}

/*
 * Commands through write(2), as the control file must take them: exactly
 * one in one write, optionally with one newline; the length of a valid
 * one back, EINVAL (or EFAULT) and no change for anything else.
 */
TEST_F_TIMEOUT(audit, control_writes, 60)
{
	static const struct {
		const char *s;
		size_t len;
	} bad[] = {
		/* Embedded NULs. */
		{ "limit=5\0junk", 12 }, { "limit=5\0", 8 }, { "\0limit=5", 8 },
		{ "limit=\0005", 8 }, { "lim\0it=5", 8 }, { "verbose=1\0", 10 },
		{ "\0", 1 }, { "limit=5\n\0", 9 },
		/* One newline at the end, no other. */
		{ "limit=5\n\n", 9 }, { "\nlimit=5", 8 }, { "limit=5\r\n", 9 },
		{ "limit=5\r", 8 }, { "\n", 1 }, { "verbose=1\n\n", 11 },
	};
	static const size_t big[] = { 33, 64, PAGE, PAGE + 1, 1 << 20 };
	struct settings want = self->saved;
	char *guard = guarded_page(), *edge, *huge = malloc(1 << 20);
	char cmd[64];
	struct iovec iov[2];
	unsigned int i;
	long long other;
	int fd, len;

	ASSERT_TRUE(guard && huge);
	edge = guard + PAGE;
	other = want.limit == 5 ? 6 : 5;
	fd = open(CONTROL_FILE, O_WRONLY);
	ASSERT_GE(fd, 0);

	EXPECT_EQ(-EINVAL, sys_ret(write(fd, "limit=5", 0)));
	/* Longer than any command: 33 bytes to 1 MiB. */
	memset(huge, ' ', 1 << 20);
	memcpy(huge, "limit=5", 7);
	for (i = 0; i < ARRAY_SIZE(big); i++) {
		EXPECT_EQ(-EINVAL, sys_ret(write(fd, huge, big[i])))
			TH_LOG("%zu bytes", big[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, sys_ret(write(fd, bad[i].s, bad[i].len)))
			TH_LOG("case %u: \"%s\"", i, bad[i].s);
	}
	expect_settings(_metadata, &want, "bad writes");

	/* Split in two writes: neither half is a command. */
	len = snprintf(cmd, sizeof(cmd), "limit=%lld", other);
	EXPECT_EQ(-EINVAL, sys_ret(write(fd, cmd, 6)));
	EXPECT_EQ(-EINVAL, sys_ret(write(fd, cmd + 6, len - 6)));
	/* writev writes each segment on its own: the same. */
	iov[0].iov_base = cmd;
	iov[0].iov_len = 6;
	iov[1].iov_base = cmd + 6;
	iov[1].iov_len = len - 6;
	EXPECT_EQ(-EINVAL, sys_ret(writev(fd, iov, 2)));
	/* Zero bytes in all: the VFS does not call the module at all. */
	iov[0].iov_len = 0;
	EXPECT_EQ(0, writev(fd, iov, 1));
	/* From memory the kernel cannot read, wholly or in part. */
	EXPECT_EQ(-EFAULT, sys_ret(write(fd, edge, 7)));
	memcpy(edge - 6, "limit=", 6);
	EXPECT_EQ(-EFAULT, sys_ret(write(fd, edge - 6, 7)));
	/* No position: no pwrite. */
	EXPECT_EQ(-ESPIPE, sys_ret(pwrite(fd, cmd, len, 0)));
	expect_settings(_metadata, &want, "split writes");
	expect_report_settings(_metadata, &want);

	/* Valid: each takes effect, the next report shows it. */
	self->changes_settings = true;
	EXPECT_EQ(len, write(fd, cmd, len));
	want.limit = other;
	expect_settings(_metadata, &want, cmd);
	/* A newline of its own is a second write, and no command. */
	EXPECT_EQ(-EINVAL, sys_ret(write(fd, "\n", 1)));
	expect_settings(_metadata, &want, "a lone newline");
	expect_report_settings(_metadata, &want);
	len = snprintf(cmd, sizeof(cmd), "verbose=%d\n", !want.verbose);
	iov[0].iov_base = cmd;
	iov[0].iov_len = len;
	EXPECT_EQ(len, writev(fd, iov, 1));
	want.verbose = !want.verbose;
	expect_settings(_metadata, &want, cmd);
	expect_report_settings(_metadata, &want);
	EXPECT_EQ(0, close(fd));
	/* And back, through an O_APPEND open. */
	fd = open(CONTROL_FILE, O_WRONLY | O_APPEND);
	ASSERT_GE(fd, 0);
	len = snprintf(cmd, sizeof(cmd), "limit=%lld\n", self->saved.limit);
	EXPECT_EQ(len, write(fd, cmd, len));
	len = snprintf(cmd, sizeof(cmd), "verbose=%lld", self->saved.verbose);
	EXPECT_EQ(len, write(fd, cmd, len));
	EXPECT_EQ(0, close(fd));
	expect_settings(_metadata, &self->saved, "restoring");
	munmap(guard, 2 * PAGE);
	free(huge);
}

/* Both files by path: what fstat says of an open one. */
TEST_F(audit, stat_of_the_files)
{
	struct stat st;

	ASSERT_EQ(0, stat(AUDIT_FILE, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0400, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_size);
	ASSERT_EQ(0, stat(CONTROL_FILE, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0200, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_size);
	/* No one but root: access() asks as the real uid, which is root. */
	EXPECT_EQ(0, access(AUDIT_FILE, R_OK));
	EXPECT_EQ(0, access(CONTROL_FILE, W_OK));
}

#define RW_READERS	4
#define RW_SECONDS	3

struct rw_shared {
	atomic_bool stop;
	long long orig_limit;
};

struct rw_thread {
	struct rw_shared *s;
	int id;
	int done;		/* audits read, or commands written */
	int bad;
	long long last;		/* a writer's last value */
	char why[160];
};

static void rw_bad(struct rw_thread *t, const char *why, long long v)
{
	if (!t->bad++)
		snprintf(t->why, sizeof(t->why), "%s (%lld)", why, v);
}

/* Audits, read whole or 7 bytes at a time, each checked as it comes. */
static void *rw_reader(void *arg)
{
	struct rw_thread *t = arg;
	char *buf = malloc(AUDIT_MAX);

	while (buf && !t->s->stop) {
		struct audit a;
		ssize_t len;
		int fd, ret;

		fd = open(AUDIT_FILE, O_RDONLY);
		if (fd < 0) {
			rw_bad(t, "open", errno);
			continue;
		}
		len = read_all(fd, buf, AUDIT_MAX, t->done % 2 ? 7 : AUDIT_MAX);
		close(fd);
		t->done++;
		if (len <= 0) {
			rw_bad(t, "read", len);
			continue;
		}
		ret = audit_parse(&a, buf, len);
		if (ret)
			rw_bad(t, "a report that does not parse", ret);
		else if (a.limit != 7 && a.limit != 11 &&
			 a.limit != t->s->orig_limit)
			rw_bad(t, "a limit no one set", a.limit);
		else if (a.verbose != 0 && a.verbose != 1)
			rw_bad(t, "verbose", a.verbose);
		else if (a.findings_listed != a.finding_lines ||
			 a.findings_listed > a.limit)
			rw_bad(t, "findings listed", a.finding_lines);
		else if (a.initial_pt_frame_lines !=
			 (a.verbose ? a.initial_pt_frames : 0))
			rw_bad(t, "initial_pt_frame lines",
			       a.initial_pt_frame_lines);
		audit_free(&a);
	}
	if (!buf)
		rw_bad(t, "malloc", 0);
	free(buf);
	return NULL;
}

/*
 * Writer 0 sets limit 7 and 11, writer 1 verbose 1 and 0, in turns, half
 * through one open file, half through a new open each.
 */
static void *rw_writer(void *arg)
{
	static const char *const cmds[2][2] = {
		{ "limit=7", "limit=11\n" }, { "verbose=1", "verbose=0\n" },
	};
	static const long long vals[2][2] = { { 7, 11 }, { 1, 0 } };
	struct rw_thread *t = arg;
	int fd = open(CONTROL_FILE, O_WRONLY);

	if (fd < 0)
		rw_bad(t, "open", errno);
	while (fd >= 0 && !t->s->stop) {
		const char *cmd = cmds[t->id][t->done % 2];
		ssize_t len = strlen(cmd), n;

		if (t->done % 4 < 2)
			n = sys_ret(write(fd, cmd, len));
		else
			n = write_once(CONTROL_FILE, cmd, len);
		if (n == len) {
			t->last = vals[t->id][t->done % 2];
			t->done++;
		} else {
			rw_bad(t, cmd, n);
		}
		usleep(2000);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

/*
 * Four readers and two writers at once for a few seconds: every report
 * parses and shows settings someone set, every valid command is taken,
 * and the settings end as the writers left them.
 */
TEST_F_TIMEOUT(audit, readers_and_writers_at_once, 120)
{
	struct rw_shared s = { .orig_limit = self->saved.limit };
	struct rw_thread readers[RW_READERS] = {}, writers[2] = {};
	pthread_t rt[RW_READERS], wt[2];
	int nr = 0, nw = 0, i;
	struct settings now;

	self->changes_settings = true;
	for (i = 0; i < RW_READERS; i++) {
		readers[i].s = &s;
		readers[i].id = i;
		if (pthread_create(&rt[nr], NULL, rw_reader, &readers[nr]))
			break;
		nr++;
	}
	for (i = 0; i < 2; i++) {
		writers[i].s = &s;
		writers[i].id = i;
		if (pthread_create(&wt[nw], NULL, rw_writer, &writers[nw]))
			break;
		nw++;
	}
	if (nr == RW_READERS && nw == 2)
		sleep(RW_SECONDS);
	s.stop = true;
	for (i = 0; i < nr; i++)
		pthread_join(rt[i], NULL);
	for (i = 0; i < nw; i++)
		pthread_join(wt[i], NULL);
	ASSERT_EQ(RW_READERS, nr);
	ASSERT_EQ(2, nw);
	for (i = 0; i < RW_READERS; i++) {
		TH_LOG("reader %d: %d audits", i, readers[i].done);
		EXPECT_GT(readers[i].done, 0);
		EXPECT_EQ(0, readers[i].bad) TH_LOG("reader %d: %s", i,
						    readers[i].why);
	}
	for (i = 0; i < 2; i++) {
		TH_LOG("writer %d: %d commands", i, writers[i].done);
		EXPECT_GT(writers[i].done, 0);
		EXPECT_EQ(0, writers[i].bad) TH_LOG("writer %d: %s", i,
						    writers[i].why);
	}
	/* Each setting has one writer: its last command is what stays. */
	ASSERT_EQ(0, settings_get(&now));
	EXPECT_EQ(writers[0].last, now.limit);
	EXPECT_EQ(writers[1].last, now.verbose);
}
