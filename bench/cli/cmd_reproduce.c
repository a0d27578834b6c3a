/* mmbench — `mmbench reproduce [NAME...]`: run the recipes of
 * scripts/recipes/ (see recipe.h): for each, a calibration of two batches
 * of rounds, then batches of more rounds (each an `mmbench run` into
 * OUT/<recipe>/bN) while a check straddles its threshold and the budget
 * lasts; the figures of the last batch through `mmbench report`; then
 * OUT/verdicts.csv and OUT/reproduce.html (reproduce_out.c).
 * Exit status: 0 every check got a verdict and none failed, 1 a claim
 * FAILed, 3 no FAIL but some check got no verdict (INCONCLUSIVE, or a
 * matrix could not run), 2 bad input (an option, a recipe file, an unknown
 * name), 130 interrupted. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include "options.h"
#include "recipe.h"
#include "reproduce.h"
#include "results.h"

#define MAX_RECIPES 256
#define EXIT_UNDECIDED 3 /* no FAIL, but some check got no verdict */

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
 * Children: mmbench run / mmbench report through the one spawning helper,
 * their stderr appended to the recipe's log
 * ------------------------------------------------------------------------- */
static int spawn(char *const argv[], const char *log) {
  static mmb_child_io io;
  int timed_out = 0;
  int st = mmb_child_run(argv, NULL, "", 7 * 86400.0, &io, NULL, &timed_out);
  FILE *lf = fopen(log, "a");
  if (lf) {
    if (io.err_len) fwrite(io.err, 1, io.err_len, lf);
    fclose(lf);
  }
  if (st < 0) return -1;
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

/* ---------------------------------------------------------------------------
 * One recipe: calibration, then batches of rounds until every check is
 * decided or the budget is spent
 * ------------------------------------------------------------------------- */
/* The folder of run line k of batch b (1-based), relative to OUT. */
static void batch_dir(const mmb_recipe *r, int b, int k, char *buf, size_t len) {
  if (r->nruns == 1)
    snprintf(buf, len, "%s/b%d", r->name, b);
  else
    snprintf(buf, len, "%s/b%d/run%d", r->name, b, k + 1);
}

/* Run every run line once with reps rounds into batch b. 0, 130
 * interrupted, or -1 with oc->why. */
static int run_batch(mmb_outcome *oc, const char *out_abs, double scale, int b, int reps) {
  const mmb_recipe *r = oc->r;
  char log[PATH_MAX];
  snprintf(log, sizeof log, "%s/%s.log", out_abs, r->name);
  for (int k = 0; k < r->nruns; k++) {
    char rel[PATH_MAX], abs[PATH_MAX * 2];
    batch_dir(r, b, k, rel, sizeof rel);
    snprintf(abs, sizeof abs, "%s/%s", out_abs, rel);
    char parent[PATH_MAX * 2];
    snprintf(parent, sizeof parent, "%s", abs);
    char *slash = strrchr(parent, '/');
    if (slash) *slash = 0;
    mmb_mkdirs(parent);
    char args[MMB_RECIPE_MAX_ARGS + 8][256], err[1024];
    int n = mmb_recipe_run_args(r, k, scale, reps, args, MMB_RECIPE_MAX_ARGS + 4, err, sizeof err);
    if (n < 0) { /* validated before: not expected */
      snprintf(oc->why, sizeof oc->why, "%s", err);
      return -1;
    }
    char *argv[MMB_RECIPE_MAX_ARGS + 16];
    int a = 0;
    argv[a++] = (char *)mmb_self_exe();
    argv[a++] = "run";
    for (int i = 0; i < n; i++) argv[a++] = args[i];
    argv[a++] = "-q";
    argv[a++] = "-o";
    argv[a++] = abs;
    argv[a] = NULL;
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
      return 130;
    }
    if (rc != 0) {
      char tail[400];
      log_tail(log, tail, sizeof tail);
      snprintf(oc->why, sizeof oc->why, "mmbench run failed (exit %d): %s", rc, tail);
      return -1;
    }
  }
  return 0;
}

/* Load every batch so far and decide each check; checks already decided
 * as below the machine's resolution keep that verdict. */
