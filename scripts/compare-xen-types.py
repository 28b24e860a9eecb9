#!/usr/bin/env python3
"""The cross-check: the audit's listing of a domU's pages against Xen's
own type of each of its frames.

    compare-xen-types.py [--report-only] [--planted] [--csv FILE --label TEXT] LOG

LOG is a guest's part of the serial log (split-guest-log.sh) with the
audit's listing (verbose=2, between XMA-LISTING-BEGIN/END) and the lines
of "xen-mfndump dump-p2m" that dom0 printed while the domain was paused
(between XMA-XEN-TYPES-BEGIN/END: the frames of some pagetable type or
pinned; every other frame is of no pagetable type).  The rules, per pfn:

  1. a table: each page the audit found in a tree at level L is typed L by
     Xen, a root (pgd, x86_64 user pgd) also pinned, and Xen's mfn is the
     one the guest's p2m gives.  Trees no task owns may be half pinned or
     half unpinned: counted, not judged.  p2m.c's two spare pte pages
     (tree p2m) are linked only where a whole pmd of the p2m list is
     missing or identity: unlinked, they are no pagetable to Xen, so they
     are typed L1 or not typed at all (both counted).  PG_pinned agrees
     with Xen: set on every table Xen types so, and on a root exactly
     when Xen has pinned it.  A table the audit names in a finding is
     counted as a finding Xen confirms, not a disagreement
  2. a pin: each frame Xen has pinned is a table the audit placed at that
     level (a root, or a pte page the kernel pins on its own when it
     splits pte locks), or one the audit reports (in flight, leaked, a
     finding)
  3. a type: each frame Xen types as a pagetable that the audit did not
     place is one the audit reports (in flight, a leak, Xen's initial
     pagetable) or one the guest does not map at all (a type left from
     before: Xen keeps a frame's type after its last use); a frame the
     guest maps writable cannot be typed so (Xen would refuse the mapping)
  4. a plain read-only page (kernel image, start_info, zero page, GDT,
     another read-only alias, a fork's copy of an LDT) is no pagetable
     to Xen: neither typed nor pinned

Prints the counts (frames compared, agreeing, disagreeing per rule) and
each disagreement; exits 1 on any disagreement, or when either side is
missing or incomplete; --report-only exits 0 on disagreements (the
pristine kernel's are findings to explain, not failures), not on a
missing or incomplete side.  --planted judges the
round with a leaked table planted (sections -PLANTED): there, also, Xen
must have pinned a frame that the audit lists as a table in flight.
--csv appends one line of counts to FILE, labelled.
"""
import argparse
import re
import sys

PLAIN_RO = {"kernel_image", "start_info", "zero_page", "gdt", "alias", "ldt_copy"}
REPORTED_RO = {"in_flight", "leak", "initial_pt"}
ROOTS = {"pgd", "user_pgd"}
RULES = {
    1: "each table the audit placed is typed so by Xen, roots pinned",
    2: "each frame Xen pinned is a table the audit placed, or reported",
    3: "each frame Xen types as a pagetable is placed, reported or unmapped",
    4: "each plain read-only page is no pagetable to Xen",
}


def section(lines, name):
    """The lines between XMA-<name>-BEGIN and -END, or None."""
    out, inside = None, False
    for line in lines:
        if line == "XMA-%s-BEGIN" % name:
            out, inside = [], True
        elif line == "XMA-%s-END" % name:
            inside = False
        elif inside:
            out.append(line)
    return out


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


# Every line of the audit's report is "key: value".  A line that is not,
# or that has one of the listing's keys past its start, had a kernel
# message land in it on the console: it cannot be trusted, nor can the
# line it cut.
REPORT_LINE = re.compile(r"^[a-z0-9_-]+:( |$)")
LISTING_KEYS = ("listing:", "list_pt:", "list_ro:", "list_unmapped:",
                "initial_pt_frame:", "finding:", "listing_end:")


def garbled(line):
    return not REPORT_LINE.match(line) or \
        any(line.find(k, 1) > 0 for k in LISTING_KEYS)


# A whole line of Xen's between two of the guest's (the serial line is
# shared) cut nothing.
def xen_line(line):
    return line.startswith("(XEN) ")


def parse_listing(lines):
    g = {"tables": {}, "runs": {}, "initial": {}, "reported": set(),
         "header": None, "end": False, "garbled": []}
    for line in lines:
        if xen_line(line):
            continue
        if garbled(line):
            g["garbled"].append(line)
            continue
        try:
            parse_listing_line(g, line)
        except (KeyError, ValueError, IndexError):
            g["garbled"].append(line)
    return g


