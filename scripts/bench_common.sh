# Sourced by the benchmark scripts (bench.sh, bench_solve.sh), run from the repository root:
# builds benchmark target $2 in build directory $1, configuring it first (Release, benchmarks on)
# when it has not been configured.
bench_build() {
  local build=$1 target=$2
  [ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DFASCIA_BUILD_BENCHMARKS=ON
  cmake --build "$build" -j "$(nproc)" --target "$target"
}
