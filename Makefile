# The front door. Each target installs what is missing (Debian packages, as
# root), configures CMake and builds with two jobs.
#
#   make demo    run the demo on generated sample data
#   make test    build and run every test
#   make bench   run the benchmarks (Release build)
#   make asan    run the tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make tsan    run the threaded tests (C API, ledger) under ThreadSanitizer
#   make fuzz    run each libFuzzer target for FUZZ_SECONDS (clang)

JOBS ?= 2
FUZZ_SECONDS ?= 10
TSAN_DIR ?= build-tsan
CMAKE_FLAGS ?=

PACKAGES := cmake g++ make pkg-config \
  libboost-dev libboost-graph-dev libboost-date-time-dev \
  libprotobuf-dev protobuf-compiler libfmt-dev libcli11-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  python3 python3-pytest python3-pandas python3-numpy python3-matplotlib \
  python3-distributed python3-setuptools python3-pip python3-wheel chromium

FUZZ_PACKAGES := clang libclang-rt-14-dev

.PHONY: all deps build test demo bench asan tsan fuzz clean

all: build

deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	      || { echo "apt-get install failed (a fresh machine needs 'apt-get update' once)"; exit 1; }; \
	  else \
	    echo "missing Debian packages:$$missing"; \
	    echo "install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

build/CMakeCache.txt: | deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps build/CMakeCache.txt
	cmake --build build -j$(JOBS)

test: build
	ctest --test-dir build --output-on-failure -j$(JOBS)

demo: build
	./build/voronka demo --out build/demo

bench: deps
	cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DVORONKA_BUILD_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build build-release -j$(JOBS) --target voronka_bench
	./build-release/benchmarks/voronka_bench

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DVORONKA_SANITIZE=address,undefined \
	  -DVORONKA_BUILD_BENCHMARKS=OFF $(CMAKE_FLAGS)
	cmake --build build-asan -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir build-asan --output-on-failure -j$(JOBS)

# Only the tests that run threads (the C API, the ledger, CSV text and reports
# read in two halves, a store encoding a large batch beside the ledger): building
# everything with TSan would add minutes and find nothing the other builds do
# not.
tsan: deps
	cmake -S . -B $(TSAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVORONKA_SANITIZE=thread \
	  -DVORONKA_BUILD_BENCHMARKS=OFF -DVORONKA_BUILD_EXAMPLES=OFF $(CMAKE_FLAGS)
	cmake --build $(TSAN_DIR) -j$(JOBS) --target c_api_threads_test ledger_test io_test \
	  analytics_test store_test
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  ctest --test-dir $(TSAN_DIR) --output-on-failure -j$(JOBS) \
	    -R '^(c_api_threads_test|LedgerConcurrency\.|CsvHalves\.|Seeds/HalvesEqualWhole\.|Store\.SplitsLarge)'

fuzz: deps
	@$(MAKE) --no-print-directory deps PACKAGES="$(FUZZ_PACKAGES)"
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DVORONKA_BUILD_FUZZERS=ON -DVORONKA_SANITIZE=address,undefined \
	  -DVORONKA_BUILD_TESTS=OFF -DVORONKA_BUILD_BENCHMARKS=OFF -DVORONKA_BUILD_EXAMPLES=OFF $(CMAKE_FLAGS)
	cmake --build build-fuzz -j$(JOBS)
	@for target in build-fuzz/tests/fuzz/*_fuzz; do \
	  name=$$(basename $$target); corpus=tests/fuzz/corpus/$${name%_fuzz}; \
	  work=build-fuzz/corpus/$${name%_fuzz}; mkdir -p $$work; \
	  echo "fuzzing $$name for $(FUZZ_SECONDS) s"; \
	  $$target -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 -artifact_prefix=build-fuzz/$$name- $$work $$corpus >build-fuzz/$$name.log 2>&1 \
	    || { tail -40 build-fuzz/$$name.log; exit 1; }; \
	done

clean:
	rm -rf build build-release build-asan build-tsan build-fuzz
