/* mmbench — a merged folder measured on more than one machine, split for
 * the report: DIR/hosts/<group>/ per host (or per kind of host after
 * --pool), each an ordinary results folder (its rows, summary, timeline and
 * meta.json with that machine's facts) with its own figures, and
 * DIR/report.html an index of them. Ratios and medians never mix machines. */
#define _GNU_SOURCE
#include "merge_hosts.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "results.h"
#include "runs.h"
#include "table.h"

#define MAX_GROUPS 256

static void rm_tree(const char *path) { /* only what a split writes: files and plots/ */
  DIR *d = opendir(path);
  if (!d) {
    unlink(path);
    return;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", path, e->d_name);
    struct stat sb;
    if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
      rm_tree(p);
    else
      unlink(p);
  }
  closedir(d);
  rmdir(path);
}

static void safe_name(char *out, size_t len, const char *g) {
  snprintf(out, len, "%s", g[0] ? g : "unknown");
  for (char *p = out; *p; p++)
    if (*p == '/' || *p == '.' || *p == ' ') *p = '_';
}

void mmb_merge_host_dir(const char *dir, const char *group, char *buf, size_t len) {
  char name[80];
  safe_name(name, sizeof name, group);
  snprintf(buf, len, "%s/hosts/%s", dir, name);
}

static void put_row(FILE *f, const mmb_table *t, size_t r) {
  for (size_t c = 0; c < mmb_table_cols(t); c++)
    mmb_csv_fput(f, mmb_table_get(t, r, (int)c), c == 0);
  fputc('\n', f);
}

static void put_header(FILE *f, const mmb_table *t) {
  for (size_t c = 0; c < mmb_table_cols(t); c++) mmb_csv_fput(f, mmb_table_name(t, c), c == 0);
  fputc('\n', f);
}

/* meta.json of one group: the merged one, with the group's host facts. */
static void group_meta(const char *dir, const char *sub, const char *group, int by_kind) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/meta.json", dir);
  char *text = mmb_read_file(path, NULL);
  cJSON *m = text ? cJSON_Parse(text) : NULL;
  free(text);
  if (!m) return;
  cJSON *merge = cJSON_GetObjectItem(m, "merge");
  cJSON *kinds = cJSON_GetObjectItem(merge, "host_kinds"),
        *folders = cJSON_GetObjectItem(merge, "folders");
  const char *kind = group;
  cJSON *f;
  if (!by_kind) /* the kind of this host, from its folders */
    cJSON_ArrayForEach(f, folders) {
      cJSON *h = cJSON_GetObjectItem(f, "host"), *k = cJSON_GetObjectItem(f, "host_kind");
      if (cJSON_IsString(h) && cJSON_IsString(k) && strcmp(h->valuestring, group) == 0)
        kind = k->valuestring;
    }
  cJSON *facts = cJSON_GetObjectItem(kinds, kind);
  if (facts) {
    const char *fields[] = {"host", "glibc", "allocators", NULL};
    for (int i = 0; fields[i]; i++) {
      cJSON *v = cJSON_GetObjectItem(facts, fields[i]);
      if (v) cJSON_ReplaceItemInObject(m, fields[i], cJSON_Duplicate(v, 1));
    }
    cJSON *host = cJSON_GetObjectItem(m, "host");
    if (host && !by_kind) cJSON_ReplaceItemInObject(host, "hostname", cJSON_CreateString(group));
  }
  cJSON_AddStringToObject(m, by_kind ? "host_kind" : "host_group", group);
  char *out = cJSON_Print(m);
  mmb_write_atomic(sub, "meta.json", out);
  free(out);
  cJSON_Delete(m);
}

