/* mmbench — running gnuplot for the report and compare: find the program on
 * PATH and the scripts directory, pass variables with -e, write stderr to a
 * log kept only when gnuplot fails. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmb_config.h"
#include "report.h"

#define PROBE_SCRIPT "bars.gp" /* a scripts directory holds this */

static int is_file(const char *path, int exec) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (!exec || access(path, X_OK) == 0);
}

static int scripts_in(const char *dir) {
  char p[4200];
  return snprintf(p, sizeof p, "%s/%s", dir, PROBE_SCRIPT) < (int)sizeof p && is_file(p, 0);
}

void mmb_gp_find(mmb_gnuplot *gp) {
  memset(gp, 0, sizeof *gp);

  /* gnuplot on PATH. */
  const char *path = getenv("PATH");
  char dirbuf[4096];
  snprintf(dirbuf, sizeof dirbuf, "%s", path ? path : "/usr/bin:/bin");
  char *save = NULL;
  for (char *d = strtok_r(dirbuf, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
    char p[sizeof gp->path];
    if (snprintf(p, sizeof p, "%s/gnuplot", *d ? d : ".") >= (int)sizeof p) continue;
    if (is_file(p, 1)) {
      snprintf(gp->path, sizeof gp->path, "%s", p);
      gp->have = 1;
      break;
    }
  }

  /* The scripts: $MMB_SCRIPTS_DIR, then ../scripts next to the binary
   * (build/mmbench in a checkout), then the source tree this was built from. */
  const char *env = getenv("MMB_SCRIPTS_DIR");
  char self[3900], cand[sizeof gp->scripts];
  if (env && *env) {
    if (scripts_in(env))
      snprintf(gp->scripts, sizeof gp->scripts, "%s", env);
    else
      snprintf(gp->why, sizeof gp->why,
               "MMB_SCRIPTS_DIR=%s holds no %s (point it at the mmbench scripts/ folder)", env,
               PROBE_SCRIPT);
  } else {
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
      self[n] = 0;
      char *slash = strrchr(self, '/');
      if (slash) *slash = 0;
      snprintf(cand, sizeof cand, "%s/../scripts", self);
      if (scripts_in(cand)) snprintf(gp->scripts, sizeof gp->scripts, "%s", cand);
    }
    if (!gp->scripts[0] && scripts_in(MMB_SOURCE_DIR "/scripts"))
      snprintf(gp->scripts, sizeof gp->scripts, "%s", MMB_SOURCE_DIR "/scripts");
    if (!gp->scripts[0])
      snprintf(gp->why, sizeof gp->why,
               "the gnuplot scripts (%s) are neither next to the binary nor in %s/scripts: "
               "set MMB_SCRIPTS_DIR",
               PROBE_SCRIPT, MMB_SOURCE_DIR);
  }
  if (!gp->have)
    snprintf(gp->why, sizeof gp->why,
             "gnuplot is not installed (install the Debian package gnuplot-nox)");
  if (!gp->scripts[0]) gp->have = 0;
}

/* ------------------------------------------------------------------------
 * Variables
 * ---------------------------------------------------------------------- */
static void append(mmb_gpvars *v, const char *text) {
  size_t n = strlen(text);
  if (v->len + n + 1 > sizeof v->text) return; /* truncated: gnuplot will say so */
  memcpy(v->text + v->len, text, n + 1);
  v->len += n;
}

void mmb_gp_str(mmb_gpvars *v, const char *name, const char *value) {
  char q[8192];
  mmb_rep_gp_quote(value ? value : "", q, sizeof q);
  append(v, name);
  append(v, "='");
  append(v, q);
  append(v, "'; ");
}

void mmb_gp_text(mmb_gpvars *v, const char *name, const char *value) {
  char q[8192];
  size_t n = 0;
  for (const char *s = value ? value : ""; *s && n + 3 < sizeof q; s++) {
    if (*s == '\n') {
      q[n++] = '\\';
      q[n++] = 'n';
      continue;
    }
    if (*s == '"' || *s == '\\') q[n++] = '\\';
    q[n++] = *s == '\r' ? ' ' : *s;
  }
  q[n] = 0;
  append(v, name);
  append(v, "=\"");
  append(v, q);
  append(v, "\"; ");
}

void mmb_gp_num(mmb_gpvars *v, const char *name, double value) {
  char num[64];
  if (isnan(value))
    snprintf(num, sizeof num, "NaN");
  else
    snprintf(num, sizeof num, "%.10g", value);
  append(v, name);
  append(v, "=");
  append(v, num);
  append(v, "; ");
}

/* ------------------------------------------------------------------------
 * Running
 * ---------------------------------------------------------------------- */
int mmb_gp_run(const mmb_gnuplot *gp, const char *script, const mmb_gpvars *vars, const char *out,
               const char *log) {
  char spath[4200], svg[4400], png[4400];
  snprintf(spath, sizeof spath, "%s/%s", gp->scripts, script);
  snprintf(svg, sizeof svg, "%s.svg", out);
  snprintf(png, sizeof png, "%s.png", out);
  unlink(svg);
  unlink(png);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int err = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (in >= 0) dup2(in, 0);
    if (err >= 0) {
      dup2(err, 1);
      dup2(err, 2);
    }
    /* Scripts find each other (common.gp) through this variable. */
    char pre[8300];
    char q[8200];
    mmb_rep_gp_quote(gp->scripts, q, sizeof q);
    snprintf(pre, sizeof pre, "scripts='%s'", q);
    execl(gp->path, "gnuplot", "-e", pre, "-e", vars->text, spath, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && is_file(svg, 0) && is_file(png, 0);
  if (ok) unlink(log);
  return ok ? 0 : -1;
}
