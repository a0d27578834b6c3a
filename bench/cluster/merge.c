/* mmbench — merging shard folders (see merge.h).
 *
 * One pass over the folders of DIR/shards/ in order (shard, then name):
 * each must carry shard.json naming this plan's hash and a shard in 1..N,
 * and each row of its runs.csv must be a cell of that shard with a
 * repetition in 0..reps-1 seen nowhere else. Rows stream into a staging
 * folder (DIR/.merge/) with the folder's host and host kind appended; the
 * summary is computed there, and only then are the files renamed into DIR.
 * Memory: the cell list, one bit per (cell, repetition) and one shard's
 * runs.csv at a time (then the merged runs.csv once, for the summary). */
#define _GNU_SOURCE
#include "merge.h"
#include "runs.h"
#include "status.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env.h"
#include "files.h"
#include "results.h"
#include "shard.h"
#include "text.h"
#include "table.h"
#include "xalloc.h"

#define MAX_COLS 256

typedef struct folder {
  char name[256];
  int k;
} folder;

typedef struct merge_state {
  const char *dir;
  const mmb_merge_opts *o;
  mmb_shard_map map;
  folder *folders;
  int nfolders;
  int *seen_folder;          /* [cell * reps + rep]: index + 1 of the folder that had it */
  unsigned char *unrunnable; /* [cell]: rep 0 recorded skipped/invalid/nonconforming */
  const char *cols[MAX_COLS];
  char *colbuf[MAX_COLS];
  int ncols;
  FILE *runs, *timeline;
  cJSON *meta, *shards_j, *kinds_j;
  char stage[PATH_MAX];
  char topo[256], topo_from[300]; /* the first shard's topology signature, and whose */
} merge_state;

static int by_folder(const void *pa, const void *pb) {
  const folder *a = pa, *b = pb;
  if (a->k != b->k) return a->k - b->k;
  return strcmp(a->name, b->name);
}

/* The folders DIR/shards/<K>-<host>. 0, or 2 with err. */
static int list_folders(merge_state *st, char *err, size_t errlen) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/shards", st->dir);
  DIR *d = opendir(path);
  if (!d)
    return errno == ENOENT
               ? 0
               : (snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno)), 1);
  struct dirent *e;
  int cap = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char *end;
    long k = strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '-' || !end[1] ||
        strlen(e->d_name) >= sizeof st->folders[0].name) {
      snprintf(err, errlen, "%s/%s is not a shard folder (expected <K>-<host>): move it out of %s",
               path, e->d_name, path);
      closedir(d);
      return 2;
    }
    if (k < 1 || k > st->map.nshards) {
      snprintf(err, errlen,
               "%s/%s is shard %ld, but this plan has shards 1..%d: it belongs to another plan",
               path, e->d_name, k, st->map.nshards);
      closedir(d);
      return 2;
    }
    if (st->nfolders == cap) {
      cap = cap ? cap * 2 : 64;
      folder *more = realloc(st->folders, (size_t)cap * sizeof *st->folders);
      if (!more) {
        snprintf(err, errlen, "out of memory listing %s", path);
        closedir(d);
        return 1;
      }
      st->folders = more;
    }
    snprintf(st->folders[st->nfolders].name, sizeof st->folders[0].name, "%s", e->d_name);
    st->folders[st->nfolders++].k = (int)k;
  }
  closedir(d);
  if (st->nfolders) qsort(st->folders, (size_t)st->nfolders, sizeof *st->folders, by_folder);
  return 0;
}

static cJSON *read_json(const char *path) {
  char *text = mmb_read_file(path, NULL);
  if (!text) return NULL;
  cJSON *j = cJSON_Parse(text);
  free(text);
  return j;
}

static const char *jstr(cJSON *o, const char *a, const char *b) {
  cJSON *x = cJSON_GetObjectItem(o, a);
  if (b) x = cJSON_GetObjectItem(x, b);
  return cJSON_IsString(x) ? x->valuestring : "";
}

