# mmbench compare — the ratio B/A of each cell (geometric means), one
# horizontal bar per cell from 1 to the ratio (log scale), sorted by change,
# with the ratio's t interval; colour says whether the change is called
# (beyond the practical threshold, Benjamini–Hochberg over the cells) and in
# which direction.
#
# Variables (gnuplot -e), besides those listed in common.gp:
#   data      three blocks: called increase, called decrease, not called;
#             rows  y  ratio  ci_lo  ci_hi  "label"  label_x
#   yticsdef  cell labels, gnuplot syntax: ("malloc-free size=64 glibc" 1, ...)
#   ncells    number of cells (y runs 1..ncells, first at the top)
#   xlabel    axis title;  xmin, xmax  x range (log);  xticsdef  x tics
load scripts.'/common.gp'

set xlabel xlabel
set logscale x 10
set xrange [xmin:xmax]
eval 'set xtics ' . xticsdef
set yrange [ncells + 0.7:0.3]
eval 'set ytics scale 0 font ",9" ' . yticsdef
set grid xtics noytics
set key outside right top vertical Left reverse samplen 2
set arrow 1 from first 1, graph 0 to first 1, graph 1 nohead lc rgb '#333333' lw 1.5
set style fill solid 0.85 border rgb '#333333'

lo(r) = r < 1 ? r : 1
hi(r) = r < 1 ? 1 : r
cmd = "plot data index 0 using (1):1:(lo($2)):(hi($2)):($1-0.35):($1+0.35) with boxxyerror lc rgb '#D55E00' title 'called higher in B', "
cmd = cmd . "data index 1 using (1):1:(lo($2)):(hi($2)):($1-0.35):($1+0.35) with boxxyerror lc rgb '#0072B2' title 'called lower in B', "
cmd = cmd . "data index 2 using (1):1:(lo($2)):(hi($2)):($1-0.35):($1+0.35) with boxxyerror lc rgb '#BBBBBB' title 'not called', "
cmd = cmd . "data using 3:1:($4 - $3):(0) with vectors heads size screen 0.004,90 lw 1.2 lc rgb '#222222' notitle, "
cmd = cmd . "data using 6:1:5 with labels left offset 0.7,0 font ',8' notitle"

do for [fmt in "svg png"] {
  eval set_term(fmt)
  set output out . '.' . fmt
  eval cmd
  set output
}
