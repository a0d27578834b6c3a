/* mmbench — `mmbench reproduce [NAME...]`: run the recipes of
 * scripts/recipes/ (see recipe.h), each matrix through `mmbench run` into
 * OUT/<recipe>, its figures through `mmbench report`, then decide every
 * expectation and write OUT/verdicts.csv and OUT/reproduce.html.
 * Exit status: 0 every recipe ran and none failed (INCONCLUSIVE is not a
 * failure), 1 a claim FAILed or a matrix could not be run, 2 bad input
 * (an option, a recipe file, an unknown name), 130 interrupted. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "cli_util.h"
#include "commands.h"
#include "mmb_config.h"
#include "files.h"
#include "recipe.h"
#include "results.h"

#define MAX_RECIPES 256

static void usage(FILE *out) {
  fputs("usage: mmbench reproduce [OPTIONS] [NAME...]\n\n"
        "Runs the recipes (published claims, scripts/recipes/*.recipe): each one's matrix\n"
        "through mmbench run, its figures through mmbench report, then checks its\n"
        "expectations and prints claim, source, measured figure, expectation and verdict:\n"
        "  PASS          the whole 95 % confidence interval satisfies the expectation\n"
        "  FAIL          none of it does\n"
        "  INCONCLUSIVE  the interval straddles the threshold, a precondition does not\n"
        "                hold on this machine, or a cell failed or was skipped\n\n"
        "options:\n"
        "  NAME...            recipes to run (default: all)\n"
        "      --recipes DIR  recipe folder (default: $MMB_RECIPES_DIR, else scripts/recipes)\n"
        "  -o, --out DIR      output folder (default: results/reproduce-<UTC stamp>-<host>)\n"
        "      --scale F      multiply each recipe's work by F (e.g. 0.1 for a quick look)\n"
        "      --reps N       repetitions per cell instead of the recipe's (smoke tests)\n"
        "      --no-report    skip the figures (mmbench report)\n"
        "  -l, --list         list the recipes and stop\n"
        "  -h, --help         this text\n\n"
        "OUT holds <recipe>/ (one results folder per recipe, or <recipe>/runN/ for\n"
        "recipes with several run: lines), <recipe>.log, verdicts.csv and reproduce.html.\n"
        "Exit status: 0 all ran and none failed, 1 a claim failed or a matrix could not\n"
        "run, 2 bad input, 130 interrupted.\n",
        out);
}

/* ---------------------------------------------------------------------------
 * Files and folders
 * ------------------------------------------------------------------------- */
static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int dir_empty(const char *path) {
  DIR *d = opendir(path);
  if (!d) return 1;
  struct dirent *e;
  int empty = 1;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
  closedir(d);
  return empty;
}

static void find_recipes_dir(char *buf, size_t len) {
  const char *env = getenv("MMB_RECIPES_DIR");
  if (env && *env) {
    snprintf(buf, len, "%s", env);
    return;
  }
  char self[PATH_MAX];
  snprintf(self, sizeof self, "%s", mmb_self_exe());
  char *slash = strrchr(self, '/');
  if (slash) {
    *slash = 0;
    snprintf(buf, len, "%s/../scripts/recipes", self);
    if (is_dir(buf)) return;
  }
  snprintf(buf, len, "%s/scripts/recipes", MMB_SOURCE_DIR);
  if (is_dir(buf)) return;
  snprintf(buf, len, "scripts/recipes");
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.recipe files of dir, sorted. Returns the count or -1. */
static int list_recipe_files(const char *dir, char **out, int max) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < max) {
    size_t l = strlen(e->d_name);
    if (e->d_name[0] == '.' || l < 8 || strcmp(e->d_name + l - 7, ".recipe") != 0) continue;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    out[n++] = strdup(path);
  }
  closedir(d);
  qsort(out, (size_t)n, sizeof *out, name_cmp);
  return n;
}

/* The last non-empty line of a file, for a reason. */
static void log_tail(const char *path, char *out, size_t len) {
  out[0] = 0;
  char *text = mmb_read_file(path, NULL);
  if (text) mmb_last_line(text, out, len);
  free(text);
}