def parse_listing_line(g, line):
    key = line.split(":", 1)[0]
    if key == "listing":
        g["header"] = fields(line)
    elif key == "list_pt":
        # tree= is last and may hold spaces (a comm)
        head, tree = line.split(" tree=", 1)
        f = fields(head)
        g["tables"].setdefault(int(f["pfn"], 16), []).append({
            "mfn": int(f["mfn"], 16), "level": f["level"],
            "xen": int(f["xen_type"][1:]), "pinned": f["pinned"] == "1",
            "tree": tree})
    elif key in ("list_ro", "list_unmapped"):
        f = fields(line)
        first, last = (int(x, 16) for x in f["pfns"].split("-"))
        what = f.get("reason", "unmapped") if key == "list_ro" else "unmapped"
        for pfn in range(first, last + 1):
            g["runs"][pfn] = what
    elif key == "initial_pt_frame":
        f = fields(line)
        g["initial"][int(f["pfn"], 16)] = line.split()[-1]
    elif key == "finding":
        g["reported"].add(int(fields(line)["pfn"], 16))
    elif key == "listing_end":
        g["end"] = True


XEN_LINE = re.compile(r"pfn=0x([0-9a-f]+) ==> mfn=0x([0-9a-f]+) \(type 0x([0-9a-f]+)\)")


def parse_xen(lines):
    """pfn -> (mfn, level 1..4 or 0, pinned) for the typed frames."""
    xen, odd = {}, 0
    for line in lines:
        m = XEN_LINE.search(line)
        if not m:
            continue
        pfn, mfn, t = (int(x, 16) for x in m.groups())
        if t in (0xd, 0xe, 0xf):        # broken, xalloc, xtab: no frame
            odd += 1
            continue
        xen[pfn] = (mfn, t & 7, bool(t & 8))
    return xen, odd


def describe_guest(g, pfn):
    parts = ["%s table (L%d, tree %s, PG_pinned %d)" %
             (t["level"], t["xen"], t["tree"], t["pinned"])
             for t in g["tables"].get(pfn, [])]
    if pfn in g["runs"]:
        parts.append("read-only: " + g["runs"][pfn]
                     if g["runs"][pfn] != "unmapped" else "not mapped")
    if pfn in g["initial"]:
        parts.append("initial pagetable frame, " + g["initial"][pfn])
    if pfn in g["reported"]:
        parts.append("in a finding")
    return "; ".join(parts) or "not listed (mapped writable)"


def describe_xen(x):
    if not x:
        return "no pagetable type"
    return "mfn 0x%x, %sL%d" % (x[0], "pinned " if x[2] else "", x[1]) \
        if x[1] else "mfn 0x%x, pinned, no level" % x[0]


def rule1(t, x):
    """Why table @t disagrees with Xen's @x for rule 1, or None."""
    if t["tree"] == "p2m" and not x:
        return None             # a spare pte page linked nowhere
    if not x or x[1] != t["xen"]:
        return "a %s table to the audit, L%d; Xen: %s" % (
            t["level"], t["xen"], describe_xen(x))
    if t["level"] in ROOTS and not x[2]:
        return "a root (%s) to the audit; Xen has not pinned it" % t["level"]
    if t["level"] in ROOTS and not t["pinned"]:
        return "a root (%s) pinned by Xen; PG_pinned clear" % t["level"]
    if not t["pinned"]:
        return "a %s table Xen types L%d; PG_pinned clear" % (t["level"], x[1])
    if x[0] != t["mfn"]:
        return "mfn 0x%x to the guest, 0x%x to Xen" % (t["mfn"], x[0])
    return None


