// The runs of equal values of a sorted array: its distinct values and their multiplicities, for
// the batch job's summary of a sorted numeric column. Semantics shared with
// src/backend/js/sorted-runs.ts: a run starts at index 0 and wherever sorted[i] != sorted[i - 1]
// (IEEE: -0 == 0, every NaN starts a run); run r's first value and length go to values[r] and
// counts[r] while r < room; returns the number of runs (which may exceed room).
#pragma once

#include <cstddef>

namespace mlwatch {

std::size_t sorted_runs(const double* sorted, std::size_t n, double* values, double* counts, std::size_t room);

}  // namespace mlwatch
