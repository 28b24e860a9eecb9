# The bench command's plot, from the data bench-report.py writes:
#   gnuplot -e "data='PREFIX'" -e "out='FILE.png'" bench-plot.gp
# Left: audit time against pagetable pages visited (linear?).  Middle: ns
# per page at each N, audit and ptdump (log scale: they differ a lot).
# Right: the ratios with their goals.
set terminal pngcairo size 1800,560 font ",10"
set output out
load data.'-fit.gp'
set multiplot layout 1,3 title "xen-mmu-audit bench: unpatched (p0) and patched (pN) under the same Xen"

set title "audit pass time vs pagetable pages visited"
set xlabel "pages visited"
set ylabel "ms"
set key top left
plot data.'-points-p0.dat' using 1:2 with points pt 7 ps 0.6 lc rgb "#c03030" title "audit p0", \
     data.'-points-pN.dat' using 1:2 with points pt 6 ps 0.8 lc rgb "#3050c0" title "audit pN", \
     a_p0 + b_p0 * x with lines lc rgb "#c03030" dt 2 title "fit p0", \
     a_pN + b_pN * x with lines lc rgb "#3050c0" dt 2 title "fit pN"

set title "ns per page: audit (all pages visited) vs ptdump (kernel tree)"
set xlabel "processes alive (N)"
set ylabel "ns per page (median, min..max)"
set logscale xy
set xrange [0.5:*]
set offsets graph 0.05, graph 0.05, 0, 0
set key bottom right
# N = 0 is drawn at 1 on the log axis.
px(n) = n < 1 ? 1 : n
plot data.'-perpage.dat' using (px($1)*0.96):2:3:4 with yerrorlines pt 7 lc rgb "#c03030" title "audit p0", \
     data.'-perpage.dat' using (px($1)*0.98):5:6:7 with yerrorlines pt 6 lc rgb "#3050c0" title "audit pN", \
     data.'-perpage.dat' using (px($1)*1.02):8:9:10 with yerrorlines pt 5 lc rgb "#808080" title "ptdump p0", \
     data.'-perpage.dat' using (px($1)*1.04):11:12:13 with yerrorlines pt 4 lc rgb "#404040" title "ptdump pN"
unset logscale xy
unset offsets

set title "patched / unpatched (median, min..max); goals 1.01 (loops), 1.0 (boot)"
set xlabel ""
set ylabel "ratio"
set xrange [-0.5:*]
set offsets 0, 0.5, 0, 0
set key top right
plot data.'-ratios.dat' using 1:3:4:5:xticlabels(2) with yerrorbars pt 7 ps 1.2 lc rgb "#3050c0" notitle, \
     1.01 with lines dt 2 lc rgb "#c03030" title "1.01", \
     1.0 with lines lc rgb "#808080" title "1.0"
unset multiplot
