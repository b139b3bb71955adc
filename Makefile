# SPDX-License-Identifier: MIT
# Two commands for a newcomer: `make demo` and `make test` (see README.md).
BUILD ?= build
JOBS ?= $(shell nproc)
PY := /usr/bin/python3
APT_PACKAGES := cmake g++ make git libeigen3-dev libhdf5-dev hdf5-tools libgtest-dev libgmock-dev \
  libbenchmark-dev libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev libsuitesparse-dev \
  libopenblas0-pthread pybind11-dev python3-dev python3-pybind11 python3-numpy python3-h5py \
  python3-matplotlib python3-pytest python3-scipy python3-xarray python3-pandas python3-distributed \
  python3-nbclient python3-nbformat python3-ipykernel jupyter-nbconvert ffmpeg python3-tqdm \
  libjs-three zlib1g-dev chromium python3-pil \
  python3-meshio python3-paraview xvfb python3-venv python3-pip python3-setuptools python3-wheel \
  clang-14 libfuzzer-14-dev libclang-rt-14-dev libomp-14-dev \
  libhypre-dev libopenmpi-dev

.PHONY: deps build demo test sanitize sanitize-all fuzz bench bench-solve bench-body docs clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=$(PY)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The demo needs only the command line: tests, benchmarks and the Python module build in `make build`.
demo: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target fascia_cli
	@OMP_WAIT_POLICY=passive ./scripts/demo.sh $(BUILD)

test: build
	cd $(BUILD) && OMP_WAIT_POLICY=passive ctest --output-on-failure -j $(JOBS)

# Regenerates the key tables of docs/scenario.md from the schema (a test fails while they are stale).
docs: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target fascia_tests
	FASCIA_UPDATE_DOCS=1 ./$(BUILD)/tests/fascia_tests --gtest_filter='ScenarioSchema.DocsKeyTablesAreCurrent'

# The focused sanitizer suite (tests/sanitizer_set.cmake) in build-asan: clang 14, -O1, AddressSanitizer +
# UndefinedBehaviorSanitizer (CMakePresets.json: asan). CI runs it after `make test` (docs/testing.md).
sanitize: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

# The whole C++ suite under the same sanitizers in build-asan-all, minus the label sanitizer_skip (by hand).
sanitize-all: deps
	cmake --preset asan-all >/dev/null
	cmake --build --preset asan-all -j $(JOBS)
	ctest --preset asan-all -j $(JOBS)

# libFuzzer targets (fuzz/), built in build-asan: FUZZ_SECONDS per target (CI: 30).
FUZZ_SECONDS ?= 30
fuzz: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan-fuzz -j $(JOBS)
	./scripts/fuzz.sh build-asan $(FUZZ_SECONDS)

bench: build
	./scripts/bench.sh $(BUILD)

# Implicit-solve benchmark (issue 10): the N^3 hex8 compression, AMG-CG and CHOLMOD, 8^3 to 48^3.
bench-solve:
	./scripts/bench_solve.sh $(BUILD)

# Body-scale speed benchmark (issue 12): lacrosse ball on the thigh, fascia compare, time/memory/ledger.
bench-body:
	./scripts/bench_body.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-asan-all out
