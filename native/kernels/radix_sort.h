// LSD radix sort of unsigned integer keys (the order-preserving images of floats, float_keys.h),
// used by sort_columns. One array can be split across the thread pool: each part counts its own
// digit histograms and scatters its range into disjoint slots of the output, so the sort is
// stable and its result (a sorted array of integers) is the same for any number of parts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mlwatch {

// Sorts keys[0, n) using tmp[0, n) as scratch, split into `parts` contiguous ranges (1: run on
// the calling thread alone; more: on the thread pool, any part count >= 1 and any n, including
// parts > n). Returns the buffer that holds the sorted keys: keys or tmp (no copy back).
uint32_t* radix_sort(uint32_t* keys, uint32_t* tmp, size_t n, size_t parts);
uint64_t* radix_sort(uint64_t* keys, uint64_t* tmp, size_t n, size_t parts);

}  // namespace mlwatch
