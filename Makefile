# mmbench — top-level entry points. Everything real lives in CMake and
# scripts/; this file only chains them so two commands do all the set-up.
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
MMBENCH = $(BUILD)/mmbench
FUZZ_SECONDS ?= 10

.PHONY: all deps configure build bench bench-quick test test-asan test-tsan fuzz reproduce clean

all: build

deps:
	@scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

bench: build
	$(MMBENCH) run --preset default $(BENCH_ARGS)

bench-quick: build
	$(MMBENCH) run --preset quick $(BENCH_ARGS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

test-asan: deps
	@cmake -S . -B build-asan -DMMB_SANITIZE=address >/dev/null
	@cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j $(JOBS) -L 'unit|e2e'

test-tsan: deps
	@cmake -S . -B build-tsan -DMMB_SANITIZE=thread >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	cd build-tsan && ctest --output-on-failure -j $(JOBS) -L tsan

fuzz: deps
	@CC=clang cmake -S . -B build-fuzz -DMMB_FUZZ=ON -DMMB_SANITIZE=address >/dev/null
	@cmake --build build-fuzz -j $(JOBS)
	cd build-fuzz && MMB_FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --output-on-failure -L fuzz

reproduce: build
	$(MMBENCH) reproduce $(REPRODUCE_ARGS)

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
