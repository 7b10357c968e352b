// StartDetachedThread: a detached worker thread with a small stack.
//
/// The scheduler runs one thread per unit of parallelism, and a wide apply asks for a
/// thousand. std::thread gives each the process default stack (8 MiB, from RLIMIT_STACK)
/// and must be joined. Workers only pick jobs and call runners, so a smaller stack is
/// plenty; the threads live in WorkerPool (scheduler_pool.h), which keeps them parked
/// between runs, so nothing needs joining.
#pragma once

#include <cstddef>
#include <functional>

namespace capstan {

/// Stack size of scheduler workers: room for provider calls (HTTP, JSON, YAML) with margin.
inline constexpr size_t kWorkerStackBytes = 1024 * 1024;

/// Starts `fn` on a new detached thread with a `stack_bytes` stack. Returns false (and
/// runs nothing) if the thread cannot be created, e.g. at the process's thread limit.
bool StartDetachedThread(std::function<void()> fn, size_t stack_bytes = kWorkerStackBytes);

}  // namespace capstan
