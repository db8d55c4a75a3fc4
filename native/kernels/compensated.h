// A Neumaier-compensated running sum: value + compensation (twin of src/backend/js/compensated.ts).
// Each addition's rounding error is found by Knuth's TwoSum, without Neumaier's branch on which
// operand is larger: both give that error exactly, so the sums are the same to the bit, and no
// branch goes mispredicted in the loops that add values in random order.
#pragma once

namespace mlwatch {

struct Compensated {
  double sum = 0;
  double comp = 0;
  void add(double x) {
    const double t = sum + x;
    const double x_part = t - sum;
    comp += (sum - (t - x_part)) + (x - x_part);
    sum = t;
  }
  double value() const { return sum + comp; }
};

}  // namespace mlwatch
