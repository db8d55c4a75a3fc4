// Radix sorts of the order-preserving integer images of floats (float_keys.h).
//
// LSD radix sort in 11-bit digits: 3 passes for 32-bit keys, 6 for 64-bit ones. Every digit's
// histogram is counted in one read, and a pass is skipped when every key has the same digit
// (common in the high bits of data with a narrow range). Split into parts, each part counts its
// range's digits and scatters its range after the ranges of the parts before it, bucket by
// bucket: the classic parallel LSD sort, stable like the serial one. 32-bit keys and short
// arrays of 64-bit keys take this path.
//
// Long arrays of 64-bit keys (at least kMsdMinimumKeys): six passes over an array larger than
// the cache cost more than the arithmetic (each pass reads and writes the whole array once more),
// so they are sorted MSD first. One scatter on the top 16 bits (for doubles: sign, exponent and
// 4 mantissa bits) splits the keys into buckets that mostly fit in L2; it stages each digit's keys
// in a cache line and writes whole lines (software write-combining). Each bucket is then sorted
// in cache, a group of buckets per task: LSD on its top log2(n) + 5 bits, which leaves most keys
// alone with their top bits, then the runs that share them sorted on their lower bits. Two
// passes over the whole array instead of six; the buckets spread over the threads without any
// exchange of histograms.
#include "kernels/radix_sort.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kernels/float_keys.h"
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
Key* lsd_sort(Key* keys, Key* tmp, size_t n, size_t parts) {
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


// --- MSD first, for long arrays of 64-bit keys -------------------------------------------------

// Buckets this short are insertion-sorted.
constexpr size_t kInsertionMaximum = 24;
// Inside a bucket: the LSD passes sort on about log2(n) + kExtraBits top bits, in digits of at
// most kLocalDigitMaximum bits.
constexpr int kExtraBits = 5;
constexpr int kLocalDigitMaximum = 11;

// One aligned 64-byte line of keys to dst, bypassing the cache where SSE2 allows.
inline void stream_line(uint64_t* dst, const uint64_t* line) {
#if defined(__SSE2__)
  for (int i = 0; i < 4; ++i) {
    _mm_stream_si128(reinterpret_cast<__m128i*>(dst) + i, _mm_load_si128(reinterpret_cast<const __m128i*>(line) + i));
  }
#else
  std::memcpy(dst, line, 64);
#endif
}

// Orders streaming stores before what follows (the threads that read tmp next).
inline void stream_fence() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

void insertion_sort(uint64_t* a, size_t n) {
  for (size_t i = 1; i < n; ++i) {
    const uint64_t k = a[i];
    size_t j = i;
    for (; j > 0 && a[j - 1] > k; --j) a[j] = a[j - 1];
    a[j] = k;
  }
}

// Sorts a[0, n), whose keys are equal above bit `bits`, with b[0, n) as scratch; returns where
// the sorted keys are (a or b). A short range is insertion-sorted. A longer one (in cache: a
// bucket of the first digit) is LSD-sorted on its top bits, about log2(n) + kExtraBits of them,
// so that most keys end up alone with their top bits; the runs of keys that share them are then
// sorted on their lower bits (insertion sort for short runs, the same method again for long
// ones). With `narrow`, a read for the smallest and largest key first narrows `bits` to those
// below the prefix that every key shares (the first digit's buckets skip it: below their 16
// bits, the bits of floating-point data rarely share much).
uint64_t* sort_bucket(uint64_t* a, uint64_t* b, size_t n, int bits, bool narrow) {
  if (n <= kInsertionMaximum || bits == 0) {
    insertion_sort(a, n);
    return a;
  }
  if (narrow) {
    uint64_t lo = a[0], hi = a[0];
    for (size_t i = 1; i < n; ++i) {
      lo = std::min(lo, a[i]);
      hi = std::max(hi, a[i]);
    }
    if (lo == hi) return a;
    while (((lo ^ hi) >> (bits - 1)) == 0) --bits;  // bits below the shared prefix
  }
  int log_n = 0;
  while ((n >> (log_n + 1)) != 0) ++log_n;
  const int wanted = std::min(bits, log_n + kExtraBits);
  const int passes = (wanted + kLocalDigitMaximum - 1) / kLocalDigitMaximum;
  const int digit = (wanted + passes - 1) / passes;
  const int low = std::max(0, bits - passes * digit);  // bits left to the runs
  const size_t buckets = size_t{1} << digit;
  const uint64_t mask = buckets - 1;
  std::vector<size_t> hist(passes * buckets, 0);
  for (size_t i = 0; i < n; ++i) {
    const uint64_t k = a[i];
    for (int p = 0; p < passes; ++p) ++hist[p * buckets + ((k >> (low + p * digit)) & mask)];
  }
  uint64_t* src = a;
  uint64_t* dst = b;
  for (int p = 0; p < passes; ++p) {
    const int shift = low + p * digit;
    size_t* h = &hist[p * buckets];
    if (h[(src[0] >> shift) & mask] == n) continue;
    size_t offset = 0;
    for (size_t d = 0; d < buckets; ++d) {
      const size_t c = h[d];
      h[d] = offset;
      offset += c;
    }
    for (size_t i = 0; i < n; ++i) {
      const uint64_t k = src[i];
      dst[h[(k >> shift) & mask]++] = k;
    }
    std::swap(src, dst);
  }
  if (low > 0) {
    // Runs of keys equal above `low`: sorted on the bits below.
    for (size_t s = 0; s < n;) {
      const uint64_t top = src[s] >> low;
      size_t e = s + 1;
      while (e < n && (src[e] >> low) == top) ++e;
      if (e - s > 1) {
        const uint64_t* run = sort_bucket(src + s, dst + s, e - s, low, true);
        if (run != src + s) std::memcpy(src + s, run, (e - s) * sizeof(uint64_t));
      }
      s = e;
    }
  }
  return src;
}

// keys[0, n) to tmp by first digit, key i to tmp[next[msd_digit(key i)]++]. Scattered one by
// one, the keys of a few hundred digits would each write to a different line (and page) of tmp,
// far out of cache; instead each digit's keys are staged in a line of a per-thread buffer (in
// L1/L2) and written out a whole line at a time, with streaming stores: no read of tmp's lines
// before they are written.
void scatter_combined(const uint64_t* keys, size_t n, size_t* next, uint64_t* tmp) {
  constexpr size_t kLine = 8;  // keys per cache line
  // Staging lines, uninitialized: only the pages of the digits in use are ever touched.
  thread_local std::unique_ptr<uint64_t[]> stage_storage;
  if (!stage_storage) stage_storage.reset(new uint64_t[kMsdDigits * kLine + kLine]);
  uint64_t* stage = stage_storage.get();
  stage += (kLine - (reinterpret_cast<uintptr_t>(stage) / sizeof(uint64_t)) % kLine) % kLine;  // 64-byte aligned
  // Slot j of a line holds the key bound for a position p of tmp with (p + skew) % kLine == j,
  // so that a full line is one aligned line of tmp.
  const size_t skew = (reinterpret_cast<uintptr_t>(tmp) / sizeof(uint64_t)) % kLine;
  thread_local std::vector<size_t> first_storage;
  first_storage.assign(next, next + kMsdDigits);
  const size_t* first = first_storage.data();
  for (size_t i = 0; i < n; ++i) {
    const uint64_t k = keys[i];
    const size_t d = msd_digit(k);
    const size_t p = next[d]++;
    uint64_t* line = stage + d * kLine;
    const size_t j = (p + skew) % kLine;
    line[j] = k;
    if (j == kLine - 1) {
      if (p + 1 >= first[d] + kLine) {  // the whole line is this part's
        stream_line(tmp + (p + 1 - kLine), line);
      } else {
        std::memcpy(tmp + first[d], line + (first[d] + skew) % kLine, (p + 1 - first[d]) * sizeof(uint64_t));
      }
    }
  }
  for (size_t d = 0; d < kMsdDigits; ++d) {
    // The partial line each digit has left, from its line's start (or its first key) on.
    const size_t end = next[d];
    if (end == first[d]) continue;
    const size_t lo = end - std::min((end + skew) % kLine, end - first[d]);
    if (lo < end) std::memcpy(tmp + lo, stage + d * kLine + (lo + skew) % kLine, (end - lo) * sizeof(uint64_t));
  }
  stream_fence();
}

// The MSD-first sort. Part t's keys are keys[begin[t], begin[t] + size[t]), and hist[t * kMsdDigits
// + d] counts those whose top digit (msd_digit) is d. They are scattered by that digit into
// tmp, then each bucket is sorted with the same range of `scratch` (which may be `keys` itself)
// and handed to finish(sorted, offset, count), sorted being tmp + offset or scratch + offset.
template <typename Finish>
void msd_sort_parts(const uint64_t* keys, const size_t* begin, const size_t* size, size_t parts, size_t* hist,
                    uint64_t* tmp, uint64_t* scratch, const Finish& finish) {
  // Bucket d starts at start[d]; part t writes its keys of digit d from hist[t * kMsdDigits + d] on.
  std::vector<size_t> start(kMsdDigits + 1);
  size_t offset = 0;
  for (size_t d = 0; d < kMsdDigits; ++d) {
    start[d] = offset;
    for (size_t t = 0; t < parts; ++t) {
      size_t& h = hist[t * kMsdDigits + d];
      const size_t c = h;
      h = offset;
      offset += c;
    }
  }
  const size_t n = offset;
  start[kMsdDigits] = n;
  for_parts(parts, [&](size_t t) { scatter_combined(keys + begin[t], size[t], &hist[t * kMsdDigits], tmp); });
  // Buckets in groups of about equal key counts, handed out to the threads one group at a time.
  const size_t groups = parts == 1 ? 1 : parts * 8;
  std::vector<size_t> first(groups + 1, kMsdDigits);
  first[0] = 0;
  for (size_t g = 1, d = 0; g < groups; ++g) {
    while (d < kMsdDigits && start[d] < n * g / groups) ++d;
    first[g] = d;
  }
  for_parts(groups, [&](size_t g) {
    for (size_t d = first[g]; d < first[g + 1]; ++d) {
      const size_t s = start[d], m = start[d + 1] - s;
      if (m > 0) finish(sort_bucket(tmp + s, scratch + s, m, 64 - kMsdBits, false), s, m);
    }
  });
}

uint64_t* msd_sort(uint64_t* keys, uint64_t* tmp, size_t n, size_t parts) {
  std::vector<size_t> begin(parts), size(parts);
  for (size_t t = 0; t < parts; ++t) {
    begin[t] = n * t / parts;
    size[t] = n * (t + 1) / parts - begin[t];
  }
  std::vector<size_t> hist(parts * kMsdDigits, 0);
  for_parts(parts, [&](size_t t) {
    size_t* h = &hist[t * kMsdDigits];
    for (size_t i = begin[t], end = begin[t] + size[t]; i < end; ++i) ++h[msd_digit(keys[i])];
  });
  msd_sort_parts(keys, begin.data(), size.data(), parts, hist.data(), tmp, keys, [&](const uint64_t* sorted, size_t s, size_t m) {
    if (sorted != tmp + s) std::memcpy(tmp + s, sorted, m * sizeof(uint64_t));
  });
  return tmp;
}

template <typename Key>
Key* radix_sort_impl(Key* keys, Key* tmp, size_t n, size_t parts) {
  if (sizeof(Key) == sizeof(uint64_t) && n >= kMsdMinimumKeys) {
    parts = std::max<size_t>(1, std::min(parts, n));
    return reinterpret_cast<Key*>(msd_sort(reinterpret_cast<uint64_t*>(keys), reinterpret_cast<uint64_t*>(tmp), n, parts));
  }
  return lsd_sort(keys, tmp, n, parts);
}

}  // namespace

