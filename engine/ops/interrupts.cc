// Signal handling: a self-pipe and a watcher thread forward Ctrl-C to the scheduler.
#include "engine/ops/interrupts.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "engine/scheduler.h"

namespace capstan::interrupts {
namespace {

int g_pipe[2] = {-1, -1};
std::atomic<int> g_count{0};
std::mutex g_mu;
Scheduler* g_active = nullptr;

void Handler(int) {
  char c = 1;
  ssize_t n = write(g_pipe[1], &c, 1);
  (void)n;
}

void Watch() {
  char c;
  while (read(g_pipe[0], &c, 1) == 1) {
    int n = ++g_count;
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_active) {
      g_active->Interrupt();
    } else if (n >= 1) {
      // Nothing is running that could be drained: behave like the default action.
      _exit(130);
    }
  }
}

}  // namespace

void Install() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (pipe(g_pipe) != 0) return;
    fcntl(g_pipe[1], F_SETFL, O_NONBLOCK);
    struct sigaction sa {};
    sa.sa_handler = Handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::thread(Watch).detach();
  });
}

void SetActive(Scheduler* s) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_active = s;
}

int Count() { return g_count.load(); }

}  // namespace capstan::interrupts
