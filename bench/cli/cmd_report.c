/* mmbench — `mmbench report DIR`: figures (gnuplot data files, SVG and PNG
 * in DIR/plots/), DIR/report.html and a one-screen summary on stdout for one
 * results folder (--text: the full table instead). Without gnuplot the data files and the page are
 * still written and the exit status is 0: results are never lost for a plot. */
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "commands.h"
#include "options.h"
#include "report.h"

typedef struct report_args {
  int quiet, text;
} report_args;

static const mmb_option rows[] = {
    {"quiet", 'q', MMB_OPT_FLAG, MMB_OPT_VAR(report_args, quiet), .help = "no summary on stdout"},
    {"text", 0, MMB_OPT_FLAG, MMB_OPT_VAR(report_args, text),
     .help = "print the full table of every cell instead of the summary"},
    {.name = NULL}};
const mmb_optspec mmb_report_options = {
    .command = "report",
    .usage = "[--quiet | --text] DIR",
    .about = "\nPlots and report page for a results folder written by mmbench run:\n"
             "  DIR/plots/*.svg, *.png   figures (gnuplot scripts in scripts/*.gp)\n"
             "  DIR/plots/data/          the numbers behind every figure\n"
             "  DIR/report.html          overview (heat maps, best allocator per family,\n"
             "                           warnings), figures by family, full table, environment\n"
             "and a one-screen summary on stdout.\n",
    .after = "environment: MMB_SCRIPTS_DIR overrides where the .gp scripts are.\n"
             "Without gnuplot (Debian package gnuplot-nox) the data files and report.html are\n"
             "still written.\n",
    .rows = rows,
    .stop_at_argument = 1,
};

int mmb_cmd_report(int argc, char **argv) {
  report_args a = {0};
  int next;
  int rc = mmb_opts_parse(&mmb_report_options, &a, argc, argv, &next, NULL);
  if (rc >= 0) return rc;
  int quiet = a.quiet, text = a.text;
  if (quiet && text)
    return mmb_usage_error("report", "--quiet and --text contradict each other: give one");
  if (next != argc - 1)
    return mmb_usage_error("report", next >= argc ? "needs the results folder: mmbench report DIR"
                                                  : "takes one results folder: mmbench report DIR");
  const char *dir = argv[next];

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
  rc = figs.failed ? 1 : 0;
  mmb_rep_figs_free(&figs);
  mmb_rep_free(&m);
  return rc;
}
