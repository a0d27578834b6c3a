/* mmbench tests — --counters sim: `mmbench cell` run under the valgrind
 * prefix the counters code builds, its totals read back by after_child.
 * Two runs of the same cell give identical instruction, read and write
 * counts; twice the operations give twice the instructions (so process
 * start, setup and verification are excluded); two threads sharing the
 * same work give the same total as one worker thread (every worker is
 * collected), and a 1-thread cell on the main thread (the default: glibc's
 * single-thread paths) no more than on a worker thread; larson's work,
 * done on threads started inside the region, is collected too.
 * Usage: test_counters_sim PATH-TO-MMBENCH */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../check.h"
#include "counters_int.h"

static const char *mmbench;

static int sim_cell_w(const char *wl, const char *params, const char *threads, mmb_record *rec) {
  mmb_counter_opts o;
  char err[256], out[64], counters[64];
  if (mmb_counters_parse(&o, "sim", "", "", err, sizeof err) != 0) return -1;
  snprintf(out, sizeof out, "/tmp/mmb_sim_test_%d.cg", (int)getpid());
  mmb_counters_to_arg(&o, counters, sizeof counters);
  const char *argv[48];
  int n = mmb_counters_exec_prefix(&o, out, argv, 32);
  if (n <= 0) return -1;
  /* threads "1w": one worker thread beside the timing thread */
  int beside = strcmp(threads, "1w") == 0;
  const char *rest[] = {mmbench,
                        "cell",
                        "--workload",
                        wl,
                        "--allocator",
                        "glibc",
                        "--params",
                        params,
                        "--threads",
                        beside ? "1" : threads,
                        "--counters",
                        counters,
                        beside ? "--worker-thread" : NULL,
                        NULL};
  for (int i = 0; rest[i]; i++) argv[n++] = rest[i];
  argv[n] = NULL;
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(fds[1]);
  static char buf[16384];
  size_t len = 0;
  ssize_t r;
  while (len + 1 < sizeof buf && (r = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
    len += (size_t)r;
  buf[len] = 0;
  close(fds[0]);
  int status;
  waitpid(pid, &status, 0);
  char *line = strstr(buf, "status=");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !line) return -1;
  line[strcspn(line, "\n")] = 0;
  if (mmb_record_decode(rec, line) != 0 || rec->status != MMB_ST_OK) return -1;
  int rc = mmb_counters_after_child(&o, out, rec);
  unlink(out);
  return rc;
}

static int sim_cell(const char *params, const char *threads, mmb_record *rec) {
  return sim_cell_w("malloc-free", params, threads, rec);
}

static double num(const mmb_record *r, const char *name) {
  double v;
  return mmb_record_num(r, name, &v) ? v : -1.0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_counters_sim PATH-TO-MMBENCH\n");
    return 2;
  }
  mmbench = argv[1];
  mmb_record a, b, c, t2, w1;
  CHECK(sim_cell("n=20000", "1", &a) == 0);
  CHECK(sim_cell("n=20000", "1", &b) == 0);
  CHECK(sim_cell("n=40000", "1", &c) == 0);
  CHECK(sim_cell("n=20000", "2", &t2) == 0);
  CHECK(sim_cell("n=20000", "1w", &w1) == 0);
  double ia = num(&a, "sim_Ir"), ib = num(&b, "sim_Ir"), ic = num(&c, "sim_Ir"),
         it = num(&t2, "sim_Ir"), iw = num(&w1, "sim_Ir");
  printf("sim_Ir: %.0f, %.0f (same cell), %.0f (twice the work), %.0f (2 threads), %.0f (1 "
         "worker thread)\n",
         ia, ib, ic, it, iw);
  CHECKF(ia > 20000 * 10, "sim_Ir %.0f is too small for 20000 malloc/free pairs", ia);
  CHECK(ia == ib);
  CHECK(num(&a, "sim_Dr") == num(&b, "sim_Dr") && num(&a, "sim_Dw") == num(&b, "sim_Dw"));
  CHECK(num(&a, "sim_D1mr") >= 0 && num(&a, "sim_DLmw") >= 0);
  /* setup, process start and verification excluded: the fixed part is tiny */
  CHECKF(ic / ia > 1.99 && ic / ia < 2.01, "ratio %.4f", ic / ia);
  CHECKF(ic - 2 * ia < 0.005 * ia && 2 * ia - ic < 0.005 * ia, "offset %.0f", ic - 2 * ia);
  CHECKF(it / iw > 0.99 && it / iw < 1.02, "2 threads: %.0f vs %.0f", it, iw);
  CHECKF(ia <= iw && ia > 0.8 * iw, "main thread %.0f vs worker thread %.0f", ia, iw);
  double per = num(&a, "sim_Ir_per_op");
  CHECKF(per > 10 && per < 5000 && per > 0.999 * ia / 20000 && per < 1.001 * ia / 20000, "Ir/op %g",
         per);
  /* threads a worker starts inside the region are collected: larson's
   * rounds are new threads; 2 or 20 rounds do the same operations, 20
   * rounds pay for 18 more thread starts (about 70 000 instructions each) */
  mmb_record l2, l20;
  CHECK(sim_cell_w("larson", "n=20000;round=10000;slots=100", "1", &l2) == 0);
  CHECK(sim_cell_w("larson", "n=20000;round=1000;slots=100", "1", &l20) == 0);
  double i2 = num(&l2, "sim_Ir"), i20 = num(&l20, "sim_Ir");
  printf("larson sim_Ir: %.0f (2 rounds), %.0f (20 rounds)\n", i2, i20);
  CHECKF(
      i2 > 20000 * 50,
      "larson: %.0f instructions for 20000 free+malloc pairs: the round threads were not collected",
      i2);
  CHECKF(i20 > i2 && i20 - i2 < 18 * 100000.0,
         "larson: 20 rounds %.0f vs 2 rounds %.0f: more than 100 000 instructions per extra round",
         i20, i2);
  return mmb_test_exit();
}
