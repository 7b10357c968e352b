// Saved plans: `capstan plan -out FILE`, later `capstan apply FILE`.
//
/// A plan file is the complete plan (plans/plan_codec.h) wrapped in an envelope that
/// makes misuse fail loudly: a `kind` marker (a random JSON file is "not a plan file"),
/// the format version (a file from a newer capstan is refused, not misread), the id of the
/// key that sealed its secrets (a different CAPSTAN_STATE_KEY is named as such) and a
/// sha256 of the content (a truncated or edited file is "corrupt"). Every sensitive value
/// is sealed with SecretBox, so the file holds no plaintext secret; it is still written
/// 0600, through a temporary file and rename, so a crash never leaves half a plan.
#pragma once

#include <cstdint>
#include <string>

#include "engine/result.h"
#include "plans/plan.h"
#include "state/secret_box.h"

namespace capstan {

/// The `kind` field of every plan file.
inline constexpr const char* kPlanFileKind = "capstan-plan";

Status WritePlanFile(const std::string& path, const Plan& plan, const SecretBox& box);
Result<Plan> ReadPlanFile(const std::string& path, const SecretBox& box);

/// Refuses a saved plan made against other state or configuration: apply of a stale
/// plan would execute decisions taken for a world that no longer exists.
Status CheckPlanCurrent(const Plan& plan, const std::string& lineage, int64_t serial,
                        const std::string& config_hash);

}  // namespace capstan
