#!/usr/bin/env python3
# mmbench tests — synthetic results folders for `mmbench compare` with known
# answers: 24 cells (malloc-free at 6 sizes x 4 allocators), log-normal
# noise (CV about 12 %), fixed seed. With --changes, B's cells 0-3 are 2x
# slower, 4-7 1.3x, 8-11 1.1x, the rest unchanged; --shift multiplies every
# cell of B (drift between runs). Writes A and B (runs.csv, meta.json).
# usage: generate.py OUT_A OUT_B --reps N --seed S [--changes] [--shift F]
#                    [--seed-b S] (meta.json plan seed of B, default 42)
import argparse, json, math, os, random

ap = argparse.ArgumentParser()
ap.add_argument("a")
ap.add_argument("b")
ap.add_argument("--reps", type=int, default=5)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--changes", action="store_true")
ap.add_argument("--shift", type=float, default=1.0)
ap.add_argument("--plan-seed-b", default="42")
o = ap.parse_args()

SIZES = (16, 32, 64, 128, 256, 512)
ALLOCS = ("glibc", "jemalloc", "mimalloc", "tcmalloc")
HEAD = "workload,params,allocator,threads,rep,status,reason,wall_ns,cpu_ns,ops,ns_per_op,peak_rss_kb"

def factor(i):
    if not o.changes:
        return 1.0
    return 2.0 if i < 4 else 1.3 if i < 8 else 1.1 if i < 12 else 1.0

rng = random.Random(o.seed)
for side, path in (("a", o.a), ("b", o.b)):
    os.makedirs(path, exist_ok=True)
    rows = [HEAD]
    i = 0
    for size in SIZES:
        for alloc in ALLOCS:
            base = 10.0 + 7 * i
            f = factor(i) * o.shift if side == "b" else 1.0
            for r in range(o.reps):
                ns = base * f * math.exp(rng.gauss(0, 0.12))
                ops = 1000000
                rows.append("malloc-free,size=%d;n=%d,%s,1,%d,ok,,%d,%d,%d,%.4f,%d"
                            % (size, ops, alloc, r, ns * ops, ns * ops, ops, ns, 2000 + size))
            i += 1
    with open(os.path.join(path, "runs.csv"), "w") as fh:
        fh.write("\n".join(rows) + "\n")
    seed = "42" if side == "a" else o.plan_seed_b
    meta = {"plan": {"workloads": ["malloc-free"], "reps": o.reps, "scale": 0.25, "seed": seed}}
    with open(os.path.join(path, "meta.json"), "w") as fh:
        json.dump(meta, fh)
