// How many cores this process may use: the CPUs of its affinity mask (taskset, a container's
// cpuset), capped by a cgroup CPU quota (docker --cpus, a Kubernetes CPU limit), rounded up.
// std::thread::hardware_concurrency() counts every CPU of the host instead: a pool sized by it in
// a container limited to 2 CPUs of a 64-core host would run 64 threads, and its polling workers
// would spend the quota that the ones with work need.
#pragma once

#include <string>

namespace mlwatch {

// The cores this process may use, at least 1 (hardware_concurrency() where nothing can be read).
unsigned usable_cores();

// A cgroup v2 cpu.max file's text ("max 100000", "150000 100000") as whole cores, rounded up;
// 0 when it sets no limit or cannot be read.
unsigned cores_of_cpu_max(const std::string& text);

// A cgroup v1 quota and period (cpu.cfs_quota_us, cpu.cfs_period_us) as whole cores, rounded up;
// 0 when the quota is -1 (no limit) or either is not positive.
unsigned cores_of_cfs_quota(long long quota, long long period);

}  // namespace mlwatch
