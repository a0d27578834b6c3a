# mmbench — one line per series (allocator) over a numeric x: thread
# scaling, size sweeps, RSS over time, latency percentiles.
#
# Variables (gnuplot -e), besides those listed in common.gp:
#   data      one block per series (blocks separated by two blank lines),
#             rows: x  y  ci_lo  ci_hi   (NaN where no interval)
#   n         number of series;  dashes  dash type per series (word list)
#   xlabel, ylabel  axis titles;  logx, logy  1 for a log axis
#   style     'linespoints' or 'steps';  errors  1 to draw the intervals
#   xticsdef  explicit x tics in gnuplot syntax, or '' for automatic ones
#   refline   y of a dashed reference line (NaN: none)
#   marks     (optional) vertical marks "x:label x:label" (the machine's
#             socket, core and CPU boundaries on a thread axis)
#   ideal     (optional) 1: a dotted y = x diagonal (ideal speedup)
load scripts.'/common.gp'

dash(i) = int(word(dashes, i))
set xlabel xlabel
set ylabel ylabel
if (logx) { set logscale x 2 }
if (logy) { set logscale y 10 }
if (!logy) { set yrange [0:*] }
set format y '%g'
# A little room around the points (none for steps: time starts at 0).
xoff = style eq 'steps' ? 0 : 0.03
yoff = logy ? 0 : 0.08
set offsets graph xoff, graph xoff, graph yoff, 0
if (strlen(xticsdef) > 0) { eval 'set xtics ' . xticsdef }
set key outside right top vertical Left reverse samplen 3
if (refline == refline) {
  set arrow 1 from graph 0, first refline to graph 1, first refline nohead dt 2 lc rgb '#555555'
}

if (exists("marks") && strlen(marks) > 0) {
  do for [i=1:words(marks)] {
    mw = word(marks, i)
    mp = strstrt(mw, ':')
    mx = real(mw[1:mp - 1])
    set arrow from first mx, graph 0 to first mx, graph 1 nohead dt 3 lc rgb '#888888'
    set label mw[mp + 1:] at first mx, graph 1 offset 0.3, -0.8 left font ',9' tc rgb '#666666'
  }
}

cmd = 'plot '
if (exists("ideal") && ideal) {
  cmd = cmd . "x with lines dt 3 lw 1 lc rgb '#888888' title 'ideal', "
}
do for [i=1:n] {
  if (style eq 'steps') {
    cmd = cmd . sprintf("data index %d using 1:2 with steps lw 2 dt %d lc rgb '%s' title '%s', ", \
                        i - 1, dash(i), color(i), name(i))
  } else {
    cmd = cmd . sprintf("data index %d using 1:2 with linespoints lw 2 dt %d pt %d ps 1.1 lc rgb '%s' title '%s', ", \
                        i - 1, dash(i), point(i), color(i), name(i))
  }
  if (errors) {
    cmd = cmd . sprintf("data index %d using 1:3:(0):($4 - $3) with vectors heads size screen 0.005,90 lc rgb '%s' notitle, ", \
                        i - 1, color(i))
  }
}
cmd = cmd[1:strlen(cmd) - 2]

do for [fmt in "svg png"] {
  eval set_term(fmt)
  set output out . '.' . fmt
  eval cmd
  set output
}
