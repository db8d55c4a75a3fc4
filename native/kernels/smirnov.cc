// Twin of src/backend/js/smirnov.ts (see there for the method). The sum runs in waves of blocks:
// each block's compensated sum of log-steps is counted on the pool, the blocks' starting
// log C(n, v) follow in order, their terms are computed on the pool, and the terms are added in
// index order until the rest cannot change the sum.
#include "kernels/smirnov.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "kernels/call_scratch.h"
#include "kernels/compensated.h"
#include "kernels/thread_pool.h"

namespace mlwatch {

namespace {

// Below this, exp underflows: log of the smallest normal double (cephes MINLOG).
constexpr double kCephesMinLog = -708.3964185322641;

// The call_scratch buffers of this kernel.
struct SmirnovTerms;
struct SmirnovSteps;
struct SmirnovStarts;

double clip(double p) { return std::min(1.0, std::max(0.0, p)); }

// log((n - v) / (v + 1)): log C(n, v + 1) - log C(n, v).
double log_step(double n, double v) { return std::log((n - v) / (v + 1)); }

// Compensated sum of the steps of indices [v0, v1), from zero.
Compensated block_steps(double n, long v0, long v1) {
  Compensated steps;
  for (long v = v0; v < v1; ++v) steps.add(log_step(n, static_cast<double>(v)));
  return steps;
}

// Terms [v0, v1) into terms[0 ..], from log C(n, v0) = start.
void block_terms(double n, double x, long v0, long v1, Compensated log_c, double* terms) {
  for (long v = v0; v < v1; ++v) {
    const double dv = static_cast<double>(v);
    const double log_term = log_c.sum + log_c.comp + (n - dv) * std::log((n - dv) / n - x) + (dv - 1) * std::log(dv / n + x);
    terms[v - v0] = std::exp(log_term);
    log_c.add(log_step(n, dv));
  }
}

// n·x split into floor and fraction exactly (n integer): fma gives the product's exact low part,
// as Dekker's two-product in smirnov.ts does.
void split_product(double n, double x, double* floor_out, double* alpha_out) {
  const double hi = n * x;
  const double lo = std::fma(n, x, -hi);
  double fl = std::floor(hi);
  if (fl == hi && lo < 0) fl -= 1;
  double alpha = hi - fl + lo;
  if (alpha >= 1) {
    fl += 1;
    alpha = 0;
  }
  *floor_out = fl;
  *alpha_out = std::max(0.0, alpha);
}

}  // namespace

double smirnov_sf(double n, double x) {
  if (!(n > 0 && x >= 0 && x <= 1) || std::floor(n) != n || n > 9007199254740991.0) return NAN;
  if (n == 1) return 1 - x;
  if (x == 0) return 1;
  if (x == 1) return 0;
  double nxfl, alpha;
  split_product(n, x, &nxfl, &alpha);
  double last_v = n - nxfl - (alpha == 0 ? 0 : 1);
  if (alpha == 0) last_v -= 1;
  if (nxfl == 0 || (nxfl == 1 && alpha == 0)) return clip(1 - x * std::pow(1 + x, n - 1));
  if (-2 * n * x * x < kCephesMinLog) return 0;
  if (nxfl >= n - 1) return clip(std::pow(1 - x, n));
  if (n > 1'000'000) {
    const double logp = -((6 * n * x + 1) * (6 * n * x + 1)) / 18 / n;
    return clip(logp < -M_LN2 ? std::exp(logp) : 1 + std::expm1(logp));
  }
  const long n_terms = static_cast<long>(last_v) + 1;
  const long blocks = (n_terms + kSmirnovBlock - 1) / kSmirnovBlock;
  // Blocks per wave: enough for every thread, few enough that little is computed past the stop.
  const long wave = std::max<long>(16, 2 * thread_count());
  std::vector<double>& terms = call_scratch<SmirnovTerms, double>();
  std::vector<Compensated>& steps = call_scratch<SmirnovSteps, Compensated>();
  std::vector<Compensated>& starts = call_scratch<SmirnovStarts, Compensated>();
  terms.resize(static_cast<size_t>(wave * kSmirnovBlock));
  steps.resize(static_cast<size_t>(wave));
  starts.resize(static_cast<size_t>(wave));
  Compensated start;
  double sum = 0;
  for (long b0 = 0; b0 < blocks; b0 += wave) {
    const long count = std::min(wave, blocks - b0);
    auto range = [&](long k, long* v0, long* v1) {
      *v0 = (b0 + k) * kSmirnovBlock;
      *v1 = std::min(n_terms, *v0 + kSmirnovBlock);
    };
    parallel_for(static_cast<size_t>(count), [&](size_t k) {
      long v0, v1;
      range(static_cast<long>(k), &v0, &v1);
      steps[k] = block_steps(n, v0, v1);
    });
    for (long k = 0; k < count; ++k) {
      starts[k] = start;
      start.add(steps[k].sum);  // the next block's start: this one's, plus its steps
      start.comp += steps[k].comp;
    }
    parallel_for(static_cast<size_t>(count), [&](size_t k) {
      long v0, v1;
      range(static_cast<long>(k), &v0, &v1);
      block_terms(n, x, v0, v1, starts[k], &terms[k * kSmirnovBlock]);
    });
    for (long k = 0; k < count; ++k) {
      long v0, v1;
      range(k, &v0, &v1);
      for (long v = v0; v < v1; ++v) {
        const double term = terms[k * kSmirnovBlock + (v - v0)];
        sum += term;
        if (term != 0) {
          if (4 * static_cast<double>(n_terms - v) * term < DBL_EPSILON * sum && v != n_terms - 1) return clip(x * sum);
        } else if (static_cast<double>(v) > n / 2) {
          return clip(x * sum);
        }
      }
    }
  }
  return clip(x * sum);
}

}  // namespace mlwatch
