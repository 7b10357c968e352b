// StartDetachedThread (see scheduler_threads.h): pthread_create with a stack size attribute.
#include "engine/scheduler_threads.h"

#include <pthread.h>

#include <memory>
#include <utility>

namespace capstan {
namespace {

void* Trampoline(void* arg) {
  std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(arg));
  (*fn)();
  return nullptr;
}

}  // namespace

bool StartDetachedThread(std::function<void()> fn, size_t stack_bytes) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  // A size the system refuses (below PTHREAD_STACK_MIN) leaves the default: still a thread.
  pthread_attr_setstacksize(&attr, stack_bytes);
  auto* arg = new std::function<void()>(std::move(fn));
  pthread_t thread;
  int rc = pthread_create(&thread, &attr, Trampoline, arg);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    delete arg;
    return false;
  }
  pthread_setname_np(thread, "capstan-worker");  // what top -H and gdb show
  return true;
}

}  // namespace capstan
