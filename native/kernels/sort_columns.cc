// Twin of src/backend/js/sort-columns.ts (the js backend) and native/cuda/sort_columns.cu (the cuda backend).
// Column sorting by LSD radix sort (radix_sort.h) on order-preserving integer images of the floats.
// With at least as many columns as threads, each thread sorts whole columns, gathered a group at
// a time so that one read of each cache line of the row-major matrix serves every column in it.
// With fewer columns than threads, the columns are sorted one after another, each split across
// every thread (gather, radix sort and conversion back), so a few wide columns use every core.
#include "kernels/sort_columns.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/float_keys.h"
#include "kernels/radix_sort.h"
#include "kernels/thread_pool.h"

namespace mlwatch {

namespace {

// Values each part of a split column gets at least: below this the pool's hand-off costs more
// than the part saves.
constexpr size_t kSplitMinimum = 1 << 15;

// Writes the sorted keys of a column, sorted[0, n), as doubles to out[0, n). sorted is either a
// scratch buffer or out itself (the keys then lie in out's first n * sizeof(Key) bytes).
template <typename Float, typename Key>
void keys_to_doubles(const Key* sorted, size_t n, double* out) {
  if (static_cast<const void*>(sorted) != static_cast<const void*>(out)) {
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(from_key<Float>(sorted[i]));
    return;
  }
  // In place, last first: double i covers keys i * sizeof(double) / sizeof(Key) and up, which
  // are never below i, so every key is read before it is overwritten.
  unsigned char* bytes = reinterpret_cast<unsigned char*>(out);
  for (size_t i = n; i-- > 0;) {
    Key key;
    std::memcpy(&key, bytes + i * sizeof(Key), sizeof key);
    const double v = static_cast<double>(from_key<Float>(key));
    std::memcpy(bytes + i * sizeof(double), &v, sizeof v);
  }
}

// Each thread sorts whole columns. Keys are gathered straight into each column's output slot
// (rows doubles), sorted there with a per-thread scratch buffer, then turned back into doubles
// (by msd_sort_to_doubles for long columns of doubles): no matrix-sized temporary.
template <typename Float>
void sort_whole_columns(const Float* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                        double* counts) {
  using Key = typename FloatKey<Float>::type;
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
      counts[k0 + k] = static_cast<double>(n[k]);
      if (sizeof(Key) == sizeof(uint64_t) && n[k] >= kMsdMinimumKeys) {
        // Enough keys of doubles for the MSD-first sort: it writes the doubles itself.
        thread_local std::vector<size_t> hist;
        hist.assign(kMsdDigits, 0);
        const uint64_t* keys = reinterpret_cast<const uint64_t*>(slot[k]);
        for (size_t i = 0; i < n[k]; ++i) ++hist[msd_digit(keys[i])];
        const size_t begin = 0;
        msd_sort_to_doubles(keys, &begin, &n[k], 1, hist.data(), reinterpret_cast<uint64_t*>(tmp.data()),
                            out + (k0 + k) * rows);
        continue;
      }
      const Key* sorted = radix_sort(slot[k], tmp.data(), n[k], 1);
      keys_to_doubles<Float>(sorted, n[k], out + (k0 + k) * rows);
    }
  });
}