int mmb_merge_split_hosts(const char *dir, const char *group_col, char groups[][64], int max,
                          char *err, size_t errlen) {
  char path[PATH_MAX], hosts[PATH_MAX];
  snprintf(path, sizeof path, "%s/runs.csv", dir);
  snprintf(hosts, sizeof hosts, "%s/hosts", dir);
  mmb_runs runs;
  if (mmb_runs_read(path, &runs, err, errlen) != 0) return -1;
  const mmb_table *t = runs.table;
  int cg = mmb_table_col(t, group_col);
  int ng = 0;
  size_t rows = runs.nrows;
  int *gof = malloc((rows + 1) * sizeof *gof);
  /* timeline rows (repetition 0) go with the group of their cell's rep-0 row */
  int *cell_group = malloc((runs.cells.n + 1) * sizeof *cell_group);
  for (size_t c = 0; c < runs.cells.n; c++) cell_group[c] = -1;
  for (size_t r = 0; r < rows && cg >= 0; r++) {
    const char *g = mmb_table_get(t, r, cg);
    int i = 0;
    while (i < ng && strcmp(groups[i], g) != 0) i++;
    if (i == ng && ng < max) snprintf(groups[ng++], 64, "%s", g);
    gof[r] = i < ng ? i : -1;
    if (runs.rows[r].rep == 0 && gof[r] >= 0) cell_group[runs.rows[r].cell] = gof[r];
  }
  rm_tree(hosts); /* an earlier split is replaced */
  if (ng < 2) {
    free(gof);
    free(cell_group);
    mmb_runs_free(&runs);
    return ng;
  }
  mkdir(hosts, 0755);
  mmb_table *tl = NULL;
  snprintf(path, sizeof path, "%s/timeline.csv", dir);
  if (access(path, R_OK) == 0 && mmb_table_read(path, &tl, NULL, 0) != 0) tl = NULL;
  int rc = 0;
  for (int g = 0; g < ng && rc == 0; g++) {
    char name[80], sub[PATH_MAX];
    safe_name(name, sizeof name, groups[g]);
    snprintf(sub, sizeof sub, "%s/%s", hosts, name);
    if (mkdir(sub, 0755) != 0) {
      snprintf(err, errlen, "cannot create %s: %s", sub, strerror(errno));
      rc = -1;
      break;
    }
    snprintf(path, sizeof path, "%s/runs.csv", sub);
    FILE *f = fopen(path, "w");
    if (!f) {
      snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
      rc = -1;
      break;
    }
    put_header(f, t);
    for (size_t r = 0; r < rows; r++)
      if (gof[r] == g) put_row(f, t, r);
    if (fclose(f) != 0) rc = -1;
    if (tl) {
      snprintf(path, sizeof path, "%s/timeline.csv", sub);
      f = fopen(path, "w");
      if (f) {
        put_header(f, tl);
        int tw = mmb_table_col(tl, "workload"), tp = mmb_table_col(tl, "params"),
            ta = mmb_table_col(tl, "allocator"), tt = mmb_table_col(tl, "threads");
        for (size_t r = 0; r < mmb_table_rows(tl); r++) {
          long c = mmb_cellmap_find(&runs.cells, mmb_table_get(tl, r, tw), mmb_table_get(tl, r, tp),
                                    mmb_table_get(tl, r, ta), atoi(mmb_table_get(tl, r, tt)));
          if (c >= 0 && cell_group[c] == g) put_row(f, tl, r);
        }
        fclose(f);
      }
    }
    if (rc == 0 && mmb_write_summary(sub, 0, err, errlen) != 0) rc = -1;
    if (rc == 0) group_meta(dir, sub, groups[g], strcmp(group_col, "host_kind") == 0);
  }
  free(gof);
  free(cell_group);
  mmb_table_free(tl);
  mmb_runs_free(&runs);
  if (rc != 0) rm_tree(hosts);
  return rc == 0 ? ng : -1;
}

int mmb_merge_host_index(const char *dir, const char *group_col, char groups[][64], int ng) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/report.html", dir);
  FILE *f = fopen(path, "w");
  if (!f) return -errno;
  fprintf(
      f,
      "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>mmbench: %d machines</title>\n"
      "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.3em .8em;"
      "text-align:left}</style></head><body>\n<h1>Results measured on %d machines</h1>\n"
      "<p>Repetitions measured on different machines are not pooled: each %s has its own "
      "report, with medians and ratios computed on that machine only. The merged "
      "<code>runs.csv</code> and <code>summary.csv</code> of this folder hold every row, with "
      "<code>host</code> and <code>host_kind</code> columns.</p>\n<table>\n<tr><th>%s</th>"
      "<th>machine</th><th>rows</th></tr>\n",
      ng, ng, strcmp(group_col, "host") == 0 ? "host" : "kind of host",
      strcmp(group_col, "host") == 0 ? "host" : "host kind");
  for (int g = 0; g < ng; g++) {
    char name[80], sub[PATH_MAX];
    safe_name(name, sizeof name, groups[g]);
    snprintf(sub, sizeof sub, "%s/hosts/%s/meta.json", dir, name);
    char *text = mmb_read_file(sub, NULL);
    cJSON *m = text ? cJSON_Parse(text) : NULL;
    free(text);
    cJSON *h = cJSON_GetObjectItem(m, "host");
    cJSON *cpu = cJSON_GetObjectItem(h, "cpu_model"), *cores = cJSON_GetObjectItem(h, "cores");
    snprintf(sub, sizeof sub, "%s/hosts/%s/runs.csv", dir, name);
    mmb_runs runs;
    size_t rows = mmb_runs_read(sub, &runs, NULL, 0) == 0 ? runs.nrows : 0;
    mmb_runs_free(&runs);
    fprintf(f, "<tr><td><a href=\"hosts/%s/report.html\">%s</a></td><td>", name, name);
    const char *s = cJSON_IsString(cpu) ? cpu->valuestring : "unknown";
    for (; *s; s++) { /* HTML-escape the CPU name */
      if (*s == '<')
        fputs("&lt;", f);
      else if (*s == '&')
        fputs("&amp;", f);
      else
        fputc(*s, f);
    }
    fprintf(f, ", %d cores</td><td>%zu</td></tr>\n", cJSON_IsNumber(cores) ? cores->valueint : 0,
            rows);
    cJSON_Delete(m);
  }
  fprintf(f, "</table>\n</body></html>\n");
  return fclose(f) == 0 ? 0 : -errno;
}