/* Host kind: a short hash of the facts that make two machines comparable. */
static void host_kind(cJSON *meta, char *out, size_t len, char *label, size_t llen) {
  char facts[8192];
  cJSON *h = cJSON_GetObjectItem(meta, "host");
  cJSON *cores = cJSON_GetObjectItem(h, "cores"), *tpc = cJSON_GetObjectItem(h, "threads_per_core");
  size_t u = (size_t)snprintf(
      facts, sizeof facts, "%s|%d|%d|%s|%s", jstr(meta, "host", "cpu_model"),
      cJSON_IsNumber(cores) ? cores->valueint : 0, cJSON_IsNumber(tpc) ? tpc->valueint : 0,
      jstr(meta, "host", "kernel"), jstr(meta, "glibc", NULL));
  cJSON *a;
  cJSON_ArrayForEach(a, cJSON_GetObjectItem(meta, "allocators")) {
    if (u < sizeof facts)
      u += (size_t)snprintf(facts + u, sizeof facts - u, "|%s=%s", a->string,
                            jstr(a, "version", NULL));
  }
  char hex[17];
  mmb_hash_hex(facts, strnlen(facts, sizeof facts), hex);
  snprintf(out, len, "%.8s", hex);
  snprintf(label, llen, "%s, %d cores, kernel %s, glibc %s", jstr(meta, "host", "cpu_model"),
           cJSON_IsNumber(cores) ? cores->valueint : 0, jstr(meta, "host", "kernel"),
           jstr(meta, "glibc", NULL));
}

static int col_index(merge_state *st, const char *name) {
  for (int i = 0; i < st->ncols; i++)
    if (strcmp(st->cols[i], name) == 0) return i;
  return -1;
}

/* The merged header: the union of the folders' columns, then host, host_kind. */
static int gather_columns(merge_state *st, char *err, size_t errlen) {
  for (int f = 0; f < st->nfolders; f++) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/shards/%s/runs.csv", st->dir, st->folders[f].name);
    FILE *in = fopen(path, "r");
    if (!in) continue;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, in);
    fclose(in);
    mmb_table *t = NULL;
    if (n > 0 && mmb_table_parse(line, (size_t)n, &t, NULL, 0) == 0) {
      for (size_t c = 0; c < mmb_table_cols(t); c++) {
        const char *name = mmb_table_name(t, c);
        if (col_index(st, name) >= 0 || strcmp(name, "host") == 0 || strcmp(name, "host_kind") == 0)
          continue;
        if (st->ncols == MAX_COLS - 2) {
          snprintf(err, errlen, "%s has more than %d columns", path, MAX_COLS - 2);
          mmb_table_free(t), free(line);
          return 2;
        }
        st->colbuf[st->ncols] = strdup(name);
        st->cols[st->ncols] = st->colbuf[st->ncols];
        st->ncols++;
      }
    }
    mmb_table_free(t);
    free(line);
  }
  st->cols[st->ncols++] = "host";
  st->cols[st->ncols++] = "host_kind";
  return 0;
}

/* One shard folder as it is read. */
typedef struct shard_in {
  const folder *fo;
  int f;                     /* its index in st->folders */
  char base[PATH_MAX];       /* DIR/shards/<name> */
  char path[PATH_MAX];       /* the file being read */
  char host[128];            /* shard.json's host, else the folder name's */
  char kind[16], label[512]; /* its host kind, and the facts behind it */
  cJSON *meta;               /* its meta.json, or NULL */
  mmb_runs rs;               /* its runs.csv (zeroed when it has none) */
  size_t rows;               /* rows in it */
} shard_in;

/* shard.json: a shard of this plan, the one the folder name says; its
 * host. 0, or 2 with err. */
static int check_shard_json(const merge_state *st, shard_in *in, char *err, size_t errlen) {
  snprintf(in->path, sizeof in->path, "%s/shard.json", in->base);
  cJSON *sj = read_json(in->path);
  cJSON *sk = cJSON_GetObjectItem(sj, "shard"), *sn = cJSON_GetObjectItem(sj, "shards");
  const char *hash = jstr(sj, "plan", NULL);
  int rc = 2;
  if (!sj || !cJSON_IsNumber(sk) || !cJSON_IsNumber(sn))
    snprintf(err, errlen, "%s is missing or damaged: %s is not a shard folder of this run",
             in->path, in->base);
  else if (strcmp(hash, st->map.plan_hash) != 0 || sn->valueint != st->map.nshards ||
           sk->valueint != in->fo->k)
    snprintf(err, errlen,
             "%s holds shard %d/%d of another plan (plan %s, this run's is %s/%d shards): "
             "merge only shards of one plan",
             in->base, sk->valueint, sn->valueint, hash, st->map.plan_hash, st->map.nshards);
  else {
    snprintf(in->host, sizeof in->host, "%s",
             *jstr(sj, "host", NULL) ? jstr(sj, "host", NULL) : strchr(in->fo->name, '-') + 1);
    rc = 0;
  }
  cJSON_Delete(sj);
  return rc;
}

