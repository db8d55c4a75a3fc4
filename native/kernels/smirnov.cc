// Twin of src/backend/js/smirnov.ts (see there for the method). The sum runs in waves of blocks:
// each block's log-steps and their compensated sum are counted on the pool, the blocks' starting
// log C(n, v) follow in order, their terms are computed on the pool, and the terms are added in
// index order until the rest cannot change the sum. The three overlap: while wave w's terms are
// computed, wave w - 1's are added and wave w + 1's steps counted.
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
struct SmirnovSums;
struct SmirnovStarts;

double clip(double p) { return std::min(1.0, std::max(0.0, p)); }

// log((n - v) / (v + 1)): log C(n, v + 1) - log C(n, v).
double log_step(double n, double v) { return std::log((n - v) / (v + 1)); }

// The steps of indices [v0, v1) into steps[0 ..], and their compensated sum from zero.
Compensated block_steps(double n, long v0, long v1, double* steps) {
  Compensated sum;
  for (long v = v0; v < v1; ++v) {
    const double step = log_step(n, static_cast<double>(v));
    steps[v - v0] = step;
    sum.add(step);
  }
  return sum;
}

// Terms [v0, v1) into terms[0 ..], from log C(n, v0) = start and the block's steps.
void block_terms(double n, double x, long v0, long v1, Compensated log_c, const double* steps, double* terms) {
  for (long v = v0; v < v1; ++v) {
    const double dv = static_cast<double>(v);
    const double log_term = log_c.sum + log_c.comp + (n - dv) * std::log((n - dv) / n - x) + (dv - 1) * std::log(dv / n + x);
    terms[v - v0] = std::exp(log_term);
    log_c.add(steps[v - v0]);
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
  const long waves = (blocks + wave - 1) / wave;
  const size_t wave_values = static_cast<size_t>(wave * kSmirnovBlock);
  // Two halves of terms and steps: one wave's terms are added, and the next wave's steps
  // counted, while the terms of the wave between are computed, all in one parallel_for (one wake
  // of the pool per wave, and the in-order sum off the critical path). One wave of step sums and
  // starts: place_starts(w) reads wave w's sums before the parallel_for that counts wave w + 1
  // overwrites them, and that parallel_for's terms read the starts it placed.
  std::vector<double>& terms = call_scratch<SmirnovTerms, double>();
  std::vector<double>& steps = call_scratch<SmirnovSteps, double>();
  std::vector<Compensated>& sums = call_scratch<SmirnovSums, Compensated>();
  std::vector<Compensated>& starts = call_scratch<SmirnovStarts, Compensated>();
  terms.resize(2 * wave_values);
  steps.resize(2 * wave_values);
  sums.resize(static_cast<size_t>(wave));
  starts.resize(static_cast<size_t>(wave));
  auto blocks_in = [&](long w) { return std::min(wave, blocks - w * wave); };
  auto range = [&](long w, long k, long* v0, long* v1) {
    *v0 = (w * wave + k) * kSmirnovBlock;
    *v1 = std::min(n_terms, *v0 + kSmirnovBlock);
  };
  auto count_steps = [&](long w, long k) {
    long v0, v1;
    range(w, k, &v0, &v1);
    sums[k] = block_steps(n, v0, v1, &steps[(w % 2) * wave_values + k * kSmirnovBlock]);
  };
  Compensated start;
  auto place_starts = [&](long w) {  // each block's start: the one before's, plus its steps
    for (long k = 0; k < blocks_in(w); ++k) {
      const Compensated& block = sums[k];
      starts[k] = start;
      start.add(block.sum);
      start.comp += block.comp;
    }
  };
  double sum = 0;
  // Adds wave w's terms in index order; true where the rest cannot change the sum.
  auto add_terms = [&](long w) {
    for (long k = 0; k < blocks_in(w); ++k) {
      long v0, v1;
      range(w, k, &v0, &v1);
      const double* block = &terms[(w % 2) * wave_values + k * kSmirnovBlock];
      for (long v = v0; v < v1; ++v) {
        const double term = block[v - v0];
        sum += term;
        if (term != 0) {
          if (4 * static_cast<double>(n_terms - v) * term < DBL_EPSILON * sum && v != n_terms - 1) return true;
        } else if (static_cast<double>(v) > n / 2) {
          return true;
        }
      }
    }
    return false;
  };

  parallel_for(static_cast<size_t>(blocks_in(0)), [&](size_t k) { count_steps(0, static_cast<long>(k)); });
  place_starts(0);
  for (long w = 0; w < waves; ++w) {
    // Task 0 adds wave w - 1 (handed out first: it is longer than one block's terms); then wave
    // w's terms, then wave w + 1's steps.
    const long adding = w > 0 ? 1 : 0;
    const long now = blocks_in(w);
    const long next = w + 1 < waves ? blocks_in(w + 1) : 0;
    bool stopped = false;
    parallel_for(static_cast<size_t>(adding + now + next), [&](size_t task) {
      long t = static_cast<long>(task) - adding;
      if (t < 0) {
        stopped = add_terms(w - 1);
      } else if (t < now) {
        long v0, v1;
        range(w, t, &v0, &v1);
        const size_t at = (w % 2) * wave_values + t * kSmirnovBlock;
        block_terms(n, x, v0, v1, starts[t], &steps[at], &terms[at]);
      } else {
        count_steps(w + 1, t - now);
      }
    });
    if (stopped) return clip(x * sum);
    if (next > 0) place_starts(w + 1);
  }
  if (waves > 0) add_terms(waves - 1);
  return clip(x * sum);
}

}  // namespace mlwatch
