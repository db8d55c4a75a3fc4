// A Neumaier-compensated running sum: value + compensation (twin of src/backend/js/compensated.ts).
#pragma once

#include <cmath>

namespace mlwatch {

struct Compensated {
  double sum = 0;
  double comp = 0;
  void add(double x) {
    const double t = sum + x;
    comp += std::fabs(sum) >= std::fabs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  double value() const { return sum + comp; }
};

}  // namespace mlwatch
