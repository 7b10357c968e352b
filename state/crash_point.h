// CAPSTAN_CRASH_AT: a testing hook that SIGKILLs capstan at one journal point.
//
/// The journal protocol promises that a crash at any instant loses nothing (docs/state.md).
/// The three instants that matter around a mutating provider call are: the journal row
/// is durable but the call has not started (`before-call`); the call returned but its
/// result is not committed (`after-call`: the cloud changed, the state does not know);
/// the result is committed (`after-commit`). Crash tests need to kill capstan at exactly
/// those instants for one resource, which no external timing can do, so the store calls
/// these functions at the three points and, when CAPSTAN_CRASH_AT=<address>:<point>
/// names this one, the process kills itself with SIGKILL (no cleanup, no unlock — what
/// a power cut or the OOM killer does). Without the variable they do nothing.
/// For tests only; documented in docs/state.md and docs/reliability.md.
#pragma once

#include <cstdint>
#include <string>

namespace capstan::crash_point {

/// JournalBegin committed row `journal_id` for `address`: the `before-call` point.
void Began(int64_t journal_id, const std::string& address);
/// CommitResult for `journal_id` is about to write: the `after-call` point.
void Committing(int64_t journal_id);
/// CommitResult for `journal_id` committed: the `after-commit` point.
void Committed(int64_t journal_id);

}  // namespace capstan::crash_point