/* meta.json: the host kind, and the topology, which must be the first
 * shard's: rows measured on machines of another shape are not pooled (a
 * sweep that follows the machine means something else there). 0, or 2
 * with err. */
static int read_facts(merge_state *st, shard_in *in, char *err, size_t errlen) {
  snprintf(in->path, sizeof in->path, "%s/meta.json", in->base);
  in->meta = read_json(in->path);
  snprintf(in->kind, sizeof in->kind, "unknown");
  snprintf(in->label, sizeof in->label, "host facts not recorded (no meta.json)");
  if (in->meta) host_kind(in->meta, in->kind, sizeof in->kind, in->label, sizeof in->label);
  const char *sig =
      in->meta ? jstr(cJSON_GetObjectItem(in->meta, "host"), "topology", "signature") : "";
  if (*sig && !st->topo[0]) {
    snprintf(st->topo, sizeof st->topo, "%s", sig);
    snprintf(st->topo_from, sizeof st->topo_from, "shards/%s", in->fo->name);
  } else if (*sig && strcmp(sig, st->topo) != 0) {
    snprintf(err, errlen,
             "shards/%s ran on another topology (%s) than %s (%s): rows of different machines "
             "are not pooled; rerun that shard on a node like the others",
             in->fo->name, sig, st->topo_from, st->topo);
    return 2;
  }
  return 0;
}

/* runs.csv, when the folder has one (a shard may not have started). 0, or
 * 2 with err. */
static int read_rows(shard_in *in, char *err, size_t errlen) {
  snprintf(in->path, sizeof in->path, "%s/runs.csv", in->base);
  if (access(in->path, F_OK) != 0) return 0;
  if (mmb_runs_read(in->path, &in->rs, err, errlen) != 0) {
    size_t l = strlen(err);
    snprintf(err + l, errlen - l,
             " (a damaged shard row: repair or remove %s, then rerun the shard)", in->base);
    return 2;
  }
  if (in->rs.col_rep < 0) {
    snprintf(err, errlen, "%s lacks the key columns workload,params,allocator,threads,rep,status",
             in->path);
    return 2;
  }
  in->rows = in->rs.nrows;
  return 0;
}

/* Row r: a cell of this shard, a repetition in range seen in no other
 * folder, a status; its plan cell into *cell. 0, or 2 with err. */
static int check_row(const merge_state *st, const shard_in *in, size_t r, long *cell, char *err,
                     size_t errlen) {
  const mmb_runs *rs = &in->rs;
  const mmb_run_row *row = &rs->rows[r];
  size_t kc = row->cell;
  int reps = st->map.reps;
  *cell = mmb_shard_find(&st->map, rs->cells.workload[kc], rs->cells.params[kc],
                         rs->cells.allocator[kc], rs->cells.threads[kc]);
  const char *why = NULL;
  if (*cell < 0)
    why = "its cell is not in this plan";
  else if (st->map.owner[*cell] != in->fo->k)
    why = "its cell belongs to another shard";
  else if (row->rep < 0 || row->rep >= reps)
    why = "its repetition is not in 0..reps-1";
  else if (!mmb_table_get(rs->table, r, rs->col_status)[0])
    why = "it has no status";
  if (why) {
    snprintf(err, errlen,
             "%s line %zu is a damaged shard row: %s (repair or remove the shard folder, then "
             "rerun the shard)",
             in->path, mmb_table_line(rs->table, r), why);
    return 2;
  }
  size_t bit = (size_t)*cell * (size_t)reps + (size_t)row->rep;
  if (st->seen_folder[bit]) {
    snprintf(err, errlen,
             "%s line %zu: repetition %d of %s %s %s t=%d is also in shards/%s: keep one "
             "of the two folders",
             in->path, mmb_table_line(rs->table, r), (int)row->rep, st->map.keys.workload[*cell],
             st->map.keys.params[*cell], st->map.keys.allocator[*cell], st->map.keys.threads[*cell],
             st->folders[st->seen_folder[bit] - 1].name);
    return 2;
  }
  return 0;
}

