// WaitUntil: polling an OpenStack object until it reaches a state, the way every
// asynchronous API (Nova boot, Glance import, Cinder create, deletes) needs it.
//
/// One loop, so that every wait in the provider reports the same sub-step progress
/// ("server BUILD, 12s"), stops promptly on the second Ctrl-C and gives up after its
/// timeout with an error that says what it waited for and the last status seen.
#pragma once

#include <functional>
#include <string>

#include "engine/result.h"
#include "providers/provider.h"

namespace capstan::openstack {

/// One observation of the object being waited for.
struct WaitStep {
  bool done = false;
  std::string status;  ///< Shown in progress and in the timeout error ("BUILD").
};

struct WaitSpec {
  std::string what;  ///< "server ACTIVE", "network deleted".
  int timeout_seconds = 600;
  int first_interval_ms = 500;  ///< Doubles per poll up to max_interval_ms.
  int max_interval_ms = 5000;
};

/// Calls `poll` until it reports done, fails, the timeout passes or the run is
/// cancelled. A failing poll (e.g. the server went to ERROR) ends the wait with its error.
Status WaitUntil(const CallContext& ctx, const WaitSpec& spec,
                 const std::function<Result<WaitStep>()>& poll);

}  // namespace capstan::openstack
