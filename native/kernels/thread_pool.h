// One small pool of worker threads shared by every kernel. Work is split into numbered
// tasks by the caller; results therefore never depend on how many threads ran them.
#pragma once

#include <cstddef>
#include <functional>

namespace mlwatch {

// Number of threads that run tasks (workers plus the calling thread). Set once from
// MLWATCH_THREADS, else the cores this process may use (usable_cores.h: CPU affinity and cgroup
// CPU quota, not every CPU of the host).
int thread_count();

// Runs task(i) for every i in [0, tasks), on the pool and the calling thread, and returns when
// all are done. Tasks are handed out in index order to whichever thread asks next. Idle workers
// poll for new work for 200 µs before they sleep (not when there are more threads than usable
// cores), so the passes of one kernel, and kernels called back to back, do not pay to wake them.
// The first exception thrown by a task is rethrown here. A call made while the pool runs another
// call's tasks runs its own on the calling thread alone (never waits).
void parallel_for(size_t tasks, const std::function<void(size_t)>& task);

}  // namespace mlwatch