// One column split across `parts` threads: each part gathers the finite values of its range of
// rows to the start of that range in the output slot. Keys of doubles (when there are enough
// for the MSD-first sort) are sorted from there, the parts having counted their first digits as
// they gathered them (msd_sort_to_doubles: it writes the doubles). Otherwise the parts are packed
// together in order, radix-sorted by every part, and turned back into doubles a range each.
template <typename Float>
void sort_split_column(const Float* data, size_t rows, size_t cols, size_t col, size_t parts, double* out,
                       double* count, std::vector<typename FloatKey<Float>::type>& tmp) {
  using Key = typename FloatKey<Float>::type;
  constexpr bool kMsd = sizeof(Key) == sizeof(uint64_t);
  Key* slot = reinterpret_cast<Key*>(out);
  auto begin = [&](size_t t) { return rows * t / parts; };
  // This thread's histograms, filled by every part (a thread_local named inside a task would be
  // the pool thread's own).
  thread_local std::vector<size_t> hist_storage;
  if (kMsd) hist_storage.resize(parts * kMsdDigits);
  size_t* hist = hist_storage.data();
  std::vector<size_t> first(parts), found(parts, 0);
  parallel_for(parts, [&](size_t t) {
    size_t n = 0;
    const size_t r0 = begin(t);
    Key* at = slot + r0;
    const Float* v = data + r0 * cols + col;
    if (kMsd) {
      size_t* h = &hist[t * kMsdDigits];
      std::fill(h, h + kMsdDigits, 0);
      for (size_t r = r0, end = begin(t + 1); r < end; ++r, v += cols) {
        if (std::isfinite(*v)) {
          const Key key = to_key(*v);
          at[n++] = key;
          ++h[msd_digit(key)];
        }
      }
    } else {
      for (size_t r = r0, end = begin(t + 1); r < end; ++r, v += cols) {
        if (std::isfinite(*v)) at[n++] = to_key(*v);
      }
    }
    first[t] = r0;
    found[t] = n;
  });
  size_t n = 0;
  for (size_t t = 0; t < parts; ++t) n += found[t];
  *count = static_cast<double>(n);
  if (kMsd && n >= kMsdMinimumKeys) {
    msd_sort_to_doubles(reinterpret_cast<const uint64_t*>(slot), first.data(), found.data(), parts, hist,
                        reinterpret_cast<uint64_t*>(tmp.data()), out);
    return;
  }
  for (size_t t = 0, at = 0; t < parts; at += found[t++]) {
    if (at != first[t]) std::memmove(slot + at, slot + first[t], found[t] * sizeof(Key));  // NaN or ±Inf left gaps
  }
  Key* sorted = radix_sort(slot, tmp.data(), n, parts);
  if (sizeof(Key) < sizeof(double) && sorted == slot) {
    // Narrow keys in place grow into their neighbours' bytes: convert from the scratch copy instead.
    parallel_for(parts, [&](size_t t) {
      std::memcpy(tmp.data() + n * t / parts, slot + n * t / parts, (n * (t + 1) / parts - n * t / parts) * sizeof(Key));
    });
    sorted = tmp.data();
  }
  parallel_for(parts, [&](size_t t) {
    const size_t i0 = n * t / parts;
    const size_t i1 = n * (t + 1) / parts;
    keys_to_doubles<Float>(sorted + i0, i1 - i0, out + i0);  // in place only for same-size keys: its own range
  });
}

template <typename Float>
void sort_columns_impl(const Float* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                       double* counts) {
  using Key = typename FloatKey<Float>::type;
  static_assert(sizeof(Key) <= sizeof(double), "a key must fit in its output slot");
  const size_t threads = static_cast<size_t>(thread_count());
  const size_t parts = std::min(threads, rows / kSplitMinimum);
  if (col_count >= threads || parts < 2) {
    sort_whole_columns(data, rows, cols, first_col, col_count, out, counts);
    return;
  }
  thread_local std::vector<Key> tmp;
  if (tmp.size() < rows) tmp.resize(rows);
  for (size_t k = 0; k < col_count; ++k)
    sort_split_column(data, rows, cols, first_col + k, parts, out + k * rows, counts + k, tmp);
}

}  // namespace

void sort_arrays(const double* const* data, const size_t* lengths, size_t count, double* const* out, double* counts) {
  if (count == 0) return;
  const size_t threads = static_cast<size_t>(thread_count());
  size_t longest = 0;
  for (size_t k = 0; k < count; ++k) longest = std::max(longest, lengths[k]);
  if (count < threads && std::min(threads, longest / kSplitMinimum) >= 2) {
    // Fewer arrays than threads: each one split across every thread, one after another.
    for (size_t k = 0; k < count; ++k) sort_columns_impl(data[k], lengths[k], 1, 0, 1, out[k], counts + k);
    return;
  }
  // Whole arrays, one per task, the longest first so that the last tasks are the short ones.
  std::vector<size_t> order(count);
  for (size_t k = 0; k < count; ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
  parallel_for(count, [&](size_t t) {
    const size_t k = order[t];
    // A one-column matrix: the whole-column sort (its own pool call runs on this thread).
    sort_whole_columns(data[k], lengths[k], 1, 0, 1, out[k], counts + k);
  });
}

void sort_columns(const float* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts) {
  sort_columns_impl(data, rows, cols, first_col, col_count, out, counts);
}

void sort_columns(const double* data, size_t rows, size_t cols, size_t first_col, size_t col_count, double* out,
                  double* counts) {
  sort_columns_impl(data, rows, cols, first_col, col_count, out, counts);
}

}  // namespace mlwatch
