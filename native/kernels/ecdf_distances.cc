#include "kernels/ecdf_distances.h"

#include <cmath>
#include <limits>

#include "kernels/thread_pool.h"

namespace mlwatch {

namespace {

void walk(const SamplePair& p, double* ks_out, double* w_out) {
  if (p.na == 0 || p.nb == 0) {
    *ks_out = *w_out = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  const double* a = p.a;
  const double* b = p.b;
  const size_t na = p.na, nb = p.nb;
  const double fa = static_cast<double>(na), fb = static_cast<double>(nb);
  size_t i = 0, j = 0;
  double ks = 0, sum = 0, compensation = 0;
  while (i < na || j < nb) {
    const double x = (i < na && (j >= nb || a[i] <= b[j])) ? a[i] : b[j];
    while (i < na && a[i] <= x) ++i;
    while (j < nb && b[j] <= x) ++j;
    // The same divisions as the reference (i/na - j/nb), so ties to the last bit agree.
    const double diff = std::fabs(static_cast<double>(i) / fa - static_cast<double>(j) / fb);
    if (diff > ks) ks = diff;
    if (i < na || j < nb) {
      const double next = (i < na && (j >= nb || a[i] <= b[j])) ? a[i] : b[j];
      const double term = diff * (next - x);
      const double t = sum + term;
      compensation += std::fabs(sum) >= std::fabs(term) ? (sum - t) + term : (term - t) + sum;
      sum = t;
    }
  }
  *ks_out = ks;
  *w_out = sum + compensation;
}

}  // namespace

void ecdf_distances(const SamplePair* pairs, size_t count, double* ks, double* wasserstein) {
  parallel_for(count, [&](size_t k) { walk(pairs[k], ks + k, wasserstein + k); });
}

}  // namespace mlwatch
