// Twin of src/backend/js/sort-columns.ts (the js backend) and native/cuda/sort_columns.cu (the cuda backend).
// Column sorting by LSD radix sort on order-preserving integer images of the floats:
// 3 passes of 11 bits for float32, 6 for float64, all digit histograms counted in one read,
// and a pass skipped when every key has the same digit (common in the high bits of data
// with a narrow range). Columns are gathered a group at a time so that one read of each
// cache line of the row-major matrix serves every column in it.
#include "kernels/sort_columns.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/float_keys.h"
#include "kernels/thread_pool.h"

namespace mlwatch {

namespace {

constexpr int kDigitBits = 11;
constexpr size_t kBuckets = size_t{1} << kDigitBits;
// Below this many values std::sort beats clearing and scanning the radix histograms.
constexpr size_t kRadixMinimum = 512;

template <typename Float> struct Passes;
template <> struct Passes<float> { static constexpr int value = 3; };
template <> struct Passes<double> { static constexpr int value = 6; };

// Sorts keys[0, n) using tmp[0, n) as scratch; the result ends in keys.
template <typename Key, int kPasses>
void radix_sort(Key* keys, Key* tmp, size_t n) {
  if (n < kRadixMinimum) {
    std::sort(keys, keys + n);
    return;
  }
  std::vector<size_t> hist(kPasses * kBuckets, 0);
  for (size_t i = 0; i < n; ++i) {
    const Key k = keys[i];
    for (int p = 0; p < kPasses; ++p) ++hist[p * kBuckets + ((k >> (p * kDigitBits)) & (kBuckets - 1))];
  }
  Key* src = keys;
  Key* dst = tmp;
  for (int p = 0; p < kPasses; ++p) {
    size_t* h = &hist[p * kBuckets];
    if (h[(src[0] >> (p * kDigitBits)) & (kBuckets - 1)] == n) continue;  // one digit: nothing to move
    size_t offset = 0;
    for (size_t b = 0; b < kBuckets; ++b) {
      const size_t c = h[b];
      h[b] = offset;
      offset += c;
    }
    const int shift = p * kDigitBits;
    for (size_t i = 0; i < n; ++i) {
      const Key k = src[i];
      dst[h[(k >> shift) & (kBuckets - 1)]++] = k;
    }
    std::swap(src, dst);
  }
  if (src != keys) std::memcpy(keys, src, n * sizeof(Key));
}

// Keys are gathered straight into each column's output slot (rows doubles), sorted there with a
// per-thread scratch buffer, then turned back into doubles in place: no matrix-sized temporary.
template <typename Float>
void sort_columns_impl(const Float* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                       double* counts) {
  using Key = typename FloatKey<Float>::type;
  static_assert(sizeof(Key) <= sizeof(double), "a key must fit in its output slot");
  // A group of columns shares each cache line's read; smaller groups keep every thread busy.
  const size_t line_values = 64 / sizeof(Float);
  const size_t threads = static_cast<size_t>(thread_count());
  const size_t per_thread = (col_count + threads - 1) / threads;
  const size_t group = std::max<size_t>(1, std::min(line_values, per_thread));
  const size_t tasks = (col_count + group - 1) / group;
  parallel_for(tasks, [&](size_t t) {
    const size_t k0 = t * group;
    const size_t width = std::min(group, col_count - k0);
    Key* slot[64 / sizeof(float)];
    size_t n[64 / sizeof(float)] = {};
    for (size_t k = 0; k < width; ++k) slot[k] = reinterpret_cast<Key*>(out + (k0 + k) * rows);
    const Float* row = data + first_col + k0;
    for (size_t r = 0; r < rows; ++r, row += cols) {
      for (size_t k = 0; k < width; ++k) {
        const Float v = row[k];
        if (std::isfinite(v)) slot[k][n[k]++] = to_key(v);
      }
    }
    thread_local std::vector<Key> tmp;
    if (tmp.size() < rows) tmp.resize(rows);
    for (size_t k = 0; k < width; ++k) {
      radix_sort<Key, Passes<Float>::value>(slot[k], tmp.data(), n[k]);
      // Back to doubles in place, last first: double i covers keys i * sizeof(double) /
      // sizeof(Key) and up, which are never below i, so every key is read before it is overwritten.
      unsigned char* bytes = reinterpret_cast<unsigned char*>(slot[k]);
      for (size_t i = n[k]; i-- > 0;) {
        Key key;
        std::memcpy(&key, bytes + i * sizeof(Key), sizeof key);
        const double v = static_cast<double>(from_key<Float>(key));
        std::memcpy(bytes + i * sizeof(double), &v, sizeof v);
      }
      counts[k0 + k] = static_cast<double>(n[k]);
    }
  });
}

}  // namespace

void sort_columns(const float* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts) {
  sort_columns_impl(data, rows, cols, first_col, col_count, out, counts);
}

void sort_columns(const double* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts) {
  sort_columns_impl(data, rows, cols, first_col, col_count, out, counts);
}

}  // namespace mlwatch
