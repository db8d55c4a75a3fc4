// Scratch memory a kernel keeps per calling thread and reuses from call to call. Memory freed and
// taken again comes back fresh from the system, a page fault per 4 KiB (several microseconds each
// in a virtual machine): the 1-5 MB of tables a call of ksDistance, wassersteinDistance or the
// Smirnov tail took were a third to most of their time. A buffer holds the largest call's size.
// Each Tag type names one buffer. Take the reference on the calling thread, before parallel_for:
// a task that named the buffer itself would get its pool thread's own.
#pragma once

#include <vector>

namespace mlwatch {

template <typename Tag, typename T>
std::vector<T>& call_scratch() {
  thread_local std::vector<T> storage;
  return storage;
}

}  // namespace mlwatch