static int evaluate(mmb_outcome *oc, const char *out_abs, int max_rounds, int looks) {
  mmb_recipe_results rs;
  char dir[PATH_MAX * 2], err[1024];
  snprintf(dir, sizeof dir, "%s/%s", out_abs, oc->r->name);
  if (mmb_recipe_results_load(&rs, oc->r, dir, err, sizeof err) != 0) {
    snprintf(oc->why, sizeof oc->why, "cannot read the results: %s", err);
    return -1;
  }
  int fail = 0, pass = 0;
  for (int k = 0; k < oc->r->nchecks; k++) {
    if (oc->res[k].kind == MMB_WHY_RESOLUTION) continue;
    mmb_recipe_eval_check(oc->r, k, &rs, max_rounds, looks, &oc->res[k]);
  }
  for (int k = 0; k < oc->r->nchecks; k++) {
    fail += oc->res[k].verdict == MMB_FAIL;
    pass += oc->res[k].verdict == MMB_PASS;
  }
  oc->verdict = fail ? MMB_FAIL : pass == oc->r->nchecks ? MMB_PASS : MMB_INCONCLUSIVE;
  mmb_recipe_results_free(&rs);
  return 0;
}

static int straddling(const mmb_outcome *oc) {
  int n = 0;
  for (int k = 0; k < oc->r->nchecks; k++) n += oc->res[k].kind == MMB_WHY_STRADDLE;
  return n;
}

static void all_why(mmb_outcome *oc, mmb_recipe_why kind) {
  for (int k = 0; k < oc->r->nchecks; k++) {
    oc->res[k].verdict = MMB_INCONCLUSIVE;
    oc->res[k].kind = kind;
    snprintf(oc->res[k].why, sizeof oc->res[k].why, "%s", oc->why);
  }
}

static void run_recipe(mmb_outcome *oc, const char *out_abs, double scale, int reps_cap,
                       int figures, const mmb_host_facts *host) {
  mmb_recipe *r = oc->r;
  double t0 = mmb_mono_s();
  oc->verdict = MMB_INCONCLUSIVE;
  for (int k = 0; k < r->nchecks; k++) {
    memset(&oc->res[k], 0, sizeof oc->res[k]);
    oc->res[k].verdict = MMB_INCONCLUSIVE;
    oc->res[k].value = oc->res[k].lo = oc->res[k].hi = NAN;
    snprintf(oc->res[k].measured, sizeof oc->res[k].measured, "not measured");
  }
  int budget = r->budget.rounds;
  if (reps_cap > 0 && reps_cap < budget) budget = reps_cap;
  int cal = r->budget.calibration < budget ? r->budget.calibration : budget;
  if (cal < 2 && budget >= 2) cal = 2;
  oc->budget = budget;
  /* the looks at the data, fixed by the budget before any round runs */
  int looks = mmb_recipe_looks(cal, budget);
  char why[512];
  if (!mmb_recipe_requires_met(r, host, why, sizeof why)) {
    snprintf(oc->why, sizeof oc->why, "precondition: %s", why);
    all_why(oc, MMB_WHY_HOST);
    return;
  }
  /* calibration: two batches, so that the drift between them is measured */
  int sizes[2] = {(cal + 1) / 2, cal / 2}, done = 0, b = 0, rc = 0;
  for (int i = 0; i < 2 && !rc; i++) {
    if (sizes[i] == 0) continue;
    rc = run_batch(oc, out_abs, scale, ++b, sizes[i]);
    done += sizes[i];
  }
  double t_cal = mmb_mono_s() - t0;
  if (!rc) rc = evaluate(oc, out_abs, budget, looks);
  if (!rc)
    printf("  calibration: %d round%s in %d batch%s, %.0f s; %d check%s still straddle%s\n", done,
           done == 1 ? "" : "s", b, b == 1 ? "" : "es", t_cal, straddling(oc),
           straddling(oc) == 1 ? "" : "s", straddling(oc) == 1 ? "s" : "");
  /* more rounds while a check straddles its threshold */
  while (!rc && straddling(oc) && done < budget) {
    double spent = mmb_mono_s() - t0, per_round = spent / done;
    int k = done < budget - done ? done : budget - done;
    if (spent + k * per_round > r->budget.seconds)
      k = (int)((r->budget.seconds - spent) / per_round);
    if (k < 1) break;
    rc = run_batch(oc, out_abs, scale, ++b, k);
    done += k;
    if (!rc) rc = evaluate(oc, out_abs, 0, looks);
    if (!rc)
      printf("  batch %d: %d rounds (%d in all, %.0f s); %d check%s still straddle%s\n", b, k, done,
             mmb_mono_s() - t0, straddling(oc), straddling(oc) == 1 ? "" : "s",
             straddling(oc) == 1 ? "s" : "");
    fflush(stdout);
  }
  oc->rounds = done;
  oc->batches = b;
  oc->seconds = mmb_mono_s() - t0;
  if (rc == 130) return;
  if (rc) {
    oc->run_error = 1;
    oc->verdict = MMB_INCONCLUSIVE;
    all_why(oc, MMB_WHY_HOST);
    return;
  }
  oc->ran = 1;
  for (int k = 0; k < r->nchecks; k++)
    if (oc->res[k].kind == MMB_WHY_STRADDLE) {
      size_t u = strlen(oc->res[k].why);
      snprintf(oc->res[k].why + u, sizeof oc->res[k].why - u,
               "; budget spent (%d of rounds=%d, %.0f of seconds=%.0f)", done, budget, oc->seconds,
               r->budget.seconds);
    }
  /* figures of the largest batch (the last one) */
  for (int k = 0; k < r->nruns; k++) batch_dir(r, b, k, oc->dirs[k], sizeof oc->dirs[k]);
  if (figures) {
    char log[PATH_MAX];
    snprintf(log, sizeof log, "%s/%s.log", out_abs, r->name);
    for (int k = 0; k < r->nruns && !mmb_interrupted; k++) {
      char abs[PATH_MAX * 2];
      snprintf(abs, sizeof abs, "%s/%s", out_abs, oc->dirs[k]);
      char *rargv[] = {(char *)mmb_self_exe(), "report", "-q", abs, NULL};
      int rr = spawn(rargv, log);
      if (rr != 0 && !mmb_interrupted)
        printf("  note: mmbench report %s failed (exit %d); see %s\n", oc->dirs[k], rr, log);
    }
  }
}

