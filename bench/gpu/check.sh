#!/usr/bin/env bash
# Everything the GPU machine is needed for, in one run: the CUDA kernel tests (plain, under
# compute-sanitizer memcheck and racecheck), the vitest suites with the cuda backend (auto
# routing, then every call on the device), the gpu bench family and cuBLAS's own SGEMM rate.
# Builds nothing: run `bash bench/gpu/prepare.sh` here first (it fills .device/). On the GPU
# machine, from the checkout root: bash bench/gpu/check.sh. Results go to $OUT (or
# bench/.data/gpu): summary.json, tests.log, vitest.log, bench.log, gpu-bench.json, cublas.json.
set -uo pipefail
cd "$(dirname "$0")/../.."
out="${OUT:-bench/.data/gpu}"
mkdir -p "$out"
export OUT="$out"
summary="$out/summary.json"
echo '{' > "$summary"
first=1
record() { # name rc seconds
  [ $first -eq 1 ] || echo ',' >> "$summary"
  first=0
  printf '"%s": {"rc": %s, "seconds": %s}' "$1" "$2" "$3" >> "$summary"
}
step() { # name log command...
  local name=$1 log=$2; shift 2
  local t0; t0=$(date +%s.%N)
  echo "=== $name: $*" >> "$log"
  "$@" >> "$log" 2>&1
  local rc=$?
  local dt; dt=$(awk "BEGIN{print $(date +%s.%N) - $t0}")
  record "$name" "$rc" "$dt"
  printf '%-22s rc=%-3s %6.1fs\n' "$name" "$rc" "$dt"
  tail -n 4 "$log" | sed 's/^/    /'
}

nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.sm --format=csv > "$out/tests.log" 2>&1
cat "$out/tests.log"
tests=/tmp/mlwatch-tests
mkdir -p "$tests" && xz -dc .device/tests.tar.xz | tar -xf - -C "$tests"
# (test/inference compares with TensorFlow.js, too large to carry; test/backend/dense-stack covers the same kernels)
suites="test/backend test/stats test/drift test/monitor test/sketch test/integration"
# Most telling first: a run cut short at its time limit still brings back what came before.
step cuda-kernels "$out/tests.log" timeout 120 "$tests/cuda_kernel_test"
step cuda-dense "$out/tests.log" timeout 120 "$tests/cuda_dense_test"
step vitest-device "$out/vitest.log" timeout 150 env MLWATCH_CUDA_ROUTE=device bash .device/run.sh node_modules/.bin/vitest run $suites
step vitest-auto "$out/vitest.log" timeout 120 bash .device/run.sh node_modules/.bin/vitest run $suites
step bench-gpu "$out/bench.log" timeout 200 bash .device/run.sh node_modules/.bin/tsx bench/run.ts gpu
step cublas "$out/bench.log" timeout 60 sh -c "python3 bench/gpu/cublas_rates.py > '$out/cublas.json'"
if command -v compute-sanitizer >/dev/null; then
  step memcheck "$out/tests.log" timeout 100 env MLWATCH_CUDA_TEST_SMALL=1 compute-sanitizer --tool memcheck --error-exitcode 9 "$tests/cuda_kernel_test"
  step racecheck "$out/tests.log" timeout 100 env MLWATCH_CUDA_TEST_SMALL=1 compute-sanitizer --tool racecheck --error-exitcode 9 "$tests/cuda_kernel_test"
  # The dense test provokes an out-of-memory error on purpose: API errors are its subject, not a finding.
  step memcheck-dense "$out/tests.log" timeout 60 env MLWATCH_CUDA_TEST_SMALL=1 compute-sanitizer --tool memcheck --report-api-errors no --error-exitcode 9 "$tests/cuda_dense_test" --small
else
  record compute-sanitizer 127 0
  echo "compute-sanitizer: not found"
fi
echo '}' >> "$summary"
cat "$summary"
