// Plain C++ tests of native/kernels/usable_cores (no Node): the cgroup quota texts as cores, and
// the affinity mask as the bound (this test pins itself to one CPU, then to all it had).
#include <cstdio>
#include <string>
#include <thread>

#include "kernels/usable_cores.h"

#if defined(__linux__)
#include <sched.h>
#endif

static int failures = 0;

static void check(bool ok, const std::string& what) {
  if (!ok) {
    std::printf("FAIL: %s\n", what.c_str());
    ++failures;
  }
}

int main() {
  using mlwatch::cores_of_cfs_quota;
  using mlwatch::cores_of_cpu_max;
  check(cores_of_cpu_max("max 100000\n") == 0, "cpu.max without a limit");
  check(cores_of_cpu_max("150000 100000\n") == 2, "1.5 CPUs round up to 2");
  check(cores_of_cpu_max("50000 100000") == 1, "half a CPU is 1");
  check(cores_of_cpu_max("400000 100000") == 4, "4 CPUs");
  check(cores_of_cpu_max("") == 0 && cores_of_cpu_max("garbage") == 0 && cores_of_cpu_max("100000") == 0, "unreadable text: no limit");
  check(cores_of_cfs_quota(-1, 100000) == 0, "cgroup v1 quota -1: no limit");
  check(cores_of_cfs_quota(250000, 100000) == 3, "cgroup v1 2.5 CPUs round up to 3");
  check(cores_of_cfs_quota(100000, 0) == 0, "a zero period: no limit");
  const unsigned all = mlwatch::usable_cores();
  check(all >= 1, "at least one core");
#if defined(__linux__)
  cpu_set_t had;
  if (sched_getaffinity(0, sizeof had, &had) == 0) {
    check(all <= static_cast<unsigned>(CPU_COUNT(&had)), "no more than the affinity mask holds");
    int first = 0;
    while (!CPU_ISSET(first, &had)) ++first;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    if (sched_setaffinity(0, sizeof one, &one) == 0) {
      check(mlwatch::usable_cores() == 1, "pinned to one CPU: 1 core");
      sched_setaffinity(0, sizeof had, &had);
    }
  }
#endif
  if (failures) {
    std::printf("%d failed\n", failures);
    return 1;
  }
  std::printf("usable_cores tests: all passed (%u usable here, %u on the host)\n", all, std::thread::hardware_concurrency());
  return 0;
}
