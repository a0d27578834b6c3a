/* mmbench — `mmbench report DIR`: figures (gnuplot data files, SVG and PNG
 * in DIR/plots/), DIR/report.html and a one-screen summary on stdout for one
 * results folder (--text: the full table instead). Without gnuplot the data files and the page are
 * still written and the exit status is 0: results are never lost for a plot. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "report.h"

static void usage(FILE *out) {
  fputs("usage: mmbench report [--quiet | --text] DIR\n\n"
        "Plots and report page for a results folder written by mmbench run:\n"
        "  DIR/plots/*.svg, *.png   figures (gnuplot scripts in scripts/*.gp)\n"
        "  DIR/plots/data/          the numbers behind every figure\n"
        "  DIR/report.html          overview (heat maps, best allocator per family,\n"
        "                           warnings), figures by family, full table, environment\n"
        "and a one-screen summary on stdout.\n\n"
        "options:\n"
        "  -q, --quiet   no summary on stdout\n"
        "  -t, --text    print the full table of every cell instead of the summary\n"
        "  -h, --help    this help\n\n"
        "environment: MMB_SCRIPTS_DIR overrides where the .gp scripts are.\n"
        "Without gnuplot (Debian package gnuplot-nox) the data files and report.html are\n"
        "still written.\n",
        out);
}

int mmb_cmd_report(int argc, char **argv) {
  static const struct option opts[] = {
      {"quiet", no_argument, NULL, 'q'},
      {"text", no_argument, NULL, 't'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  int quiet = 0, text = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+qth", opts, NULL)) != -1) {
    switch (c) {
    case 'q': quiet = 1; break;
    case 't': text = 1; break;
    case 'h': usage(stdout); return 0;
    default: {
      char msg[160];
      snprintf(msg, sizeof msg, "unknown option '%s' (valid: --quiet, --text, --help)",
               argv[optind - 1]);
      return mmb_usage_error("report", msg);
    }
    }
  }
  if (quiet && text)
    return mmb_usage_error("report", "--quiet and --text contradict each other: give one");
  if (optind != argc - 1)
    return mmb_usage_error("report", optind >= argc
                                         ? "needs the results folder: mmbench report DIR"
                                         : "takes one results folder: mmbench report DIR");
  const char *dir = argv[optind];

  char err[1024];
  mmb_rmodel m;
  if (mmb_rep_load(dir, &m, err, sizeof err)) return mmb_usage_error("report", err);

  mmb_gnuplot gp;
  mmb_gp_find(&gp);
  mmb_rfigs figs;
  if (mmb_rep_figures(&m, &gp, &figs, err, sizeof err)) {
    mmb_rep_free(&m);
    return mmb_usage_error("report", err);
  }
  mmb_roverview ov;
  mmb_rep_overview(&m, &ov);
  if (mmb_rep_html_write(&m, &ov, &gp, &figs, err, sizeof err)) {
    mmb_rep_overview_free(&ov);
    mmb_rep_figs_free(&figs);
    mmb_rep_free(&m);
    return mmb_usage_error("report", err);
  }

  if (text)
    mmb_rep_text(&m, stdout);
  else if (!quiet)
    mmb_rep_brief(&m, &ov, stdout);
  if (!quiet) mmb_rep_traces_text(&m, stdout);
  mmb_rep_overview_free(&ov);
  for (int i = 0; i < m.nwarnings; i++)
    fprintf(stderr, "mmbench report: note: %s\n", m.warnings[i]);
  size_t drawn = 0;
  for (size_t i = 0; i < figs.n; i++) drawn += figs.v[i].produced;
  if (!gp.have)
    fprintf(stderr, "mmbench report: no plots: %s; data files and report.html written\n", gp.why);
  printf("report: %s/report.html (%zu of %zu figures drawn in %s/plots)\n", m.dir, drawn, figs.n,
         m.dir);
  int rc = figs.failed ? 1 : 0;
  mmb_rep_figs_free(&figs);
  mmb_rep_free(&m);
  return rc;
}
