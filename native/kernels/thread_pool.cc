#include "kernels/thread_pool.h"

#include "kernels/usable_cores.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mlwatch {

namespace {

int configured_threads() {
  const char* env = std::getenv("MLWATCH_THREADS");
  if (env != nullptr) {
    int n = std::atoi(env);
    if (n >= 1 && n <= 1024) return n;
  }
  return static_cast<int>(std::min(usable_cores(), 256u));
}

// How long an idle worker, and a caller waiting for its workers, poll before sleeping. A kernel
// makes several parallel_for calls a few microseconds to a few hundred apart (a serial step
// between two parallel passes), and ksTest makes two kernel calls back to back: waking a sleeping
// thread costs the caller a futex system call (tens of microseconds in a virtual machine, 8-11 %
// of a 2-thread ksDistance or smirnovSf before this) and the worker as long again to start. The
// poll is short enough that an idle process costs nothing measurable.
constexpr auto kPollFor = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Polls done() for up to kPollFor; true when it became true.
template <typename Done>
bool poll_for(Done done) {
  const auto until = std::chrono::steady_clock::now() + kPollFor;
  for (unsigned i = 1;; ++i) {
    if (done()) return true;
    cpu_relax();
    if (i % 64 == 0 && std::chrono::steady_clock::now() >= until) return false;
  }
}

class Pool {
 public:
  explicit Pool(int threads) {
    // Polling threads would take the cores from the ones with work when there are more threads
    // than cores (MLWATCH_THREADS set high on a small machine, or in a container with a CPU
    // quota): then they sleep at once.
    poll_ = static_cast<unsigned>(threads) <= usable_cores();
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
  }

  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_.store(true);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

  void run(size_t tasks, const std::function<void(size_t)>& task) {
    // One job at a time. A call that finds the pool busy (an async job's kernel on a worker
    // thread, say) runs its tasks on its own thread rather than wait for that whole job: a sync
    // call from the event loop must not stall behind a long async one.
    std::unique_lock<std::mutex> one_job_at_a_time(job_mutex_, std::try_to_lock);
    if (!one_job_at_a_time.owns_lock()) {
      for (size_t i = 0; i < tasks; ++i) task(i);
      return;
    }
    // Every worker has finished the previous job (pending_ reached 0), so none reads these now.
    task_ = &task;
    tasks_ = tasks;
    next_.store(0);
    pending_.store(workers_.size());
    error_ = nullptr;
    bool sleepers;
    {
      // Under the mutex: a worker going to sleep checks the generation under it too, so it either
      // sees the new one or is counted in sleepers_ before this reads it.
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
      sleepers = sleepers_ > 0;
    }
    if (sleepers) wake_.notify_all();
    drain();
    auto all_done = [this] { return pending_.load(std::memory_order_acquire) == 0; };
    if (!(poll_ && poll_for(all_done))) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, all_done);
    }
    task_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void drain() {
    for (;;) {
      size_t i = next_.fetch_add(1);
      if (i >= tasks_) return;
      try {
        (*task_)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
        next_.store(tasks_);  // stop handing out work
      }
    }
  }

  void worker_loop() {
    size_t seen = 0;
    auto woken = [&] { return stopping_.load() || generation_.load(std::memory_order_acquire) != seen; };
    for (;;) {
      if (!(poll_ && poll_for(woken))) {
        std::unique_lock<std::mutex> lock(mutex_);
        ++sleepers_;
        wake_.wait(lock, woken);
        --sleepers_;
      }
      if (stopping_.load()) return;
      seen = generation_.load(std::memory_order_acquire);
      drain();
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // The lock orders this after the caller's check of pending_ when it goes to sleep.
        std::lock_guard<std::mutex> lock(mutex_);
        done_.notify_one();
      }
    }
  }

  std::vector<std::thread> workers_;
  bool poll_ = true;
  std::mutex job_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(size_t)>* task_ = nullptr;
  size_t tasks_ = 0;
  std::atomic<size_t> next_{0};
  std::atomic<size_t> pending_{0};
  std::atomic<size_t> generation_{0};
  size_t sleepers_ = 0;  // workers waiting on wake_ (under mutex_)
  std::atomic<bool> stopping_{false};
  std::exception_ptr error_;
};

Pool& pool() {
  static Pool instance(thread_count());
  return instance;
}

}  // namespace

int thread_count() {
  static const int n = configured_threads();
  return n;
}

void parallel_for(size_t tasks, const std::function<void(size_t)>& task) {
  if (tasks == 0) return;
  if (tasks == 1 || thread_count() == 1) {
    for (size_t i = 0; i < tasks; ++i) task(i);
    return;
  }
  pool().run(tasks, task);
}

}  // namespace mlwatch
