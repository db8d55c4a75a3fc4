// Column sorting on the device, shared by sortColumns, the drift measurement and quantiles.
#pragma once

#include <cstddef>

#include "cuda/device.h"

namespace mlwatch {
namespace cuda {

// Which values a sort keeps: sortColumns drops NaN and ±Infinity; quantiles drop only NaN (and
// then report NaN, as numpy.quantile does).
enum class Keep { Finite, NotNan };

// Sorts columns [first, first + width) of a row-major host matrix (rows x cols) on the device.
// Column k's kept values land ascending, as float64, at d_values[k * rows, + counts[k]); the rest
// of its slot is NaN. counts (host, width values) receives how many values each column kept.
// The order of the values is the CPU kernel's (the same order-preserving integer keys), so the
// results are bit-identical to it; -0 sorts before +0.
template <typename T>
void sort_on_device(Session& s, const T* data, size_t rows, size_t cols, size_t first, size_t width, Keep keep,
                    double* d_values, double* counts);

// How many columns of `rows` values one sort_on_device call can take with the device's free
// memory, keeping `extra_per_column` more bytes per column; at least 1, at most width. Throws a
// clear error when not even one column fits.
template <typename T>
size_t sortable_columns(Session& s, size_t rows, size_t width, size_t extra_per_column);

}  // namespace cuda
}  // namespace mlwatch
