# mmbench — counters per operation, one panel per counter (IPC, cycles/op,
# cache-misses/op, page-faults/op, ...), each with one bar per allocator in
# every group; the counters this machine could not measure are named at the
# bottom instead of being drawn as empty panels.
#
# Variables (gnuplot -e), besides those listed in common.gp:
#   prefix    panel k's data is prefix.k.'.dat' (k = 1..npanels), in the
#             block layout of bars.gp: x  value  ci_lo  ci_hi  "label"  label_y
#   npanels   number of panels;  panels  panel titles (word list)
#   n         number of allocators;  xticsdef, xmin, xmax, rot  as in bars.gp
#   note      text under the panels ('' = none), notelines  its lines
load scripts.'/common.gp'

set xrange [xmin:xmax]
set yrange [0:*]
set offsets 0, 0, graph 0.3, 0
set grid noxtics ytics
set boxwidth 0.85 absolute
set key outside right top vertical Left reverse samplen 2

do for [fmt in "svg png"] {
  eval set_term(fmt)
  set output out . '.' . fmt
  # margins in pixels: 60 at the top for the title, at the bottom 45 for
  # the group labels and the caption and 15 per line of the note
  set multiplot layout npanels, 1 title title font ',13' \
      margins 0.09, 0.82, (45.0 + 15 * notelines) / height, 1 - 60.0 / height \
      spacing 0, (rot != 0 ? 110.0 : 60.0) / height
  do for [k=1:npanels] {
    file = prefix . k . '.dat'
    set title word(panels, k) font ',11' offset 0,-0.6
    eval 'set xtics scale 0 ' . xticsdef . (rot != 0 ? sprintf(' rotate by %d right', rot) : '')
    # The caption and the note once per figure (the first panel draws them).
    if (k == 1) {
      set label 100 caption at screen 0.005, screen 0.012 left font ',8' textcolor rgb '#555555'
      if (strlen(note) > 0) { set label 101 note at screen 0.005, screen (18.0 + 14 * notelines) / height left font ',9' textcolor rgb '#D55E00' }
    } else {
      unset label 100
      unset label 101
    }
    cmd = 'plot '
    do for [i=1:n] {
      cmd = cmd . sprintf("file index %d using 1:2 with boxes fs %s lc rgb '%s' title '%s', ", \
                          i - 1, fillspec(i), color(i), k == 1 ? name(i) : '')
    }
    cmd = cmd . "file using 1:3:(0):($4 - $3) with vectors heads size screen 0.004,90 lw 1.2 lc rgb '#222222' notitle, "
    cmd = cmd . "file using 1:6:5 with labels rotate by 90 left offset 0,0.3 font ',7' notitle"
    eval cmd
  }
  unset multiplot
  set output
}
