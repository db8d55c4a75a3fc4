#!/usr/bin/env bash
# Here, before a GPU run: builds the addon with CUDA, dist/, the C++/CUDA kernel tests, and packs
# what the GPU machine needs into .device/ (git-ignored): then
#   device run: bash bench/gpu/check.sh   (carry: .device)
set -euo pipefail
cd "$(dirname "$0")/../.."
npx cmake-js compile --CDMLWATCH_CUDA=ON >/dev/null
npm run build >/dev/null
cmake -S . -B build/cuda-tests -DMLWATCH_ADDON=OFF -DMLWATCH_KERNEL_TESTS=ON -DMLWATCH_CUDA=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/cuda-tests -j "$(nproc)" >/dev/null
bash ../shared/device/pack.sh vitest tsx benchmark
(cd build/cuda-tests && tar -cf - cuda_kernel_test cuda_dense_test kernel_test) | xz -T2 -6 > .device/tests.tar.xz
du -ch .device/*.xz | tail -1
