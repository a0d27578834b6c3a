# mmbench — time–space trade-off (the GC heap sweep): for each allocator,
# its time against its peak RSS at every heap-growth setting, points joined
# in the order of the setting and labelled with it (Hertz & Berger 2005).
#
# Variables (gnuplot -e), besides those listed in common.gp:
#   data      one block per allocator: rows  rss  time  "label"
#   n         number of allocators;  xlabel, ylabel  axis titles
#   refx, refy  dashed reference lines (the baseline at 1; NaN: none)
load scripts.'/common.gp'

set xlabel xlabel
set ylabel ylabel
set offsets graph 0.08, graph 0.12, graph 0.1, graph 0.1
set key outside right top vertical Left reverse samplen 3
if (refx == refx) {
  set arrow 1 from first refx, graph 0 to first refx, graph 1 nohead dt 2 lc rgb '#555555'
}
if (refy == refy) {
  set arrow 2 from graph 0, first refy to graph 1, first refy nohead dt 2 lc rgb '#555555'
}

cmd = 'plot '
do for [i=1:n] {
  cmd = cmd . sprintf("data index %d using 1:2 with linespoints lw 2 pt %d ps 1.3 lc rgb '%s' title '%s', ", \
                      i - 1, point(i), color(i), name(i))
  cmd = cmd . sprintf("data index %d using 1:2:3 with labels offset 0.8,0.7 left font ',8' tc rgb '%s' notitle, ", \
                      i - 1, color(i) eq '#F0E442' ? '#9a8f00' : color(i))
}
cmd = cmd[1:strlen(cmd) - 2]

do for [fmt in "svg png"] {
  eval set_term(fmt)
  set output out . '.' . fmt
  eval cmd
  set output
}
