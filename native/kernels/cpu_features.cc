#include "kernels/cpu_features.h"

#include <cstdlib>
#include <cstring>

namespace mlwatch {

static SimdLevel detect() {
  const char* forced = std::getenv("MLWATCH_SIMD");
  if (forced != nullptr && std::strcmp(forced, "baseline") == 0) return SimdLevel::Baseline;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::Avx2Fma;
#endif
  return SimdLevel::Baseline;
}

SimdLevel simd_level() {
  static const SimdLevel level = detect();
  return level;
}

const char* simd_level_name(SimdLevel level) {
  return level == SimdLevel::Avx2Fma ? "avx2+fma" : "baseline";
}

}  // namespace mlwatch
