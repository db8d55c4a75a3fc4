// LSD radix sort in 11-bit digits: 3 passes for 32-bit keys, 6 for 64-bit ones. Every digit's
// histogram is counted in one read, and a pass is skipped when every key has the same digit
// (common in the high bits of data with a narrow range). Split into parts, each part counts its
// range's digits and scatters its range after the ranges of the parts before it, bucket by
// bucket: the classic parallel LSD sort, stable like the serial one.
#include "kernels/radix_sort.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/thread_pool.h"

namespace mlwatch {

namespace {

constexpr int kDigitBits = 11;
constexpr size_t kBuckets = size_t{1} << kDigitBits;
// Below this many values std::sort beats clearing and scanning the radix histograms.
constexpr size_t kRadixMinimum = 512;

template <typename Key> struct Passes;
template <> struct Passes<uint32_t> { static constexpr int value = 3; };
template <> struct Passes<uint64_t> { static constexpr int value = 6; };

// task(t) for every part t: on this thread when there is one part (sort_columns calls that from
// inside pool tasks), on the pool otherwise.
template <typename Task>
void for_parts(size_t parts, const Task& task) {
  if (parts == 1) {
    task(0);
    return;
  }
  parallel_for(parts, [&](size_t t) { task(t); });
}

template <typename Key>
Key* radix_sort_impl(Key* keys, Key* tmp, size_t n, size_t parts) {
  constexpr int kPasses = Passes<Key>::value;
  if (n < kRadixMinimum) {
    std::sort(keys, keys + n);
    return keys;
  }
  parts = std::max<size_t>(1, std::min(parts, n));
  auto begin = [&](size_t t) { return n * t / parts; };
  // hist[(t * kPasses + p) * kBuckets + b]: keys of part t whose digit p is b.
  std::vector<size_t> hist(parts * kPasses * kBuckets, 0);
  for_parts(parts, [&](size_t t) {
    size_t* h = &hist[t * kPasses * kBuckets];
    for (size_t i = begin(t), end = begin(t + 1); i < end; ++i) {
      const Key k = keys[i];
      for (int p = 0; p < kPasses; ++p) ++h[p * kBuckets + ((k >> (p * kDigitBits)) & (kBuckets - 1))];
    }
  });
  Key* src = keys;
  Key* dst = tmp;
  // hist describes the parts of src for every digit while src is the input, and always when there
  // is one part (its counts are the totals, whatever the order).
  bool counted = true;
  for (int p = 0; p < kPasses; ++p) {
    const int shift = p * kDigitBits;
    // Totals do not depend on the order of src: the counts of the first read decide the skip.
    const size_t first_digit = (src[0] >> shift) & (kBuckets - 1);
    size_t total = 0;
    for (size_t t = 0; t < parts; ++t) total += hist[(t * kPasses + p) * kBuckets + first_digit];
    if (total == n) continue;  // one digit: nothing to move
    if (!counted) {
      // src was permuted by an earlier pass: each part counts this digit over its range again.
      for_parts(parts, [&](size_t t) {
        size_t* h = &hist[(t * kPasses + p) * kBuckets];
        std::fill(h, h + kBuckets, 0);
        for (size_t i = begin(t), end = begin(t + 1); i < end; ++i) ++h[(src[i] >> shift) & (kBuckets - 1)];
      });
    }
    // Bucket b of part t starts after every key of a smaller digit and part t's predecessors' keys of digit b.
    size_t offset = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      for (size_t t = 0; t < parts; ++t) {
        size_t& h = hist[(t * kPasses + p) * kBuckets + b];
        const size_t c = h;
        h = offset;
        offset += c;
      }
    }
    for_parts(parts, [&](size_t t) {
      size_t* h = &hist[(t * kPasses + p) * kBuckets];
      for (size_t i = begin(t), end = begin(t + 1); i < end; ++i) {
        const Key k = src[i];
        dst[h[(k >> shift) & (kBuckets - 1)]++] = k;
      }
    });
    std::swap(src, dst);
    counted = parts == 1;
  }
  return src;
}

}  // namespace

uint32_t* radix_sort(uint32_t* keys, uint32_t* tmp, size_t n, size_t parts) { return radix_sort_impl(keys, tmp, n, parts); }
uint64_t* radix_sort(uint64_t* keys, uint64_t* tmp, size_t n, size_t parts) { return radix_sort_impl(keys, tmp, n, parts); }

}  // namespace mlwatch
