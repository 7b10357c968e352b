// Batched, parallel refresh and drift comparison.
#include "engine/ops/refresh.h"

#include <mutex>

#include "engine/ops/refresh_order.h"
#include "engine/scheduler.h"

namespace capstan {
namespace {

constexpr size_t kChunk = 100;  ///< Instances per ReadMany call.

}  // namespace

std::vector<AttributeChange> CompareAttributes(const Value& before, const Value& after,
                                               const std::set<std::string>& sensitive,
                                               const std::set<std::string>& ignored,
                                               std::vector<std::string>* skipped) {
  std::vector<AttributeChange> out;
  std::set<std::string> keys;
  if (before.is_object()) {
    for (auto it = before.begin(); it != before.end(); ++it) keys.insert(it.key());
  }
  if (after.is_object()) {
    for (auto it = after.begin(); it != after.end(); ++it) keys.insert(it.key());
  }
  for (const auto& k : keys) {
    Value b = before.is_object() && before.contains(k) ? before[k] : Value();
    Value a = after.is_object() && after.contains(k) ? after[k] : Value();
    if (b == a) continue;
    if (ignored.count(k) || ignored.count("*")) {
      if (skipped) skipped->push_back(k);
      continue;
    }
    AttributeChange c;
    c.path = k;
    c.before = b;
    c.after = a;
    c.sensitive = sensitive.count(k) > 0;
    out.push_back(std::move(c));
  }
  return out;
}

RefreshResult Refresh(Workspace& ws, const std::vector<InstanceState>& instances,
                      const std::map<std::string, std::set<std::string>>& ignore, int parallelism) {
  RefreshResult result;
  // Group by provider and type, then cut into chunks.
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> groups;
  for (size_t i = 0; i < instances.size(); ++i) {
    groups[{instances[i].provider, instances[i].type}].push_back(i);
  }
  std::vector<RefreshChunk> chunks;
  for (auto& [key, members] : groups) {
    for (size_t start = 0; start < members.size(); start += kChunk) {
      RefreshChunk c{key.first, key.second, {}};
      size_t end = std::min(members.size(), start + kChunk);
      c.members.assign(members.begin() + start, members.begin() + end);
      chunks.push_back(std::move(c));
    }
  }

  std::vector<std::optional<ObjectState>> read(instances.size());
  std::vector<bool> failed(instances.size(), false);
  std::mutex mu;
  SchedulerOptions sopts;
  sopts.parallelism = std::max(1, parallelism);
  std::vector<bool> enables(chunks.size(), false);
  for (size_t i = 0; i < chunks.size(); ++i) {
    auto type = ws.GetType(chunks[i].provider, chunks[i].type);
    enables[i] = type.ok() && type.value()->ReadEnablesDependents();
  }
  auto order = RefreshChunkOrder(instances, chunks, enables);
  std::vector<Job> jobs;
  for (size_t i = 0; i < chunks.size(); ++i) {
    Job j;
    j.id = static_cast<int>(i);
    j.pool = chunks[i].provider;
    j.after = order[i];
    jobs.push_back(j);
    auto p = ws.GetProvider(chunks[i].provider);
    if (p.ok() && p.value()->MaxConcurrency() > 0) {
      sopts.pools[chunks[i].provider] = p.value()->MaxConcurrency();
    }
  }
  Scheduler sched(sopts);
  ScheduleResult ran = sched.Run(jobs, [&](const Job& job) {
    const RefreshChunk& c = chunks[job.id];
    auto type = ws.GetType(c.provider, c.type);
    if (!type.ok()) {
      std::lock_guard<std::mutex> lock(mu);
      for (size_t m : c.members) {
        failed[m] = true;
        for (auto d : type.diags().items()) {
          d.address = instances[m].address.ToString();
          result.diags.Add(d);
        }
      }
      return false;
    }
    std::vector<ObjectState> priors;
    for (size_t m : c.members) {
      priors.push_back(ObjectState{instances[m].id, instances[m].attributes});
      ws.events().OnEvent(Event::Of(Event::Kind::kRefreshStart, instances[m].address.ToString()));
    }
    CallContext ctx;
    ctx.stack = ws.stack();
    ctx.cancel = sched.cancel_flag();
    for (size_t m : c.members) ctx.addresses.push_back(instances[m].address);
    auto answers = type.value()->ReadMany(ctx, priors);
    std::lock_guard<std::mutex> lock(mu);
    for (size_t k = 0; k < c.members.size(); ++k) {
      size_t m = c.members[k];
      std::string addr = instances[m].address.ToString();
      if (k >= answers.size() || !answers[k].ok()) {
        failed[m] = true;
        Diagnostics d = k < answers.size() ? answers[k].diags() : Diagnostics();
        if (d.empty()) d.Error("provider returned no answer for this object");
        for (auto item : d.items()) {
          item.address = addr;
          item.summary = "refresh failed: " + item.summary;
          result.diags.Add(item);
        }
        continue;
      }
      read[m] = answers[k].value();
      ws.events().OnEvent(Event::Of(Event::Kind::kRefreshDone, addr));
    }
    return true;
  });
  // A chunk skipped because the one it waits for could not run at all (its type is
  // unknown) was not read: keep what state knows, and say why.
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (i >= ran.outcomes.size() || ran.outcomes[i] != JobOutcome::kSkipped) continue;
    for (size_t m : chunks[i].members) {
      failed[m] = true;
      Diagnostic d;
      d.severity = Severity::kError;
      d.summary = "refresh failed: not read, because what it depends on could not be read";
      d.address = instances[m].address.ToString();
      result.diags.Add(d);
    }
  }

  for (size_t i = 0; i < instances.size(); ++i) {
    const InstanceState& prior = instances[i];
    if (failed[i]) {
      result.instances.push_back(prior);  // keep what we know
      continue;
    }
    std::string addr = prior.address.ToString();
    if (!read[i]) {
      DriftEntry e;
      e.address = prior.address;
      e.type = prior.type;
      e.deleted = true;
      result.drift.push_back(std::move(e));
      continue;
    }
    InstanceState now = prior;
    now.id = read[i]->id.empty() ? prior.id : read[i]->id;
    now.attributes = read[i]->attributes;
    std::set<std::string> lifecycle_ignored, controller_owned;
    auto it = ignore.find(addr);
    if (it != ignore.end()) lifecycle_ignored = it->second;
    auto type = ws.GetType(prior.provider, prior.type);
    if (type.ok()) {
      const auto& owned = type.value()->schema().controller_owned;
      controller_owned.insert(owned.begin(), owned.end());
    }
    std::set<std::string> ignored = lifecycle_ignored;
    ignored.insert(controller_owned.begin(), controller_owned.end());
    DriftEntry e;
    e.address = prior.address;
    e.type = prior.type;
    std::vector<std::string> skipped;
    e.attributes =
        CompareAttributes(prior.attributes, now.attributes, prior.sensitive, ignored, &skipped);
    for (const std::string& name : skipped) {
      // The controller is the better explanation when both apply: it will change again.
      if (controller_owned.count(name)) {
        e.ignored.push_back(name + " (controller-owned)");
      } else if (lifecycle_ignored.count(name)) {
        e.ignored.push_back(name + " (lifecycle.ignore_changes)");
      } else {
        e.ignored.push_back(name + " (lifecycle.ignore_changes = all)");
      }
    }
    if (!e.ignored.empty() && prior.deposed_key.empty()) result.ignored[addr] = e.ignored;
    if (!e.attributes.empty()) result.drift.push_back(std::move(e));
    result.instances.push_back(std::move(now));
  }
  return result;
}

}  // namespace capstan