static void print_outcome(const mmb_outcome *oc) {
  const mmb_recipe *r = oc->r;
  if (oc->why[0]) printf("  note: %s\n", oc->why);
  for (int k = 0; k < r->nchecks; k++) {
    char exp[700];
    mmb_recipe_check_text(&r->checks[k], exp, sizeof exp);
    const mmb_recipe_result *res = &oc->res[k];
    printf("  %-12s %s\n               measured %s", mmb_verdict_name(res->verdict), exp,
           res->measured);
    if (res->why[0] && strcmp(res->why, oc->why) != 0) printf("; %s", res->why);
    if (res->verdict != MMB_PASS)
      printf("\n               condition: %s", res->condition[0] ? res->condition : "not measured");
    printf("\n");
  }
  printf("  => %s", mmb_verdict_name(oc->verdict));
  if (oc->seconds > 0) printf(" (%.0f s)", oc->seconds);
  printf("\n\n");
  fflush(stdout);
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

typedef struct reproduce_args {
  const char *recipes, *out;
  double scale;
  int reps, no_report, list;
} reproduce_args;

static const mmb_option rows[] = {
    {"recipes", 0, MMB_OPT_STRING, MMB_OPT_PTR(reproduce_args, recipes), .value = "DIR",
     .help = "recipe folder (default: $MMB_RECIPES_DIR, else scripts/recipes)"},
    {"out", 'o', MMB_OPT_STRING, MMB_OPT_PTR(reproduce_args, out), .value = "DIR",
     .help = "output folder (default: results/reproduce-<UTC stamp>-<host>)"},
    {"scale", 0, MMB_OPT_DOUBLE, MMB_OPT_VAR(reproduce_args, scale), 0, 100, .value = "F",
     .help = "multiply each recipe's work by F (e.g. 0.1 for a quick look)"},
    {"reps", 0, MMB_OPT_INT, MMB_OPT_VAR(reproduce_args, reps), 1, 1000, .value = "N",
     .help = "at most N rounds per recipe (smoke tests; fewer verdicts)"},
    {"no-report", 0, MMB_OPT_FLAG, MMB_OPT_VAR(reproduce_args, no_report),
     .help = "skip the figures (mmbench report)"},
    {"list", 'l', MMB_OPT_FLAG, MMB_OPT_VAR(reproduce_args, list),
     .help = "list the recipes and stop"},
    {.name = NULL}};
const mmb_optspec mmb_reproduce_options = {
    .command = "reproduce",
    .usage = "[OPTIONS] [NAME...]",
    .about = "\nRuns the recipes (published claims, scripts/recipes/*.recipe). For each: a\n"
             "calibration (two batches of rounds; a round is every cell of its matrix once,\n"
             "interleaved), then more batches while a check's interval straddles its\n"
             "threshold, within the recipe's budget; figures through mmbench report; then\n"
             "claim, published result, measured figure and verdict per check:\n"
             "  PASS          the whole interval (order statistics of the rounds' median at\n"
             "                1 - 5 %/looks, widened by the drift between batches) meets it\n"
             "  FAIL          none of it does\n"
             "  INCONCLUSIVE  the budget was spent with the interval across the threshold, the\n"
             "                effect is below what this machine resolves, a precondition or\n"
             "                control does not hold here, or a cell failed\n\n"
             "NAME...: recipes to run (default: all)\n",
    .after = "OUT holds <recipe>/bN/ (batch N; <recipe>/bN/runK/ for recipes with several\n"
             "run: lines), <recipe>.log, verdicts.csv and reproduce.html.\n"
             "Exit status: 0 every check decided and none failed, 1 a claim failed, 3 no\n"
             "failure but some check got no verdict (INCONCLUSIVE or a matrix that could not\n"
             "run), 2 bad input, 130 interrupted.\n",
    .rows = rows,
};

/* Every recipe of the folder, so that a broken one is found at once.
 * 0, or 2 after a one-line error (all[0..*nall) are loaded either way). */
static int load_recipes(const char *rdir, mmb_recipe **all, int *nall) {
  char *files[MAX_RECIPES];
  int nfiles = list_recipe_files(rdir, files, MAX_RECIPES), status = 0;
  char err[2048];
  *nall = 0;
  if (nfiles <= 0) {
    fprintf(stderr,
            "mmbench reproduce: %s: %s (point --recipes or MMB_RECIPES_DIR at a folder of "
            "*.recipe files, e.g. scripts/recipes)\n",
            rdir, nfiles < 0 ? strerror(errno) : "no *.recipe files");
    return MMB_EXIT_USAGE;
  }
  for (int i = 0; i < nfiles; i++) {
    if (status == 0) {
      if (mmb_recipe_load(files[i], &all[*nall], err, sizeof err) != 0) {
        fprintf(stderr, "mmbench reproduce: %s\n", err);
        status = MMB_EXIT_USAGE;
      } else {
        for (int j = 0; j < *nall && !status; j++)
          if (strcmp(all[j]->name, all[*nall]->name) == 0) {
            fprintf(stderr,
                    "mmbench reproduce: %s: name '%s' is already used by %s (names are unique)\n",
                    files[i], all[*nall]->name, all[j]->file);
            status = MMB_EXIT_USAGE;
          }
        (*nall)++;
      }
    }
    free(files[i]);
  }
  return status;
}

/* The recipe called name (or by its file's stem), or -1 after a one-line
 * error naming the nearest one. */
static int find_recipe(mmb_recipe *const *all, int nall, const char *name) {
  char stem[256], names[1024] = "";
  int found = -1;
  for (int j = 0; j < nall; j++)
    if (strcmp(all[j]->name, name) == 0 ||
        strcmp(stem_of(all[j]->file, stem, sizeof stem), name) == 0)
      found = j;
  if (found >= 0) return found;
  const char *best = NULL;
  int bestd = 4;
  for (int j = 0; j < nall; j++) {
    int d = mmb_edit_distance(name, all[j]->name);
    if (d < bestd) bestd = d, best = all[j]->name;
    size_t u = strlen(names);
    snprintf(names + u, sizeof names - u, "%s%s", j ? ", " : "", all[j]->name);
  }
  if (best)
    fprintf(stderr, "mmbench reproduce: unknown recipe '%s' (did you mean '%s'? recipes: %s)\n",
            name, best, names);
  else
    fprintf(stderr, "mmbench reproduce: unknown recipe '%s' (recipes: %s)\n", name, names);
  return -1;
}

/* The recipes named (each once), or all of them; each validated at scale.
 * The count, or -1 after a one-line error. */
static int select_recipes(mmb_recipe *const *all, int nall, char **names, int nnames, double scale,
                          mmb_recipe **sel) {
  int nsel = 0;
  char err[2048];
  for (int i = 0; i < nnames; i++) {
    int found = find_recipe(all, nall, names[i]);
    if (found < 0) return -1;
    int dup = 0;
    for (int j = 0; j < nsel; j++) dup |= sel[j] == all[found];
    if (!dup) sel[nsel++] = all[found];
  }
  if (nnames == 0)
    for (int j = 0; j < nall; j++) sel[nsel++] = all[j];
  for (int i = 0; i < nsel; i++)
    if (mmb_recipe_validate(sel[i], scale, err, sizeof err) != 0) {
      fprintf(stderr, "mmbench reproduce: %s\n", err);
      return -1;
    }
  return nsel;
}

static void list_recipes(mmb_recipe *const *sel, int nsel, const char *rdir) {
  char exp[700];
  for (int i = 0; i < nsel; i++) {
    const mmb_recipe *r = sel[i];
    printf("%-24s %s\n%-24s source: %s\n%-24s published: %s\n", r->name, r->claim, "", r->source,
           "", r->published);
    printf("%-24s budget: rounds=%d seconds=%g calibration=%d\n", "", r->budget.rounds,
           r->budget.seconds, r->budget.calibration);
    for (int k = 0; k < r->nrequires; k++) printf("%-24s require: %s\n", "", r->requires[k].text);
    for (int k = 0; k < r->nruns; k++) printf("%-24s run: %s\n", "", r->runs[k].text);
    for (int k = 0; k < r->ncontrols; k++) {
      mmb_recipe_check_text(&r->controls[k], exp, sizeof exp);
      printf("%-24s control: %s\n", "", exp);
    }
    for (int k = 0; k < r->nconditions; k++) {
      mmb_recipe_check_text(&r->conditions[k], exp, sizeof exp);
      printf("%-24s condition: %s\n", "", exp);
    }
    for (int k = 0; k < r->nchecks; k++) {
      mmb_recipe_check_text(&r->checks[k], exp, sizeof exp);
      printf("%-24s expect: %s\n", "", exp);
    }
  }
  printf("%d recipes in %s\n", nsel, rdir);
}

/* The output folder: new or empty, created; its absolute path in out_abs.
 * 0, or the exit status after a one-line error. */
static int make_out(const char *out, char *outdir, char *out_abs) {
  if (out)
    snprintf(outdir, PATH_MAX, "%s", out);
  else
    mmb_results_default_dir(outdir, PATH_MAX, "reproduce-");
  if (is_dir(outdir) && !dir_empty(outdir)) {
    fprintf(stderr, "mmbench reproduce: %s is not empty; give another --out DIR\n", outdir);
    return MMB_EXIT_USAGE;
  }
  int mk = mmb_mkdirs(outdir);
  if (mk != 0 || !realpath(outdir, out_abs)) {
    fprintf(stderr, "mmbench reproduce: cannot create %s: %s\n", outdir,
            strerror(mk ? -mk : errno));
    return 1;
  }
  return 0;
}

/* The closing table and line; the exit status. */
static int summarise(const mmb_outcome *oc, int done_n, int nsel, const char *outdir) {
  int cnt[3] = {0, 0, 0}, run_errors = 0;
  printf("%-24s %-13s %-28s %s\n", "recipe", "verdict", "measured [interval] level", "expectation");
  for (int i = 0; i < done_n; i++) {
    cnt[oc[i].verdict]++;
    run_errors += oc[i].run_error;
    for (int k = 0; k < oc[i].r->nchecks; k++) {
      char exp[700];
      mmb_recipe_check_text(&oc[i].r->checks[k], exp, sizeof exp);
      printf("%-24s %-13s %-28s %s\n", k == 0 ? oc[i].r->name : "",
             mmb_verdict_name(oc[i].res[k].verdict), oc[i].res[k].measured, exp);
      if (oc[i].res[k].verdict != MMB_PASS)
        printf("%-24s %-13s condition: %s\n", "", "",
               oc[i].res[k].condition[0] ? oc[i].res[k].condition : oc[i].why);
    }
  }
  printf("\n%d PASS, %d FAIL, %d INCONCLUSIVE%s; report: %s/reproduce.html\n", cnt[MMB_PASS],
         cnt[MMB_FAIL], cnt[MMB_INCONCLUSIVE],
         run_errors ? " (a matrix could not run: see its log)" : "", outdir);
  if (mmb_interrupted) {
    fprintf(stderr, "mmbench reproduce: interrupted after %d of %d recipes; what ran is in %s\n",
            done_n, nsel, outdir);
    return 130;
  }
  int status = cnt[MMB_FAIL] ? 1 : cnt[MMB_INCONCLUSIVE] || run_errors ? EXIT_UNDECIDED : 0;
  if (status == EXIT_UNDECIDED)
    printf("exit status %d: no claim failed, but %d recipe%s got no verdict on every check\n",
           EXIT_UNDECIDED, cnt[MMB_INCONCLUSIVE], cnt[MMB_INCONCLUSIVE] == 1 ? "" : "s");
  return status;
}

/* Run the selected recipes into out (a new folder); the exit status. */
static int run_recipes(mmb_recipe *const *sel, int nsel, const reproduce_args *a) {
  char outdir[PATH_MAX], out_abs[PATH_MAX];
  int status = make_out(a->out, outdir, out_abs);
  if (status) return status;
  mmb_host_facts host;
  mmb_env_host_facts(&host);
  mmb_child_catch_signals();
  char started[64];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
  printf("mmbench reproduce: %d recipe%s into %s (host: %d CPUs, %d cores not SMT siblings, PMU "
         "%s%s)\n\n",
         nsel, nsel == 1 ? "" : "s", outdir, host.cpus, host.cores, host.pmu ? "yes" : "no",
         a->scale != 1 ? "; work scaled" : "");
  mmb_outcome *oc = calloc((size_t)nsel, sizeof *oc);
  if (!oc) return 1;
  int done_n = 0;
  for (int i = 0; i < nsel && !mmb_interrupted; i++) {
    oc[i].r = sel[i];
    copy_recipe(out_abs, sel[i]);
    printf("[%d/%d] %s: %s\n  source: %s\n  published: %s\n", i + 1, nsel, sel[i]->name,
           sel[i]->claim, sel[i]->source, sel[i]->published);
    run_recipe(&oc[i], out_abs, a->scale, a->reps, !a->no_report, &host);
    if (mmb_interrupted) break;
    done_n++;
    print_outcome(&oc[i]);
  }
  /* the outcome files cover the recipes that finished */
  if (done_n > 0) {
    if (mmb_reproduce_write_csv(out_abs, oc, done_n) != 0 ||
        mmb_reproduce_write_html(out_abs, oc, done_n, &host, started, a->scale) != 0)
      fprintf(stderr, "mmbench reproduce: cannot write verdicts.csv / reproduce.html in %s\n",
              outdir);
  }
  status = summarise(oc, done_n, nsel, outdir);
  free(oc);
  return status;
}

int mmb_cmd_reproduce(int argc, char **argv) {
  reproduce_args a = {.scale = 1};
  int next;
  int status = mmb_opts_parse(&mmb_reproduce_options, &a, argc, argv, &next, NULL);
  if (status >= 0) return status;
  char rdir[PATH_MAX];
  if (a.recipes)
    snprintf(rdir, sizeof rdir, "%s", a.recipes);
  else
    find_recipes_dir(rdir, sizeof rdir);
  mmb_recipe *all[MAX_RECIPES], *sel[MAX_RECIPES];
  int nall = 0, nsel = 0;
  status = load_recipes(rdir, all, &nall);
  if (status == 0) nsel = select_recipes(all, nall, argv + next, argc - next, a.scale, sel);
  if (status == 0 && nsel < 0) status = MMB_EXIT_USAGE;
  if (status == 0 && a.list) list_recipes(sel, nsel, rdir);
  if (status == 0 && !a.list) status = run_recipes(sel, nsel, &a);
  for (int i = 0; i < nall; i++) mmb_recipe_free(all[i]);
  return status;
}
