# shellcheck shell=bash
# The pinned versions of what the harness takes from Debian suites newer
# than the host's (fetch-debs.sh); sourced, never run.  Debian serves one
# version per suite: when a pin moves out of the archive, fetch-debs.sh
# fails and prints the version the suite has now.  To move a pin, set the
# variable here (or in the environment, for one run) and rerun the test
# command: a new linux-source gets a tree and build of its own, and the
# series must still apply (git am) to it.

# Linux 7.3, the current kernel (trixie-backports).
XMA_LINUX73_DEB=${XMA_LINUX73_DEB:-7.3.4-1~bpo13+1}
# Xen 4.20, the current hypervisor and its toolstack (trixie).  Its
# xen-utils need trixie's libc (GLIBC_2.38), which comes along.
XMA_XEN420_DEB=${XMA_XEN420_DEB:-4.20.4+63-g7abfd2bce2-0+deb13u1}
export XMA_LINUX73_DEB XMA_XEN420_DEB
# sparse for trees whose checker-valid.sh wants __typeof_unqual__ (7.3):
# sid's (sparse.sh), run on trixie's libc.
XMA_SPARSE_DEB=${XMA_SPARSE_DEB:-0.6.5~rc1-2}
export XMA_SPARSE_DEB
