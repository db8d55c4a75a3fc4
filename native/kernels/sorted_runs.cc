#include "kernels/sorted_runs.h"

namespace mlwatch {

std::size_t sorted_runs(const double* sorted, std::size_t n, double* values, double* counts, std::size_t room) {
  std::size_t runs = 0;
  for (std::size_t i = 0; i < n;) {
    const double v = sorted[i];
    std::size_t j = i + 1;
    while (j < n && sorted[j] == v) ++j;
    if (runs < room) {
      values[runs] = v;
      counts[runs] = static_cast<double>(j - i);
    }
    ++runs;
    i = j;
  }
  return runs;
}

}  // namespace mlwatch
