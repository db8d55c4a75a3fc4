// Which SIMD level this CPU runs. Shipped builds use a portable x86-64 baseline and opt
// AVX2/FMA kernels in per function, so the choice is made here, once, at run time.
#pragma once

namespace mlwatch {

enum class SimdLevel { Baseline, Avx2Fma };

// The best level both this build and this CPU support. MLWATCH_SIMD=baseline forces the
// portable kernels (used by the tests to cover both paths).
SimdLevel simd_level();

const char* simd_level_name(SimdLevel level);

}  // namespace mlwatch
