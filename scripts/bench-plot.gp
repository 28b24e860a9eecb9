# The bench command's plot, from the data bench-report.py writes:
#   gnuplot -e "data='PREFIX'" -e "out='FILE.png'" bench-plot.gp
# One row per clock (icount: instructions, 1 ns each; wall: host time).
# Left: audit pass time against pagetable pages visited (linear?).
# Middle: per page, audit and ptdump at each N (log scale: they differ a
# lot).  Right, top: the pN/p0 ratios and their goals.
set terminal pngcairo size 1800,1000 font ",10"
set output out
set multiplot layout 2,3 title "xen-mmu-audit bench: unpatched (p0) and patched (pN) under the same Xen"
# N = 0 is drawn at 1 on the log axis.
px(n) = n < 1 ? 1 : n

do for [clock in "icount wall"] {
	load data.'-'.clock.'-fit.gp'
	unit = clock eq "wall" ? "ms" : "M instructions"
	set title "audit pass vs pagetable pages visited (".clock.")"
	set xlabel "pages visited"
	set ylabel unit
	set key top left
	unset logscale
	set autoscale
	unset offsets
	plot data.'-'.clock.'-points-p0.dat' using 1:2 with points pt 7 ps 0.6 lc rgb "#c03030" title "audit p0", \
	     data.'-'.clock.'-points-pN.dat' using 1:2 with points pt 6 ps 0.8 lc rgb "#3050c0" title "audit pN", \
	     a_p0 + b_p0 * x with lines lc rgb "#c03030" dt 2 title "fit p0", \
	     a_pN + b_pN * x with lines lc rgb "#3050c0" dt 2 title "fit pN"

	set title "per page: audit (all pages visited) vs ptdump (kernel tree) (".clock.")"
	set xlabel "processes alive (N)"
	set ylabel (clock eq "wall" ? "ns" : "instructions")." per page (median, min..max)"
	set logscale xy
	set xrange [0.5:*]
	set offsets graph 0.05, graph 0.05, 0, 0
	set key bottom right
	plot data.'-'.clock.'-perpage.dat' using (px($1)*0.96):2:3:4 with yerrorlines pt 7 lc rgb "#c03030" title "audit p0", \
	     data.'-'.clock.'-perpage.dat' using (px($1)*0.98):5:6:7 with yerrorlines pt 6 lc rgb "#3050c0" title "audit pN", \
	     data.'-'.clock.'-perpage.dat' using (px($1)*1.02):8:9:10 with yerrorlines pt 5 lc rgb "#808080" title "ptdump p0", \
	     data.'-'.clock.'-perpage.dat' using (px($1)*1.04):11:12:13 with yerrorlines pt 4 lc rgb "#404040" title "ptdump pN"
	unset logscale
	unset offsets
	set autoscale

	if (clock eq "icount") {
		set title "patched / unpatched (median, min..max, cut at 0.8 and 1.25); goals 1.01 (loops), 1.0 (boot)"
		set xlabel ""
		set ylabel "pN / p0"
		set xrange [-0.5:*]
		set yrange [0.8:1.25]
		set offsets 0, 0.5, 0, 0
		set xtics rotate by -20
		set key top right
		plot data.'-ratios.dat' using 1:3:4:5:xticlabels(2) with yerrorbars pt 7 ps 1.2 lc rgb "#3050c0" notitle, \
		     1.01 with lines dt 2 lc rgb "#c03030" title "1.01", \
		     1.0 with lines lc rgb "#808080" title "1.0"
		set xtics norotate
		set xtics autofreq
		unset offsets
		set autoscale
	} else {
		set multiplot next
	}
}
unset multiplot
