// Ctrl-C handling for long runs.
//
/// Install() sets SIGINT/SIGTERM handlers that only write to a self-pipe; a watcher
/// thread turns signals into calls on the active Scheduler: the first signal drains
/// (start nothing new, finish what runs, save), the second aborts in-flight calls via
/// the cancel flag providers observe. Outside a run a signal exits as usual.
#pragma once

namespace capstan {

class Scheduler;

namespace interrupts {

void Install();
/// The scheduler that receives interrupts while it runs (nullptr to clear).
void SetActive(Scheduler* s);
/// Number of signals received since Install().
int Count();

}  // namespace interrupts
}  // namespace capstan