uint32_t* radix_sort(uint32_t* keys, uint32_t* tmp, size_t n, size_t parts) { return radix_sort_impl(keys, tmp, n, parts); }
uint64_t* radix_sort(uint64_t* keys, uint64_t* tmp, size_t n, size_t parts) { return radix_sort_impl(keys, tmp, n, parts); }

void msd_sort_to_doubles(const uint64_t* keys, const size_t* begin, const size_t* size, size_t parts, size_t* hist,
                         uint64_t* tmp, double* out) {
  // out's memory is the scratch of the buckets, then their doubles: a bucket's range of out is
  // only ever touched by the task that sorts it (and keys, possibly in out, are all in tmp by then).
  unsigned char* bytes = reinterpret_cast<unsigned char*>(out);
  uint64_t* scratch = reinterpret_cast<uint64_t*>(out);
  msd_sort_parts(keys, begin, size, parts, hist, tmp, scratch, [&](const uint64_t* sorted, size_t s, size_t m) {
    for (size_t i = s; i < s + m; ++i) {
      uint64_t key;
      std::memcpy(&key, sorted + (i - s), sizeof key);
      const double v = from_key<double>(key);
      std::memcpy(bytes + i * sizeof(double), &v, sizeof v);
    }
  });
}

}  // namespace mlwatch
