// Radix sort of unsigned integer keys (the order-preserving images of floats, float_keys.h),
// used by sort_columns. One array can be split across the thread pool: each part counts its own
// digit histograms and scatters its range into disjoint slots of the output, so its result (a
// sorted array of integers: equal keys are indistinguishable, so no order among them is kept or
// needed) is the same for any number of parts.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mlwatch {

// Sorts keys[0, n) using tmp[0, n) as scratch, split into `parts` contiguous ranges (1: run on
// the calling thread alone; more: on the thread pool, any part count >= 1 and any n, including
// parts > n). Returns the buffer that holds the sorted keys: keys or tmp (no copy back).
uint32_t* radix_sort(uint32_t* keys, uint32_t* tmp, size_t n, size_t parts);
uint64_t* radix_sort(uint64_t* keys, uint64_t* tmp, size_t n, size_t parts);

// radix_sort sorts at least this many 64-bit keys MSD first (shorter arrays fit in L2 already).
constexpr size_t kMsdMinimumKeys = size_t{1} << 16;

// The first digit of the MSD-first sort of 64-bit keys: the top 16 bits, which for the keys of
// doubles are the sign, the exponent and 4 mantissa bits.
constexpr int kMsdBits = 16;
constexpr size_t kMsdDigits = size_t{1} << kMsdBits;
inline size_t msd_digit(uint64_t key) { return static_cast<size_t>(key >> (64 - kMsdBits)); }

// The MSD-first sort (of any number of keys) for a caller that writes the keys of doubles
// itself (sort_columns gathers them) and counts their first digits as it goes: part t's keys
// are keys[begin[t], begin[t] + size[t]) and hist[t * kMsdDigits + d] (overwritten here) counts
// those whose msd_digit is d. Writes the n = sum of sizes keys, sorted, as doubles (from_key) to
// out[0, n), with tmp[0, n) as scratch; keys may lie in out's own memory. Parts run on the
// thread pool (1: on this thread alone, as sort_columns' tasks call it).
void msd_sort_to_doubles(const uint64_t* keys, const size_t* begin, const size_t* size, size_t parts, size_t* hist,
                         uint64_t* tmp, double* out);

}  // namespace mlwatch
