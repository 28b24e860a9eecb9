#!/bin/bash
# Split the serial log of a boot with a PV domU into the part of each guest,
# for verdict.sh to judge each on its own.
#
#   split-guest-log.sh LOG DOM0_LOG DOMU_LOG
#
# DOMU_LOG gets the domU's console ("XMA-DOMU| " lines, unprefixed),
# Xen's page types of its frames ("XMA-DOMU-XEN| ", unprefixed: the
# cross-check, run-domu.sh), dom0's word on the domU ("XMA-DOMU: ", "XMA-DOMU-DIAG| ") and Xen's
# lines about a domain other than dom0 (d1, d1v0, Domain 1, dom1).
# DOM0_LOG gets every other line.  Both get the host's last line
# ("XMA-HOST: "): a boot that timed out failed both.  If dom0 never gave
# the domU's result, DOMU_LOG ends with a result line saying so.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 3 ] || die "usage: split-guest-log.sh LOG DOM0_LOG DOMU_LOG"
logf=$1 dom0=$2 domu=$3
need_file "$logf"
mkdir -p "$(dirname "$dom0")" "$(dirname "$domu")"

tr -d '\r' < "$logf" | awk -v dom0="$dom0" -v domu="$domu" '
	BEGIN { printf "" > dom0; printf "" > domu }
	/^XMA-DOMU\| / { print substr($0, 11) > domu; next }
	/^XMA-DOMU-XEN\| / { print substr($0, 15) > domu; next }
	/^XMA-DOMU: result: / { result = 1 }
	/^XMA-DOMU(: |-DIAG\| )/ { print > domu; next }
	/^XMA-HOST: / { print > domu; print > dom0; next }
	/^\(XEN\) / && (" " $0 " ") ~ /[^0-9A-Za-z_](d[1-9][0-9]*(v[0-9]+)?|Domain [1-9][0-9]*|dom[1-9][0-9]*)[^0-9A-Za-z_]/ {
		print > domu; next
	}
	{ print > dom0 }
	END {
		if (!result)
			print "XMA-DOMU: result: none: dom0 never reported on the domU" > domu
	}
'