/* ---------------------------------------------------------------------------
 * Children: mmbench run / mmbench report, output into a log
 * ------------------------------------------------------------------------- */
static int spawn(char *const argv[], const char *log) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    int nul = open("/dev/null", O_RDONLY);
    if (nul >= 0) dup2(nul, 0);
    execv(argv[0], argv);
    fprintf(stderr, "mmbench reproduce: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  int st, forwarded = 0;
  for (;;) {
    pid_t w = waitpid(pid, &st, 0);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return -1;
    if (mmb_interrupted && !forwarded) {
      kill(pid, SIGTERM); /* SIGINT from a terminal reached it already */
      forwarded = 1;
    }
  }
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

/* ---------------------------------------------------------------------------
 * One recipe
 * ------------------------------------------------------------------------- */
typedef struct outcome {
  mmb_recipe *r;
  mmb_verdict verdict;
  mmb_rcheck_result res[MMB_RECIPE_MAX_CHECKS];
  char dirs[MMB_RECIPE_MAX_RUNS][PATH_MAX]; /* relative to OUT */
  int ran;                                  /* the matrix ran (folders exist) */
  int run_error;                            /* a matrix could not run */
  char why[512];                            /* recipe-level reason (precondition, run error) */
  double seconds;
} outcome;

static void run_recipe(outcome *oc, const char *out_abs, double scale, int reps, int figures,
                       const mmb_host_facts *host) {
  mmb_recipe *r = oc->r;
  double t0 = mmb_mono_s();
  oc->verdict = MMB_INCONCLUSIVE;
  for (int k = 0; k < r->nchecks; k++) {
    oc->res[k].verdict = MMB_INCONCLUSIVE;
    oc->res[k].value = oc->res[k].lo = oc->res[k].hi = NAN;
    snprintf(oc->res[k].measured, sizeof oc->res[k].measured, "not measured");
  }
  char why[512];
  if (!mmb_recipe_requires_met(r, host, why, sizeof why)) {
    snprintf(oc->why, sizeof oc->why, "precondition: %s", why);
    for (int k = 0; k < r->nchecks; k++)
      snprintf(oc->res[k].why, sizeof oc->res[k].why, "%s", oc->why);
    return;
  }
  char log[PATH_MAX];
  snprintf(log, sizeof log, "%s/%s.log", out_abs, r->name);
  const char *dirs[MMB_RECIPE_MAX_RUNS];
  char abs[MMB_RECIPE_MAX_RUNS][PATH_MAX];
  for (int k = 0; k < r->nruns; k++) {
    if (r->nruns == 1)
      snprintf(oc->dirs[k], sizeof oc->dirs[k], "%s", r->name);
    else
      snprintf(oc->dirs[k], sizeof oc->dirs[k], "%s/run%d", r->name, k + 1);
    snprintf(abs[k], sizeof abs[k], "%s/%s", out_abs, oc->dirs[k]);
    dirs[k] = abs[k];
    char args[MMB_RECIPE_MAX_ARGS + 8][256], err[1024];
    int n = mmb_recipe_run_args(r, k, scale, reps, args, MMB_RECIPE_MAX_ARGS + 4, err, sizeof err);
    if (n < 0) { /* validated before: not expected */
      snprintf(oc->why, sizeof oc->why, "%s", err);
      oc->run_error = 1;
      return;
    }
    char *argv[MMB_RECIPE_MAX_ARGS + 16];
    int a = 0;
    argv[a++] = (char *)mmb_self_exe();
    argv[a++] = "run";
    for (int i = 0; i < n; i++) argv[a++] = args[i];
    argv[a++] = "-q";
    argv[a++] = "-o";
    argv[a++] = abs[k];
    argv[a] = NULL;
    printf("  run %d/%d: mmbench run", k + 1, r->nruns);
    for (int i = 0; i < n; i++) printf(" %s", args[i]);
    printf("\n");
    fflush(stdout);
    if (r->nruns > 1) {
      char parent[PATH_MAX];
      snprintf(parent, sizeof parent, "%s/%s", out_abs, r->name);
      mmb_mkdirs(parent);
    }
    FILE *lf = fopen(log, "a");
    if (lf) {
      fprintf(lf, "$");
      for (int i = 0; argv[i]; i++) fprintf(lf, " %s", argv[i]);
      fprintf(lf, "\n");
      fclose(lf);
    }
    int rc = spawn(argv, log);
    if (mmb_interrupted || rc == 130) {
      mmb_interrupted = 1;
      snprintf(oc->why, sizeof oc->why, "interrupted");
      return;
    }
    if (rc != 0) {
      char tail[400];
      log_tail(log, tail, sizeof tail);
      snprintf(oc->why, sizeof oc->why, "mmbench run failed (exit %d): %s", rc, tail);
      oc->run_error = 1;
      for (int j = 0; j < r->nchecks; j++)
        snprintf(oc->res[j].why, sizeof oc->res[j].why, "%s", oc->why);
      oc->seconds = mmb_mono_s() - t0;
      return;
    }
    if (figures) {
      char *rargv[] = {(char *)mmb_self_exe(), "report", "-q", abs[k], NULL};
      int rr = spawn(rargv, log);
      if (mmb_interrupted) return;
      if (rr != 0)
        printf("  note: mmbench report %s failed (exit %d); see %s\n", oc->dirs[k], rr, log);
    }
  }
  oc->ran = 1;
  mmb_rresults rs;
  char err[1024];
  if (mmb_rresults_load(&rs, dirs, r->nruns, err, sizeof err) != 0) {
    snprintf(oc->why, sizeof oc->why, "cannot read the results: %s", err);
    oc->run_error = 1;
    for (int j = 0; j < r->nchecks; j++)
      snprintf(oc->res[j].why, sizeof oc->res[j].why, "%s", oc->why);
    return;
  }
  oc->verdict = mmb_recipe_eval(r, &rs, oc->res);
  mmb_rresults_free(&rs);
  oc->seconds = mmb_mono_s() - t0;
}

static void print_outcome(const outcome *oc) {
  const mmb_recipe *r = oc->r;
  if (oc->why[0]) printf("  note: %s\n", oc->why);
  for (int k = 0; k < r->nchecks; k++) {
    char exp[700];
    mmb_recipe_check_text(&r->checks[k], exp, sizeof exp);
    const mmb_rcheck_result *res = &oc->res[k];
    printf("  %-12s %s\n               measured %s", mmb_verdict_name(res->verdict), exp,
           res->measured);
    if (res->why[0] && strcmp(res->why, oc->why) != 0) printf("; %s", res->why);
    printf("\n");
  }
  printf("  => %s", mmb_verdict_name(oc->verdict));
  if (oc->seconds > 0) printf(" (%.0f s)", oc->seconds);
  printf("\n\n");
  fflush(stdout);
}

/* ---------------------------------------------------------------------------
 * verdicts.csv and reproduce.html
 * ------------------------------------------------------------------------- */
static void fmt_num(double v, char *buf, size_t len) {
  if (isnan(v))
    buf[0] = 0;
  else
    snprintf(buf, len, "%.6g", v);
}

static int write_csv(const char *out, outcome *oc, int n) {
  size_t cap = 1 << 16, used = 0;
  char *text = malloc(cap);
  if (!text) return -ENOMEM;
  used =
      (size_t)snprintf(text, cap,
                       "recipe,claim,source,check,expectation,value,ci_lo,ci_hi,n_a,n_b,measured,"
                       "verdict,recipe_verdict,reason\n");
  for (int i = 0; i < n; i++) {
    const mmb_recipe *r = oc[i].r;
    for (int k = 0; k < r->nchecks; k++) {
      const mmb_rcheck_result *res = &oc[i].res[k];
      char line[8192], num[64], exp[700];
      size_t lu = 0;
      mmb_csv_field(line, sizeof line, &lu, r->name, 1);
      mmb_csv_field(line, sizeof line, &lu, r->claim, 0);
      mmb_csv_field(line, sizeof line, &lu, r->source, 0);
      snprintf(num, sizeof num, "%d", k + 1);
      mmb_csv_field(line, sizeof line, &lu, num, 0);
      mmb_recipe_check_text(&r->checks[k], exp, sizeof exp);
      mmb_csv_field(line, sizeof line, &lu, exp, 0);
      double f[] = {res->value, res->lo, res->hi};
      for (int q = 0; q < 3; q++) {
        fmt_num(f[q], num, sizeof num);
        mmb_csv_field(line, sizeof line, &lu, num, 0);
      }
      for (int q = 0; q < 2; q++) {
        snprintf(num, sizeof num, "%d", res->n[q]);
        mmb_csv_field(line, sizeof line, &lu, num, 0);
      }
      mmb_csv_field(line, sizeof line, &lu, res->measured, 0);
      mmb_csv_field(line, sizeof line, &lu, mmb_verdict_name(res->verdict), 0);
      mmb_csv_field(line, sizeof line, &lu, mmb_verdict_name(oc[i].verdict), 0);
      mmb_csv_field(line, sizeof line, &lu, res->why, 0);
      if (used + lu + 2 > cap) {
        cap = (cap + lu) * 2;
        char *nt = realloc(text, cap);
        if (!nt) {
          free(text);
          return -ENOMEM;
        }
        text = nt;
      }
      memcpy(text + used, line, lu);
      used += lu;
      text[used++] = '\n';
      text[used] = 0;
    }
  }
  int rc = mmb_write_atomic(out, "verdicts.csv", text);
  free(text);
  return rc;
}

static void html(FILE *f, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    default: fputc(*s, f);
    }
  }
}

