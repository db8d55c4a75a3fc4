// Chan et al.'s parallel update of (count, mean, M2), shared by the CPU and CUDA column statistics.
#pragma once

#include <cmath>

#include "kernels/host_device.h"

namespace mlwatch {

// Merges (nb, mean_b, m2_b) into (na, mean_a, m2_a).
MLWATCH_HOST_DEVICE inline void chan_merge(double& na, double& mean_a, double& m2_a, double nb, double mean_b,
                                           double m2_b) {
  if (nb == 0) return;
  if (na == 0) {
    na = nb;
    mean_a = mean_b;
    m2_a = m2_b;
    return;
  }
  const double n = na + nb;
  if (!std::isfinite(mean_a) || !std::isfinite(mean_b)) {
    // An infinite value makes the mean ±Inf (or NaN for +Inf with -Inf) and the spread NaN,
    // as NumPy gives; the delta form below would turn Inf - Inf into NaN for the mean too.
    mean_a = (na * mean_a + nb * mean_b) / n;
    m2_a = static_cast<double>(NAN);
    na = n;
    return;
  }
  const double delta = mean_b - mean_a;
  mean_a += delta * (nb / n);
  m2_a += m2_b + delta * delta * (na * nb / n);
  na = n;
}

}  // namespace mlwatch