/* Row r into the staged runs.csv, in the merged columns (map: each one's
 * column in the shard's table), with the host and host kind. *line
 * (capacity *cap) is the row's buffer, grown as needed. */
static void write_row(merge_state *st, const shard_in *in, size_t r, const int *map, char **line,
                      size_t *cap) {
  size_t used = 0;
  for (int c = 0; c < st->ncols; c++) {
    const char *v = strcmp(st->cols[c], "host") == 0 ? in->host
                    : strcmp(st->cols[c], "host_kind") == 0
                        ? in->kind
                        : mmb_table_get(in->rs.table, r, map[c]);
    size_t need = used + strlen(v) * 2 + 8;
    if (need > *cap) {
      *line = mmb_xrealloc(*line, need * 2, "a merged row"); /* nothing is published */
      *cap = need * 2;
    }
    mmb_csv_field(*line, *cap, &used, v, c == 0);
  }
  (*line)[used++] = '\n';
  fwrite(*line, 1, used, st->runs);
}

/* Every row: checked, counted, marked seen, and (merging) written. 0, or
 * 2 with err. */
static int merge_rows(merge_state *st, shard_in *in, mmb_merge_result *res, mmb_merge_shard *ms,
                      char *err, size_t errlen) {
  const mmb_table *t = in->rs.table;
  int map[MAX_COLS];
  for (int c = 0; c < st->ncols; c++) map[c] = t ? mmb_table_col(t, st->cols[c]) : -1;
  char *line = NULL;
  size_t cap = 0;
  int rc = 0;
  for (size_t r = 0; r < in->rows; r++) {
    long cell;
    if ((rc = check_row(st, in, r, &cell, err, errlen)) != 0) break;
    const mmb_run_row *row = &in->rs.rows[r];
    st->seen_folder[(size_t)cell * (size_t)st->map.reps + (size_t)row->rep] = in->f + 1;
    if (row->rep == 0 && mmb_status_unrunnable(row->status)) st->unrunnable[cell] = 1;
    res->rows++;
    ms->rows++;
    if (st->runs) write_row(st, in, r, map, &line, &cap);
  }
  free(line);
  return rc;
}

/* The rep-0 RSS samples: copied as they are, header dropped. */
static void copy_timeline(merge_state *st, const shard_in *in) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/timeline.csv", in->base);
  FILE *f = fopen(path, "r");
  char *l = NULL;
  size_t lc = 0;
  ssize_t n;
  for (int first = 1; f && (n = getline(&l, &lc, f)) > 0; first = 0)
    if (!first && l[n - 1] == '\n') fwrite(l, 1, (size_t)n, st->timeline);
  if (f) fclose(f);
  free(l);
}

/* The folder in the merged meta.json: its entry, its host kind's facts
 * (first of that kind), and the first shard's facts as the base. */
static void add_shard_meta(merge_state *st, const shard_in *in) {
  cJSON *meta = in->meta, *s = cJSON_CreateObject();
  cJSON_AddNumberToObject(s, "shard", in->fo->k);
  char rel[300];
  snprintf(rel, sizeof rel, "shards/%s", in->fo->name);
  cJSON_AddStringToObject(s, "folder", rel);
  cJSON_AddStringToObject(s, "host", in->host);
  cJSON_AddStringToObject(s, "host_kind", in->kind);
  cJSON_AddNumberToObject(s, "rows", (double)in->rows);
  cJSON_AddStringToObject(s, "started", jstr(meta, "started", NULL));
  cJSON_AddStringToObject(s, "finished", jstr(meta, "finished", NULL));
  cJSON_AddItemToArray(st->shards_j, s);
  if (!cJSON_GetObjectItem(st->kinds_j, in->kind)) {
    cJSON *kj = cJSON_AddObjectToObject(st->kinds_j, in->kind);
    cJSON_AddStringToObject(kj, "facts", in->label);
    cJSON_AddItemToObject(kj, "host",
                          meta ? cJSON_Duplicate(cJSON_GetObjectItem(meta, "host"), 1)
                               : cJSON_CreateObject());
    cJSON_AddStringToObject(kj, "glibc", jstr(meta, "glibc", NULL));
    cJSON_AddItemToObject(kj, "allocators",
                          meta ? cJSON_Duplicate(cJSON_GetObjectItem(meta, "allocators"), 1)
                               : cJSON_CreateObject());
  }
  if (meta && !cJSON_GetObjectItem(st->meta, "host")) {
    cJSON *it;
    cJSON_ArrayForEach(it, meta) {
      if (!cJSON_GetObjectItem(st->meta, it->string))
        cJSON_AddItemToObject(st->meta, it->string, cJSON_Duplicate(it, 1));
    }
  }
}

