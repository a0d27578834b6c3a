# mmbench — top-level entry points. Everything real lives in CMake and
# scripts/; this file only chains them so two commands do all the set-up.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
MMBENCH = $(BUILD)/mmbench
FUZZ_SECONDS ?= 5

.PHONY: format-check all deps test-deps configure build bench bench-quick traces test test-main test-asan test-tsan \
        fuzz reproduce test-slurm bench-merge crosscheck clean

all: build

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The main job: the default matrix into results/<stamp>-<host>/, then its
# figures and report page.
bench: build traces
	$(MMBENCH) run --preset default $(BENCH_ARGS)
	scripts/plot results/latest

bench-quick: build traces
	$(MMBENCH) run --preset quick $(BENCH_ARGS)
	scripts/plot results/latest

# The programs' allocation traces trace-replay replays and their models (the
# empirical workload), recorded on first
# use into ~/.cache/mmbench/traces (a program that is missing is noted and
# its replay cells skipped, not fatal).
traces: build
	-@scripts/record-traces --build $(BUILD)

# Every test: the main build's CTest suite, then the allocator and harness
# unit tests under ASan+UBSan, the threaded ones under TSan, and a bounded
# run of each fuzz target.
test: test-deps
	@$(MAKE) --no-print-directory format-check test-main test-asan test-tsan fuzz

format-check: test-deps
	@scripts/format-check

test-main: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test-asan: test-deps
	@cmake -S . -B build-asan -DMMB_SANITIZE=address >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS) -L unit

test-tsan: test-deps
	@cmake -S . -B build-tsan -DMMB_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	cd build-tsan && ctest --output-on-failure -j $(JOBS) -L tsan

fuzz: test-deps
	@CC=clang cmake -S . -B build-fuzz -DMMB_FUZZ=ON -DMMB_SANITIZE=address >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	cd build-fuzz && MMB_FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --output-on-failure -L fuzz

# A real single-node Slurm cluster (munged, slurmctld, slurmd as root, from a
# configuration under $(BUILD)/slurm-test): four shards, merge, scancel, resume.
test-slurm: build
	@scripts/install-deps --slurm
	scripts/test-slurm $(BUILD)

# Scale on paper: 100 000 cells into 1 000 shards, merge of synthetic shard
# folders at 250, 500 and 1 000 shards (time, peak memory); figures printed.
bench-merge: build
	scripts/bench-merge $(BUILD)

# Published claims (scripts/recipes/). mmbench reproduce exits 0 when every
# check got a verdict and passed, 1 when a claim FAILed, 3 when none failed
# but some check got no verdict (INCONCLUSIVE). make cannot pass a status
# on, so the target fails on 1 and on 3 (an undecided claim is not a pass),
# and says which; REPRODUCE_ALLOW_INCONCLUSIVE=1 lets 3 succeed.
reproduce: build
	@$(MMBENCH) reproduce $(REPRODUCE_ARGS); rc=$$?; \
	  if [ $$rc -eq 3 ]; then \
	    echo "make reproduce: mmbench reproduce exited 3: no claim failed, but some check got no verdict"; \
	    [ -n "$(REPRODUCE_ALLOW_INCONCLUSIVE)" ] && rc=0; \
	  elif [ $$rc -ne 0 ]; then echo "make reproduce: mmbench reproduce exited $$rc"; fi; \
	  exit $$rc

# mmbench's churn-random / malloc-free ratios against a bare loop under the
# same preloaded mallocs, side by side in 5 rounds; judges the median over
# the rounds of the paired per-round ratio (mmbench's glibc/allocator ratio
# of medians over the bare loop's), with its interval and level, for
# jemalloc, mimalloc and tcmalloc on both workloads: fails when one is more
# than 15 % from 1. The best-of ratio is printed beside. The figures stay
# in results/crosscheck-<stamp>.txt (runs beside).
CROSSCHECK_ARGS ?= --rounds 5 --strict 15
crosscheck: build
	@d=results/crosscheck-$$(date -u +%Y%m%dT%H%M%SZ); mkdir -p results; \
	  scripts/crosscheck $(CROSSCHECK_ARGS) -o $$d > $$d.txt; rc=$$?; cat $$d.txt; \
	  echo "figures: $$d.txt, runs: $$d/"; exit $$rc

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