def judge(g, xen):
    checked = {r: 0 for r in RULES}
    bad = []            # (rule, pfn, why)
    unowned = 0
    stale = {}
    spare = {"typed": 0, "untyped": 0}

    def disagree(rule, pfn, why):
        bad.append((rule, pfn, why))

    for pfn, tables in sorted(g["tables"].items()):
        x = xen.get(pfn)
        for t in tables:
            if t["tree"] == "unowned":
                unowned += 1
                continue
            checked[1] += 1
            why = rule1(t, x)
            if why and pfn in g["reported"]:
                # The audit's own finding, which Xen's view confirms.
                stale["finding Xen confirms"] = stale.get("finding Xen confirms", 0) + 1
                continue
            if t["tree"] == "p2m" and not x:
                spare["untyped"] += 1
            elif t["tree"] == "p2m" and x[1] == t["xen"]:
                spare["typed"] += 1
            if why:
                disagree(1, pfn, why)

    for pfn, x in sorted(xen.items()):
        tables = g["tables"].get(pfn, [])
        ro = g["runs"].get(pfn)
        reported = (ro in REPORTED_RO or pfn in g["reported"] or
                    pfn in g["initial"])
        placed = any(t["xen"] == x[1] for t in tables)
        if x[2]:
            checked[2] += 1
            if not placed and not reported and ro != "in_flight":
                disagree(2, pfn, "pinned by Xen (%s); the audit: %s" %
                         (describe_xen(x), describe_guest(g, pfn)))
        if x[1] and not x[2]:
            checked[3] += 1
            if placed:
                continue
            if reported:
                why = ro if ro in REPORTED_RO else \
                    ("initial_pt" if pfn in g["initial"] else "finding")
                stale[why] = stale.get(why, 0) + 1
            elif ro == "unmapped":
                stale["unmapped"] = stale.get("unmapped", 0) + 1
            elif ro not in PLAIN_RO:    # rule 4 judges those
                disagree(3, pfn, "typed by Xen (%s); the audit: %s" %
                         (describe_xen(x), describe_guest(g, pfn)))

    for pfn, what in sorted(g["runs"].items()):
        if what not in PLAIN_RO:
            continue
        checked[4] += 1
        x = xen.get(pfn)
        if x and not g["tables"].get(pfn):
            disagree(4, pfn, "read-only (%s) to the audit; Xen: %s" %
                     (what, describe_xen(x)))
    pinned_in_flight = sum(1 for pfn, x in xen.items()
                           if x[2] and g["runs"].get(pfn) == "in_flight")
    stale["pinned in flight"] = pinned_in_flight
    return checked, bad, unowned, stale, spare


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--planted", action="store_true")
    ap.add_argument("--csv")
    ap.add_argument("--label")
    ap.add_argument("log")
    args = ap.parse_args(argv)
    with open(args.log, errors="replace") as f:
        lines = [l.rstrip("\r\n") for l in f]

    rnd = "-PLANTED" if args.planted else ""
    listing = section(lines, "LISTING" + rnd)
    types = section(lines, "XEN-TYPES" + rnd)
    problems = []
    if listing is None:
        problems.append("no listing from the audit (XMA-LISTING%s)" % rnd)
    if types is None:
        problems.append("no page types from Xen (XMA-XEN-TYPES%s)" % rnd)
    if problems:
        print("xen-types%s: %s" % (rnd.lower(), "; ".join(problems)))
        return 1
    g = parse_listing(listing)
    if not g["header"] or not g["end"]:
        problems.append("the listing is cut short")
    elif g["header"].get("lost") != "0":
        problems.append("the listing lost %s entries" % g["header"].get("lost"))
    if g["garbled"]:
        problems.append("%d lines of the listing unreadable (a kernel message "
                        "inside them?), the first: %r" %
                        (len(g["garbled"]), g["garbled"][0]))
    xen, odd = parse_xen(types)
    if not xen:
        problems.append("Xen typed no frame (the dump failed?)")

    checked, bad, unowned, stale, spare = judge(g, xen)
    if args.planted and not stale["pinned in flight"]:
        problems.append("planted: no frame pinned by Xen that the audit "
                        "lists in flight (the leaked table)")
    compared = set(g["tables"]) | set(g["initial"]) | set(xen) | \
        {p for p, w in g["runs"].items() if w != "unmapped"}
    bad_pfns = {b[1] for b in bad}
    print("xen-types%s: frames compared %d, agreeing %d, disagreeing %d "
          "(Xen typed or pinned %d, pinned %d; tables listed %d)" %
          (rnd.lower(), len(compared), len(compared - bad_pfns), len(bad_pfns), len(xen),
           sum(1 for x in xen.values() if x[2]),
           sum(len(t) for t in g["tables"].values())))
    for r, text in RULES.items():
        n = sum(1 for b in bad if b[0] == r)
        print("  rule %d (%s): checked %d, disagreeing %d" % (r, text, checked[r], n))
    print("  reported by the audit or kept from before (agreeing): %s" %
          (", ".join("%s %d" % kv for kv in sorted(stale.items()) if kv[1])
           or "none"))
    if spare["typed"] or spare["untyped"]:
        print("  p2m.c's spare pte pages (rule 1, agreeing): typed L1 %d, "
              "untyped (linked nowhere) %d" % (spare["typed"], spare["untyped"]))
    if unowned:
        print("  pages of trees no task owns, not judged: %d" % unowned)
    for r, pfn, why in bad:
        print("  disagreement: rule %d pfn=0x%x: %s" % (r, pfn, why))
    for p in problems:
        print("  problem: " + p)
    if args.csv:
        with open(args.csv, "a") as f:
            f.write("%s,%d,%d,%d,%s\n" % (
                args.label or args.log, len(compared), len(compared - bad_pfns),
                len(bad_pfns), ",".join(
                    str(sum(1 for b in bad if b[0] == r)) for r in RULES)))
    if problems:
        return 1
    return 0 if args.report_only or not bad else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