/* The shard's host into its comma-separated list, once. */
static void add_host(mmb_merge_shard *ms, const char *host) {
  size_t hl = strlen(ms->hosts);
  if (!mmb_list_has(ms->hosts, ",", host) && hl + strlen(host) + 2 < sizeof ms->hosts)
    snprintf(ms->hosts + hl, sizeof ms->hosts - hl, "%s%s", hl ? "," : "", host);
}

/* One folder: check every row, count, and stream it out. 0, 1 or 2. */
static int merge_folder(merge_state *st, int f, mmb_merge_result *res, char *err, size_t errlen) {
  shard_in sh = {.fo = &st->folders[f], .f = f}, *in = &sh;
  snprintf(in->base, sizeof in->base, "%s/shards/%s", st->dir, in->fo->name);
  mmb_merge_shard *ms = &res->shard[in->fo->k - 1];
  int rc = check_shard_json(st, in, err, errlen);
  if (rc == 0) rc = read_facts(st, in, err, errlen);
  if (rc == 0) {
    ms->folders++;
    add_host(ms, in->host);
    rc = read_rows(in, err, errlen);
  }
  if (rc == 0) rc = merge_rows(st, in, res, ms, err, errlen);
  if (rc == 0 && st->timeline) copy_timeline(st, in);
  if (rc == 0 && st->meta) add_shard_meta(st, in);
  mmb_runs_free(&in->rs);
  cJSON_Delete(in->meta);
  return rc;
}

/* ---------------------------------------------------------------------------
 * Staging and publishing
 * ------------------------------------------------------------------------- */
static void stage_clean(const char *stage) {
  static const char *const names[] = {"runs.csv",  "timeline.csv",     "summary.csv",
                                      "meta.json", ".summary.csv.tmp", ".meta.json.tmp",
                                      NULL};
  char path[PATH_MAX];
  for (int i = 0; names[i]; i++) {
    snprintf(path, sizeof path, "%s/%s", stage, names[i]);
    unlink(path);
  }
  rmdir(stage);
}

static int open_stage(merge_state *st, char *err, size_t errlen) {
  snprintf(st->stage, sizeof st->stage, "%s/.merge", st->dir);
  stage_clean(st->stage);
  if (mkdir(st->stage, 0755) != 0) {
    snprintf(err, errlen, "cannot create %s: %s", st->stage, strerror(errno));
    return 1;
  }
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/runs.csv", st->stage);
  st->runs = fopen(path, "w");
  snprintf(path, sizeof path, "%s/timeline.csv", st->stage);
  st->timeline = fopen(path, "w");
  if (!st->runs || !st->timeline) {
    snprintf(err, errlen, "cannot write into %s: %s", st->stage, strerror(errno));
    return 1;
  }
  setvbuf(st->runs, NULL, _IOFBF, 1 << 20);
  size_t used = 0;
  char header[16384] = "";
  for (int c = 0; c < st->ncols; c++)
    mmb_csv_field(header, sizeof header - 1, &used, st->cols[c], c == 0);
  fprintf(st->runs, "%s\n", header);
  fprintf(st->timeline, "workload,params,allocator,threads,rep,t_ms,rss_kb\n");
  st->meta = cJSON_CreateObject();
  st->shards_j = cJSON_CreateArray();
  st->kinds_j = cJSON_CreateObject();
  return 0;
}

