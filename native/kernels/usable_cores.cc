#include "kernels/usable_cores.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#if defined(__linux__)
#include <sched.h>
#endif

namespace mlwatch {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

long long read_number(const std::string& path) {
  std::istringstream in(read_file(path));
  long long n = 0;
  return (in >> n) ? n : 0;
}

// The tightest cgroup v2 quota on this process's cgroup and its parents, 0 if none.
unsigned cgroup_v2_cores() {
  // /proc/self/cgroup holds "0::/the/path" on a cgroup v2 system (the path is "/" inside a
  // container with its own cgroup namespace)
  std::istringstream lines(read_file("/proc/self/cgroup"));
  std::string line, path;
  while (std::getline(lines, line))
    if (line.rfind("0::", 0) == 0) path = line.substr(3);
  if (path.empty() || path[0] != '/') return 0;
  unsigned cores = 0;
  for (;;) {
    const unsigned here = cores_of_cpu_max(read_file("/sys/fs/cgroup" + (path == "/" ? std::string() : path) + "/cpu.max"));
    if (here > 0) cores = cores == 0 ? here : std::min(cores, here);
    if (path == "/") break;
    const size_t slash = path.find_last_of('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return cores;
}

unsigned cgroup_v1_cores() {
  for (const char* dir : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
    const std::string d(dir);
    const unsigned cores = cores_of_cfs_quota(read_number(d + "/cpu.cfs_quota_us"), read_number(d + "/cpu.cfs_period_us"));
    if (cores > 0) return cores;
  }
  return 0;
}

unsigned affinity_cores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(CPU_COUNT(&set));
#endif
  return 0;
}

}  // namespace

unsigned cores_of_cpu_max(const std::string& text) {
  std::istringstream in(text);
  std::string quota;
  long long period = 0;
  if (!(in >> quota >> period) || quota == "max") return 0;
  long long q = 0;
  std::istringstream number(quota);
  if (!(number >> q)) return 0;
  return cores_of_cfs_quota(q, period);
}

unsigned cores_of_cfs_quota(long long quota, long long period) {
  if (quota <= 0 || period <= 0) return 0;
  const long long cores = (quota + period - 1) / period;
  return static_cast<unsigned>(std::min<long long>(cores, 1 << 20));
}

unsigned usable_cores() {
  unsigned cores = affinity_cores();
  if (cores == 0) cores = std::thread::hardware_concurrency();
  for (const unsigned limit : {cgroup_v2_cores(), cgroup_v1_cores()})
    if (limit > 0) cores = cores == 0 ? limit : std::min(cores, limit);
  return std::max(cores, 1u);
}

}  // namespace mlwatch