static const char *verdict_class(mmb_verdict v) {
  return v == MMB_PASS ? "pass" : v == MMB_FAIL ? "fail" : "inc";
}

/* The figures of the recipe's kind in OUT/dir/plots (file stems). */
static int find_figures(const char *out, const char *dir, const mmb_recipe *r, char names[][256],
                        int max) {
  if (strcmp(r->figure, "none") == 0) return 0;
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s/plots", out, dir);
  char *files[512];
  int n = 0;
  DIR *d = opendir(path);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 512) {
    size_t l = strlen(e->d_name);
    if (l < 5 || strcmp(e->d_name + l - 4, ".svg") != 0) continue;
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s-%s", r->figure, r->figure_workload);
    size_t pl = strlen(prefix);
    if (strncmp(e->d_name, prefix, pl) != 0) continue;
    if (r->figure_workload[0] && e->d_name[pl] != '-' && e->d_name[pl] != '.') continue;
    files[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(files, (size_t)n, sizeof *files, name_cmp);
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (k < max) snprintf(names[k++], 256, "%s", files[i]);
    free(files[i]);
  }
  return k;
}

static int write_html(const char *out, outcome *oc, int n, const mmb_host_facts *host,
                      const char *started, double scale) {
  char tmp[PATH_MAX], path[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s/.reproduce.html.tmp", out);
  snprintf(path, sizeof path, "%s/reproduce.html", out);
  FILE *f = fopen(tmp, "w");
  if (!f) return -errno;
  char hostname[256] = "";
  gethostname(hostname, sizeof hostname - 1);
  struct utsname u;
  uname(&u);
  int cnt[3] = {0, 0, 0};
  for (int i = 0; i < n; i++) cnt[oc[i].verdict]++;
  fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<title>mmbench reproduce</title>\n<style>\n"
        "body{font-family:sans-serif;margin:2em;max-width:80em;color:#222}\n"
        "table{border-collapse:collapse;width:100%}\n"
        "th,td{border:1px solid #ccc;padding:.35em .5em;text-align:left;vertical-align:top}\n"
        "th{background:#f3f3f3}\n"
        "td.v b{white-space:nowrap}\n"
        ".pass{color:#0a6b2d}.fail{color:#b00020}.inc{color:#8a6d00}\n"
        "code{font-size:90%}\nimg{max-width:100%;border:1px solid #ddd;margin:.5em 0}\n"
        ".why{color:#555;font-size:90%}\n"
        "</style></head><body>\n<h1>Reproducing published results</h1>\n",
        f);
  fprintf(f, "<p>Host <b>");
  html(f, hostname);
  fprintf(f,
          "</b> (%s %s), %d CPUs, %d cores that are not SMT siblings, hardware PMU: %s. Started ",
          u.sysname, u.release, host->cpus, host->cores, host->pmu ? "yes" : "no");
  html(f, started);
  fprintf(f, "; work scale &times;%g.</p>\n", scale);
  fprintf(f,
          "<p><span class=\"pass\">%d PASS</span>, <span class=\"fail\">%d FAIL</span>, "
          "<span class=\"inc\">%d INCONCLUSIVE</span> of %d recipes. PASS: the whole 95&nbsp;%% "
          "confidence interval meets the expectation; FAIL: none of it does; INCONCLUSIVE: the "
          "interval straddles the threshold, a precondition does not hold here, or a cell failed. "
          "Numbers are <a href=\"verdicts.csv\">in verdicts.csv</a>.</p>\n",
          cnt[MMB_PASS], cnt[MMB_FAIL], cnt[MMB_INCONCLUSIVE], n);
  fputs("<table>\n<tr><th>recipe</th><th>claim</th><th>source</th><th>measured [95% CI]</th>"
        "<th>expectation</th><th>verdict</th></tr>\n",
        f);
  for (int i = 0; i < n; i++) {
    const mmb_recipe *r = oc[i].r;
    for (int k = 0; k < r->nchecks; k++) {
      const mmb_rcheck_result *res = &oc[i].res[k];
      fputs("<tr>", f);
      if (k == 0) {
        fprintf(f, "<td rowspan=\"%d\"><a href=\"#%s\">", r->nchecks, r->name);
        html(f, r->name);
        fprintf(f, "</a><br><span class=\"%s\">%s</span></td><td rowspan=\"%d\">",
                verdict_class(oc[i].verdict), mmb_verdict_name(oc[i].verdict), r->nchecks);
        html(f, r->claim);
        fprintf(f, "</td><td rowspan=\"%d\">", r->nchecks);
        html(f, r->source);
        fputs("</td>", f);
      }
      fputs("<td>", f);
      html(f, res->measured);
      fputs("</td><td><code>", f);
      char exp[700];
      mmb_recipe_check_text(&r->checks[k], exp, sizeof exp);
      html(f, exp);
      fprintf(f, "</code></td><td class=\"v %s\"><b>%s</b>", verdict_class(res->verdict),
              mmb_verdict_name(res->verdict));
      if (res->why[0]) {
        fputs("<div class=\"why\">", f);
        html(f, res->why);
        fputs("</div>", f);
      }
      fputs("</td></tr>\n", f);
    }
  }
  fputs("</table>\n", f);
  for (int i = 0; i < n; i++) {
    const mmb_recipe *r = oc[i].r;
    fprintf(f, "<h2 id=\"%s\">", r->name);
    html(f, r->name);
    fprintf(f, " &mdash; <span class=\"%s\">%s</span></h2>\n<p>", verdict_class(oc[i].verdict),
            mmb_verdict_name(oc[i].verdict));
    html(f, r->claim);
    fputs("<br><i>", f);
    html(f, r->source);
    fputs("</i></p>\n", f);
    if (r->note[0]) {
      fputs("<p>", f);
      html(f, r->note);
      fputs("</p>\n", f);
    }
    if (oc[i].why[0]) {
      fputs("<p class=\"why\">", f);
      html(f, oc[i].why);
      fputs("</p>\n", f);
    }
    fputs("<ul>\n", f);
    for (int k = 0; k < r->nruns; k++) {
      fputs("<li><code>mmbench run ", f);
      html(f, r->runs[k].text);
      fputs("</code>", f);
      if (oc[i].ran) {
        fprintf(f,
                " &rarr; <a href=\"%s/report.html\">report</a>, <a "
                "href=\"%s/summary.csv\">summary.csv</a>",
                oc[i].dirs[k], oc[i].dirs[k]);
      }
      fputs("</li>\n", f);
    }
    fprintf(
        f, "<li><a href=\"%s.log\">log</a>, <a href=\"recipes/%s.recipe\">recipe</a></li>\n</ul>\n",
        r->name, r->name);
    for (int k = 0; oc[i].ran && k < r->nruns; k++) {
      char names[16][256];
      int nf = find_figures(out, oc[i].dirs[k], r, names, 16);
      for (int j = 0; j < nf; j++) {
        fprintf(f, "<div><a href=\"%s/plots/%s\"><img src=\"%s/plots/%s\" alt=\"", oc[i].dirs[k],
                names[j], oc[i].dirs[k], names[j]);
        html(f, names[j]);
        fputs("\"></a></div>\n", f);
      }
    }
  }
  fputs("</body></html>\n", f);
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) {
    unlink(tmp);
    return -EIO;
  }
  return rename(tmp, path) == 0 ? 0 : -errno;
}