static int close_file(FILE **f) {
  int bad = ferror(*f) || fflush(*f) != 0 || fsync(fileno(*f)) != 0;
  bad |= fclose(*f) != 0;
  *f = NULL;
  return bad ? -1 : 0;
}

/* meta.json of the merged folder: the first shard's facts, then every
 * shard, every kind of host, and what is missing. */
static int stage_meta(merge_state *st, const mmb_merge_result *res) {
  cJSON *m = st->meta;
  char now[64];
  mmb_env_utc_now(now, sizeof now);
  char cmd[PATH_MAX + 64];
  snprintf(cmd, sizeof cmd, "mmbench merge%s %s", st->o->pool ? " --pool" : "", st->dir);
  cJSON_DeleteItemFromObject(m, "command");
  cJSON_AddStringToObject(m, "command", cmd);
  /* started = the earliest shard start, finished = the latest end */
  char first[64] = "", last[64] = "";
  cJSON *s;
  cJSON_ArrayForEach(s, st->shards_j) {
    const char *a = jstr(s, "started", NULL), *b = jstr(s, "finished", NULL);
    if (*a && (!first[0] || strcmp(a, first) < 0)) snprintf(first, sizeof first, "%s", a);
    if (*b && strcmp(b, last) > 0) snprintf(last, sizeof last, "%s", b);
  }
  cJSON_DeleteItemFromObject(m, "started");
  cJSON_DeleteItemFromObject(m, "finished");
  cJSON_AddStringToObject(m, "started", first);
  cJSON_AddStringToObject(m, "finished", res->cells_done == res->cells ? last : "");
  /* more than one machine: name them all in the caption */
  cJSON *host = cJSON_GetObjectItem(m, "host");
  if (host) {
    char names[1024] = "";
    size_t u = 0;
    cJSON_ArrayForEach(s, st->shards_j) {
      const char *h = jstr(s, "host", NULL);
      if (!mmb_list_has(names, ",", h) && u + strlen(h) + 3 < sizeof names)
        u += (size_t)snprintf(names + u, sizeof names - u, "%s%s", u ? ", " : "", h);
    }
    cJSON_DeleteItemFromObject(host, "hostname");
    cJSON_AddStringToObject(host, "hostname", names);
  }
  cJSON *mj = cJSON_AddObjectToObject(m, "merge");
  cJSON_AddStringToObject(mj, "merged", now);
  cJSON_AddNumberToObject(mj, "shards", res->nshards);
  cJSON_AddBoolToObject(mj, "complete", res->cells_done == res->cells);
  cJSON_AddNumberToObject(mj, "cells", (double)res->cells);
  cJSON_AddNumberToObject(mj, "cells_complete", (double)res->cells_done);
  cJSON_AddNumberToObject(mj, "runs_missing", (double)res->rows_missing);
  cJSON_AddStringToObject(mj, "summary_by", st->o->pool ? "host_kind" : "host");
  cJSON_AddItemToObject(mj, "host_kinds", st->kinds_j);
  cJSON_AddItemToObject(mj, "folders", st->shards_j);
  st->kinds_j = st->shards_j = NULL;
  char *text = cJSON_Print(m);
  int rc = mmb_write_atomic(st->stage, "meta.json", text);
  free(text);
  return rc;
}

static int publish(merge_state *st, char *err, size_t errlen) {
  static const char *const names[] = {"runs.csv", "timeline.csv", "summary.csv", "meta.json", NULL};
  for (int i = 0; names[i]; i++) {
    char from[PATH_MAX], to[PATH_MAX];
    snprintf(from, sizeof from, "%s/%s", st->stage, names[i]);
    snprintf(to, sizeof to, "%s/%s", st->dir, names[i]);
    if (rename(from, to) != 0) {
      snprintf(err, errlen, "cannot move %s into %s: %s", from, st->dir, strerror(errno));
      return 1;
    }
  }
  rmdir(st->stage);
  return 0;
}

/* ---------------------------------------------------------------------------
 * The merge
 * ------------------------------------------------------------------------- */
