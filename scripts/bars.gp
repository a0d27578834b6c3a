# mmbench — grouped bars: in each group (a parameter point and/or thread
# count) one bar per allocator, with its 95 % confidence interval as an
# error bar and its absolute value written above it.
#
# Variables (gnuplot -e), besides those listed in common.gp:
#   data      one block per allocator (blocks separated by two blank lines),
#             rows: x  value  ci_lo  ci_hi  "label"  label_y
#   n         number of allocators (blocks)
#   xticsdef  group labels, gnuplot syntax: ("size=16" 2, "size=64" 9)
#   xmin, xmax  x range;  rot  rotation of the group labels (0 = flat)
#   ylabel    y axis title;  refline  y of a dashed reference line (NaN: none)
#   fails     file of cells without a value: rows  x  "status"  (nfail rows)
load scripts.'/common.gp'

set ylabel ylabel
set xrange [xmin:xmax]
set yrange [0:*]
set offsets 0, 0, graph 0.22, 0
eval 'set xtics scale 0 ' . xticsdef . (rot != 0 ? sprintf(' rotate by %d right', rot) : '')
set grid noxtics ytics
set boxwidth 0.85 absolute
set key outside right top vertical Left reverse samplen 2
if (refline == refline) {
  set arrow 1 from graph 0, first refline to graph 1, first refline nohead dt 2 lc rgb '#555555'
}

# Bars (one clause per allocator, for its fill and legend entry), then the
# error bars, the value labels and the cells that have no value.
cmd = 'plot '
do for [i=1:n] {
  cmd = cmd . sprintf("data index %d using 1:2 with boxes fs %s lc rgb '%s' title '%s', ", \
                      i - 1, fillspec(i), color(i), name(i))
}
cmd = cmd . "data using 1:3:(0):($4 - $3) with vectors heads size screen 0.004,90 lw 1.2 lc rgb '#222222' notitle, "
cmd = cmd . "data using 1:6:5 with labels rotate by 90 left offset 0,0.4 font ',8' notitle"
if (nfail > 0) {
  cmd = cmd . ", fails using 1:(0):2 with labels rotate by 90 left offset 0,0.4 font ',8' tc rgb '#D55E00' notitle"
}

do for [fmt in "svg png"] {
  eval set_term(fmt)
  set output out . '.' . fmt
  eval cmd
  set output
}