/* A copy of each recipe file in OUT/recipes/ (what exactly was checked). */
static void copy_recipe(const char *out, const mmb_recipe *r) {
  char dst[PATH_MAX];
  snprintf(dst, sizeof dst, "%s/recipes", out);
  mmb_mkdirs(dst);
  snprintf(dst, sizeof dst, "%s/recipes/%s.recipe", out, r->name);
  FILE *in = fopen(r->file, "rb"), *o = fopen(dst, "wb");
  char buf[8192];
  size_t got;
  while (in && o && (got = fread(buf, 1, sizeof buf, in)) > 0) fwrite(buf, 1, got, o);
  if (in) fclose(in);
  if (o) fclose(o);
}

/* ---------------------------------------------------------------------------
 * The command
 * ------------------------------------------------------------------------- */
static const char *stem_of(const char *path, char *buf, size_t len) {
  const char *b = strrchr(path, '/');
  snprintf(buf, len, "%s", b ? b + 1 : path);
  char *dot = strrchr(buf, '.');
  if (dot) *dot = 0;
  return buf;
}

int mmb_cmd_reproduce(int argc, char **argv) {
  static const struct option opts[] = {
      {"recipes", required_argument, NULL, 'R'}, {"out", required_argument, NULL, 'o'},
      {"scale", required_argument, NULL, 'S'},   {"reps", required_argument, NULL, 'r'},
      {"no-report", no_argument, NULL, 'N'},     {"list", no_argument, NULL, 'l'},
      {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
  const char *recipes_dir = NULL, *out = NULL;
  double scale = 1;
  int reps = 0, list = 0, figures = 1, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":o:lh", opts, NULL)) != -1) {
    switch (c) {
    case 'R': recipes_dir = optarg; break;
    case 'o': out = optarg; break;
    case 'S': {
      char *end;
      scale = strtod(optarg, &end);
      if (*end || end == optarg || !(scale > 0 && scale <= 100))
        return mmb_usage_error("reproduce", "--scale needs a number in (0, 100], e.g. 0.1");
      break;
    }
    case 'r': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (*end || end == optarg || v < 1 || v > 1000)
        return mmb_usage_error("reproduce", "--reps needs a whole number in 1..1000, e.g. 3");
      reps = (int)v;
      break;
    }
    case 'N': figures = 0; break;
    case 'l': list = 1; break;
    case 'h': usage(stdout); return 0;
    case ':': {
      char msg[160];
      snprintf(msg, sizeof msg, "option %s needs a value", argv[optind - 1]);
      return mmb_usage_error("reproduce", msg);
    }
    default: {
      char msg[200];
      snprintf(msg, sizeof msg,
               "unknown option '%s' (valid: --recipes, --out, --scale, --reps, "
               "--no-report, --list, --help)",
               argv[optind - 1]);
      return mmb_usage_error("reproduce", msg);
    }
    }
  }

  /* every recipe of the folder is read, so a broken one is found at once */
  char rdir[PATH_MAX];
  if (recipes_dir)
    snprintf(rdir, sizeof rdir, "%s", recipes_dir);
  else
    find_recipes_dir(rdir, sizeof rdir);
  char *files[MAX_RECIPES];
  int nfiles = list_recipe_files(rdir, files, MAX_RECIPES);
  if (nfiles <= 0) {
    fprintf(stderr,
            "mmbench reproduce: %s: %s (point --recipes or MMB_RECIPES_DIR at a folder of "
            "*.recipe files, e.g. scripts/recipes)\n",
            rdir, nfiles < 0 ? strerror(errno) : "no *.recipe files");
    return MMB_EXIT_USAGE;
  }
  mmb_recipe *all[MAX_RECIPES];
  int nall = 0, status = 0;
  char err[2048];
  for (int i = 0; i < nfiles; i++) {
    if (status == 0) {
      if (mmb_recipe_load(files[i], &all[nall], err, sizeof err) != 0) {
        fprintf(stderr, "mmbench reproduce: %s\n", err);
        status = MMB_EXIT_USAGE;
      } else {
        for (int j = 0; j < nall && !status; j++)
          if (strcmp(all[j]->name, all[nall]->name) == 0) {
            fprintf(stderr,
                    "mmbench reproduce: %s: name '%s' is already used by %s (names are unique)\n",
                    files[i], all[nall]->name, all[j]->file);
            status = MMB_EXIT_USAGE;
          }
        nall++;
      }
    }
    free(files[i]);
  }
  mmb_recipe *sel[MAX_RECIPES];
  int nsel = 0;
  if (status == 0 && optind < argc) {
    for (int i = optind; i < argc && !status; i++) {
      int found = -1;
      char stem[256];
      for (int j = 0; j < nall; j++)
        if (strcmp(all[j]->name, argv[i]) == 0 ||
            strcmp(stem_of(all[j]->file, stem, sizeof stem), argv[i]) == 0)
          found = j;
      if (found < 0) {
        const char *best = NULL;
        int bestd = 4;
        for (int j = 0; j < nall; j++) {
          int d = mmb_edit_distance(argv[i], all[j]->name);
          if (d < bestd) bestd = d, best = all[j]->name;
        }
        char names[1024] = "";
        for (int j = 0; j < nall; j++) {
          size_t u = strlen(names);
          snprintf(names + u, sizeof names - u, "%s%s", j ? ", " : "", all[j]->name);
        }
        if (best)
          fprintf(stderr,
                  "mmbench reproduce: unknown recipe '%s' (did you mean '%s'? recipes: %s)\n",
                  argv[i], best, names);
        else
          fprintf(stderr, "mmbench reproduce: unknown recipe '%s' (recipes: %s)\n", argv[i], names);
        status = MMB_EXIT_USAGE;
        break;
      }
      int dup = 0;
      for (int j = 0; j < nsel; j++) dup |= sel[j] == all[found];
      if (!dup) sel[nsel++] = all[found];
    }
  } else if (status == 0) {
    for (int j = 0; j < nall; j++) sel[nsel++] = all[j];
  }
  for (int i = 0; i < nsel && !status; i++)
    if (mmb_recipe_validate(sel[i], scale, reps, err, sizeof err) != 0) {
      fprintf(stderr, "mmbench reproduce: %s\n", err);
      status = MMB_EXIT_USAGE;
    }
  if (status) goto done;

  if (list) {
    for (int i = 0; i < nsel; i++) {
      const mmb_recipe *r = sel[i];
      printf("%-24s %s\n%-24s source: %s\n", r->name, r->claim, "", r->source);
      for (int k = 0; k < r->nrequires; k++) printf("%-24s require: %s\n", "", r->requires[k].text);
      for (int k = 0; k < r->nruns; k++) printf("%-24s run: %s\n", "", r->runs[k].text);
      for (int k = 0; k < r->nchecks; k++) {
        char exp[700];
        mmb_recipe_check_text(&r->checks[k], exp, sizeof exp);
        printf("%-24s expect: %s\n", "", exp);
      }
    }
    printf("%d recipes in %s\n", nsel, rdir);
    goto done;
  }

  char outdir[PATH_MAX];
  if (out)
    snprintf(outdir, sizeof outdir, "%s", out);
  else
    mmb_results_default_dir(outdir, sizeof outdir, "reproduce-");
  if (is_dir(outdir) && !dir_empty(outdir)) {
    fprintf(stderr, "mmbench reproduce: %s is not empty; give another --out DIR\n", outdir);
    status = MMB_EXIT_USAGE;
    goto done;
  }
  int mk = mmb_mkdirs(outdir);
  char out_abs[PATH_MAX];
  if (mk != 0 || !realpath(outdir, out_abs)) {
    fprintf(stderr, "mmbench reproduce: cannot create %s: %s\n", outdir,
            strerror(mk ? -mk : errno));
    status = 1;
    goto done;
  }

  mmb_host_facts host;
  mmb_host_facts_probe(&host);
  mmb_child_catch_signals();
  char started[64];
  {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
  }
  printf("mmbench reproduce: %d recipe%s into %s (host: %d CPUs, %d cores not SMT siblings, PMU "
         "%s%s)\n\n",
         nsel, nsel == 1 ? "" : "s", outdir, host.cpus, host.cores, host.pmu ? "yes" : "no",
         scale != 1 ? "; work scaled" : "");
  outcome *oc = calloc((size_t)nsel, sizeof *oc);
  if (!oc) {
    status = 1;
    goto done;
  }
  int done_n = 0;
  for (int i = 0; i < nsel && !mmb_interrupted; i++) {
    oc[i].r = sel[i];
    copy_recipe(out_abs, sel[i]);
    printf("[%d/%d] %s: %s\n  source: %s\n", i + 1, nsel, sel[i]->name, sel[i]->claim,
           sel[i]->source);
    run_recipe(&oc[i], out_abs, scale, reps, figures, &host);
    if (mmb_interrupted) break;
    done_n++;
    print_outcome(&oc[i]);
  }
  /* the outcome files cover the recipes that finished */
  if (done_n > 0) {
    if (write_csv(out_abs, oc, done_n) != 0 ||
        write_html(out_abs, oc, done_n, &host, started, scale) != 0)
      fprintf(stderr, "mmbench reproduce: cannot write verdicts.csv / reproduce.html in %s\n",
              outdir);
  }
  int cnt[3] = {0, 0, 0}, run_errors = 0;
  printf("%-24s %-13s %-28s %s\n", "recipe", "verdict", "measured [95% CI]", "expectation");
  for (int i = 0; i < done_n; i++) {
    cnt[oc[i].verdict]++;
    run_errors += oc[i].run_error;
    for (int k = 0; k < oc[i].r->nchecks; k++) {
      char exp[700];
      mmb_recipe_check_text(&oc[i].r->checks[k], exp, sizeof exp);
      printf("%-24s %-13s %-28s %s\n", k == 0 ? oc[i].r->name : "",
             mmb_verdict_name(oc[i].res[k].verdict), oc[i].res[k].measured, exp);
    }
  }
  printf("\n%d PASS, %d FAIL, %d INCONCLUSIVE%s; report: %s/reproduce.html\n", cnt[MMB_PASS],
         cnt[MMB_FAIL], cnt[MMB_INCONCLUSIVE],
         run_errors ? " (a matrix could not run: see its log)" : "", outdir);
  if (mmb_interrupted) {
    fprintf(stderr, "mmbench reproduce: interrupted after %d of %d recipes; what ran is in %s\n",
            done_n, nsel, outdir);
    status = 130;
  } else {
    status = cnt[MMB_FAIL] || run_errors ? 1 : 0;
  }
  free(oc);
done:
  for (int i = 0; i < nall; i++) mmb_recipe_free(all[i]);
  return status;
}
