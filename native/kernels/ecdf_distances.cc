// Twin of src/backend/js/ecdf-distances.ts (the js backend) and native/cuda/ecdf_distances.cu (the cuda backend).
#include "kernels/ecdf_distances.h"

#include <cmath>
#include <limits>

#include "kernels/thread_pool.h"

namespace mlwatch {

namespace {

// One step per pooled value, without data-dependent branches (a merge of random data
// mispredicts half its branches). The ECDF difference counts only where the next pooled value is
// larger, i.e. after the last of a run of ties: there it enters the KS maximum; everywhere it is
// multiplied by the gap to the next value, which is 0 inside a run, so those terms add exactly 0
// and the sum equals the one taken over distinct values only.
void walk(const SamplePair& p, double* ks_out, double* w_out) {
  if (p.na == 0 || p.nb == 0) {
    *ks_out = *w_out = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  const double* a = p.a;
  const double* b = p.b;
  const size_t na = p.na, nb = p.nb, total = na + nb;
  const double fa = static_cast<double>(na), fb = static_cast<double>(nb);
  constexpr double kEnd = std::numeric_limits<double>::infinity();
  size_t i = 0, j = 0;
  double ks = 0, sum = 0, compensation = 0;
  double head_a = a[0], head_b = b[0];
  for (size_t step = 0; step + 1 < total; ++step) {
    const bool take_a = head_a <= head_b;
    const double x = take_a ? head_a : head_b;
    i += take_a;
    j += !take_a;
    head_a = i < na ? a[i] : kEnd;
    head_b = j < nb ? b[j] : kEnd;
    const double next = head_a <= head_b ? head_a : head_b;
    // The same divisions as the reference (i/na - j/nb), so ties to the last bit agree.
    const double diff = std::fabs(static_cast<double>(i) / fa - static_cast<double>(j) / fb);
    ks = (next > x && diff > ks) ? diff : ks;
    const double term = diff * (next - x);
    const double t = sum + term;
    compensation += std::fabs(sum) >= std::fabs(term) ? (sum - t) + term : (term - t) + sum;
    sum = t;
  }
  // The last pooled value: both ECDFs are 1 there, so it adds nothing.
  *ks_out = ks;
  *w_out = sum + compensation;
}

}  // namespace

void ecdf_distances(const SamplePair* pairs, size_t count, double* ks, double* wasserstein) {
  parallel_for(count, [&](size_t k) { walk(pairs[k], ks + k, wasserstein + k); });
}

}  // namespace mlwatch