static void state_free(merge_state *st) {
  if (st->runs) fclose(st->runs);
  if (st->timeline) fclose(st->timeline);
  for (int c = 0; c < MAX_COLS; c++) free(st->colbuf[c]);
  cJSON_Delete(st->meta), cJSON_Delete(st->shards_j), cJSON_Delete(st->kinds_j);
  free(st->folders), free(st->seen_folder), free(st->unrunnable);
  mmb_shard_map_free(&st->map);
}

int mmb_merge(const char *dir, const mmb_merge_opts *o, mmb_merge_result *out, char *err,
              size_t errlen) {
  merge_state st;
  memset(&st, 0, sizeof st);
  st.dir = dir;
  st.o = o;
  mmb_merge_result res;
  memset(&res, 0, sizeof res);
  int lock = -1, rc;
  if (mmb_shard_map_load(dir, &st.map, err, errlen) != 0) return 2;
  res.nshards = st.map.nshards;
  res.reps = st.map.reps;
  res.cells = st.map.keys.n;
  res.shard = calloc((size_t)st.map.nshards, sizeof *res.shard);
  st.seen_folder = calloc(st.map.keys.n * (size_t)st.map.reps + 1, sizeof *st.seen_folder);
  st.unrunnable = calloc(st.map.keys.n + 1, 1);
  if (!res.shard || !st.seen_folder || !st.unrunnable) {
    snprintf(err, errlen, "out of memory for %zu cells", st.map.keys.n);
    rc = 1;
    goto done;
  }
  for (size_t c = 0; c < st.map.keys.n; c++) res.shard[st.map.owner[c] - 1].cells++;
  if (o->write) { /* one merge at a time: the last tasks may finish together */
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/.merge.lock", dir);
    lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0 || flock(lock, LOCK_EX) != 0) {
      snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
      rc = 1;
      goto done;
    }
  }
  if ((rc = list_folders(&st, err, errlen)) != 0) goto done;
  if (o->write && st.nfolders == 0) {
    snprintf(err, errlen,
             "nothing to merge yet: no shard folder in %s/shards (see: mmbench status %s)", dir,
             dir);
    rc = 1;
    goto done;
  }
  if (o->write) {
    if ((rc = gather_columns(&st, err, errlen)) != 0) goto done;
    if ((rc = open_stage(&st, err, errlen)) != 0) goto done;
  }
  for (int f = 0; f < st.nfolders; f++)
    if ((rc = merge_folder(&st, f, &res, err, errlen)) != 0) goto done;
  for (size_t c = 0; c < st.map.keys.n; c++) {
    size_t got = 0;
    for (int r = 0; r < st.map.reps; r++)
      got += st.seen_folder[c * (size_t)st.map.reps + (size_t)r] != 0;
    int all = st.unrunnable[c] || got == (size_t)st.map.reps;
    if (all)
      res.cells_done++, res.shard[st.map.owner[c] - 1].cells_done++;
    else
      res.rows_missing += (size_t)st.map.reps - got;
  }
  if (o->write) {
    if (close_file(&st.runs) != 0 || close_file(&st.timeline) != 0) {
      snprintf(err, errlen, "cannot write into %s: %s", st.stage, strerror(errno));
      rc = 1;
      goto done;
    }
    res.host_kinds = cJSON_GetArraySize(st.kinds_j);
    if (mmb_write_summary_by(st.stage, o->pool ? "host_kind" : "host", 0, err, errlen) != 0 ||
        stage_meta(&st, &res) != 0) {
      if (!err[0]) snprintf(err, errlen, "cannot write into %s", st.stage);
      rc = 1;
      goto done;
    }
    if ((rc = publish(&st, err, errlen)) != 0) goto done;
  }
  rc = 0;
done:
  if (rc != 0 && st.stage[0]) stage_clean(st.stage);
  if (lock >= 0) close(lock);
  state_free(&st);
  if (out && rc == 0)
    *out = res;
  else
    free(res.shard);
  return rc;
}

void mmb_merge_result_free(mmb_merge_result *res) {
  free(res->shard);
  memset(res, 0, sizeof *res);
}

int mmb_merge_shard_complete(const mmb_merge_result *res, int k) {
  return k >= 1 && k <= res->nshards && res->shard[k - 1].cells_done == res->shard[k - 1].cells;
}
