// Twin of src/backend/js/ecdf-distances.ts (the js backend) and native/cuda/ecdf_distances.cu (the cuda backend).
#include "kernels/ecdf_distances.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/thread_pool.h"

namespace mlwatch {

namespace {

constexpr double kEnd = std::numeric_limits<double>::infinity();

// Steps that can run without looking past a non-final block: each step consumes one value, so a
// block with r values left cannot run out in fewer than r steps.
size_t safe_steps(size_t left_a, bool a_final, size_t left_b, bool b_final) {
  if (a_final && b_final) return left_a + left_b;
  size_t steps = SIZE_MAX;
  if (!a_final) steps = std::min(steps, left_a);
  if (!b_final) steps = std::min(steps, left_b);
  return steps;
}

}  // namespace

// One step per pooled value, without data-dependent branches (a merge of random data
// mispredicts half its branches). A value's ECDF difference is settled when the next pooled
// value is consumed: if that one is larger (the value ended a run of ties), the difference enters
// the KS maximum; in any case it is multiplied by the gap between them, which is 0 inside a run,
// so those terms add exactly 0 and the sum equals the one taken over distinct values only. The
// last pooled value's difference is 0 (both ECDFs are 1) and is never needed.
void ecdf_walk(const double* a, size_t la, bool a_final, const double* b, size_t lb, bool b_final, EcdfWalkState& s) {
  const double fa = s.na, fb = s.nb;
  double gi = s.i, gj = s.j;  // values consumed from each sample, over all blocks
  double ks = s.ks, sum = s.sum, compensation = s.compensation, last = s.last, last_diff = s.last_diff;
  size_t ia = 0, ib = 0;
  for (size_t steps; (steps = safe_steps(la - ia, a_final, lb - ib, b_final)) > 0;) {
    double head_a = ia < la ? a[ia] : kEnd;
    double head_b = ib < lb ? b[ib] : kEnd;
    if (gi + gj == 0) {  // the first value has no predecessor: a zero term
      last = std::min(head_a, head_b);
      last_diff = 0;
    }
    for (size_t step = 0; step < steps; ++step) {
      const bool take_a = head_a <= head_b;
      const double x = take_a ? head_a : head_b;
      ia += take_a;
      ib += !take_a;
      gi += take_a;
      gj += !take_a;
      head_a = ia < la ? a[ia] : kEnd;
      head_b = ib < lb ? b[ib] : kEnd;
      ks = (x > last && last_diff > ks) ? last_diff : ks;
      const double term = last_diff * (x - last);
      const double t = sum + term;
      compensation += std::fabs(sum) >= std::fabs(term) ? (sum - t) + term : (term - t) + sum;
      sum = t;
      last = x;
      // The same divisions as the reference (i/na - j/nb), so ties to the last bit agree.
      last_diff = std::fabs(gi / fa - gj / fb);
    }
  }
  s.i = gi;
  s.j = gj;
  s.ks = ks;
  s.sum = sum;
  s.compensation = compensation;
  s.last = last;
  s.last_diff = last_diff;
}

double ecdf_walk_ks(const EcdfWalkState& s) {
  return s.na < 1 || s.nb < 1 ? std::numeric_limits<double>::quiet_NaN() : s.ks;
}

double ecdf_walk_wasserstein(const EcdfWalkState& s) {
  return s.na < 1 || s.nb < 1 ? std::numeric_limits<double>::quiet_NaN() : s.sum + s.compensation;
}

void ecdf_distances(const SamplePair* pairs, size_t count, double* ks, double* wasserstein) {
  parallel_for(count, [&](size_t k) {
    const SamplePair& p = pairs[k];
    EcdfWalkState s{static_cast<double>(p.na), static_cast<double>(p.nb), 0, 0, 0, 0, 0, 0, 0};
    if (p.na > 0 && p.nb > 0) ecdf_walk(p.a, p.na, true, p.b, p.nb, true, s);
    ks[k] = ecdf_walk_ks(s);
    wasserstein[k] = ecdf_walk_wasserstein(s);
  });
}

}  // namespace mlwatch
