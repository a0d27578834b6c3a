# mmbench — settings shared by every figure script; each script loads this
# first. mmbench passes (gnuplot -e):
#   scripts   this folder;  out  output path without extension (.svg, .png)
#   title     figure title; caption  "mmbench · host · CPU · date"
#   width, height  size in pixels (the same for SVG and PNG)
#   bmargin   (optional) bottom margin in character rows
#   names, colors, patterns, points: one word per series (allocator), so an
#   allocator keeps its colour, fill pattern and point type in every figure
set encoding utf8

# The terminal for one output format: eval set_term('svg') or set_term('png').
set_term(fmt) = fmt eq 'svg' \
  ? sprintf("set terminal svg size %d,%d font 'Sans,11' noenhanced background rgb 'white'", width, height) \
  : sprintf("set terminal pngcairo size %d,%d font 'Sans,10' noenhanced background rgb 'white'", width, height)

# Per-series style, i = 1..n.
name(i) = word(names, i)
color(i) = word(colors, i)
pattern(i) = int(word(patterns, i))
point(i) = int(word(points, i))
# Bars: solid with a dark border, or a hatch in the series colour.
fillspec(i) = pattern(i) == 0 \
  ? "solid 0.85 border rgb '#333333'" \
  : sprintf("pattern %d border rgb '%s'", pattern(i), color(i))

# Looks shared by all figures. The caption sits at the very bottom, below
# the x axis labels: bmargin (character rows) leaves room for both.
if (exists("bmargin")) { set bmargin bmargin }
set title title font ',13'
set label 100 caption at screen 0.005, screen 0.012 left font ',8' textcolor rgb '#555555'
set border 3 lc rgb '#444444'
set tics nomirror
set grid lc rgb '#e0e0e0' lw 1
set key noenhanced
