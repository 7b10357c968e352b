// Lossless JSON encoding of a Plan (see plans/plan_codec.h).
//
/// Field names match PlanToJson where the two overlap, so a reader of one recognises
/// the other, but this form is private to capstan: it may change with kPlanFormatVersion
/// and is only read back by DecodePlan.
#include "plans/plan_codec.h"

#include <utility>

namespace capstan {
namespace {

Value ProtectAttrs(const Value& attrs, const std::set<std::string>& sensitive,
                   const ProtectFn& protect) {
  if (!attrs.is_object()) return attrs;
  Value out = attrs;
  for (const std::string& name : sensitive) {
    if (out.contains(name)) out[name] = protect(out[name]);
  }
  return out;
}

Value EncodeAttributeChanges(const std::vector<AttributeChange>& attrs, const ProtectFn& protect) {
  Value out = Value::array();
  for (const AttributeChange& a : attrs) {
    out.push_back({{"path", a.path},
                   {"before", a.sensitive ? protect(a.before) : a.before},
                   {"after", a.sensitive ? protect(a.after) : a.after},
                   {"sensitive", a.sensitive},
                   {"forces_replacement", a.forces_replacement}});
  }
  return out;
}

Value EncodeChange(const ResourceChange& c, const ProtectFn& protect) {
  return {{"address", c.address.ToString()},
          {"type", c.type},
          {"provider", c.provider},
          {"action", ActionName(c.action)},
          {"id", c.id},
          {"deposed_key", c.deposed_key},
          {"before", ProtectAttrs(c.before, c.sensitive, protect)},
          {"after", ProtectAttrs(c.after, c.sensitive, protect)},
          {"sensitive", c.sensitive},
          {"attributes", EncodeAttributeChanges(c.attributes, protect)},
          {"replace_because", c.replace_because},
          {"reason", c.reason},
          {"dependencies", c.dependencies},
          {"prior_dependencies", c.prior_dependencies},
          {"ignored", c.ignored},
          {"create_before_destroy", c.create_before_destroy},
          {"prevent_destroy", c.prevent_destroy}};
}

/// Decodes one document, collecting errors instead of stopping at the first. JSON type
/// errors throw (nlohmann) and are translated by DecodePlan.
class Decoder {
 public:
  explicit Decoder(const RevealFn& reveal) : reveal_(reveal) {}

  Plan Decode(const Value& d) {
    Plan p;
    p.format_version = d.at("format_version").get<std::string>();
    p.capstan_version = d.at("capstan_version").get<std::string>();
    p.stack = d.at("stack").get<std::string>();
    p.mode = Mode(d.at("mode").get<std::string>());
    p.lineage = d.at("lineage").get<std::string>();
    p.serial = d.at("serial").get<int64_t>();
    p.config_hash = d.at("config_hash").get<std::string>();
    p.sensitive_variables = d.at("sensitive_variables").get<std::set<std::string>>();
    for (const auto& [name, value] : d.at("variables").items()) {
      p.variables[name] = p.sensitive_variables.count(name) ? Reveal(value) : value;
    }
    p.targets = d.at("targets").get<std::vector<std::string>>();
    p.excludes = d.at("excludes").get<std::vector<std::string>>();
    p.refreshed = d.at("refreshed").get<bool>();
    for (const Value& c : d.at("changes")) p.changes.push_back(Change(c));
    for (const Value& n : d.at("exec")) {
      ExecNode node;
      node.id = n.at("id").get<int>();
      node.op = Op(n.at("op").get<std::string>());
      node.change = n.at("change").get<int>();
      node.after = n.at("after").get<std::vector<int>>();
      p.exec.push_back(std::move(node));
    }
    for (const Value& o : d.at("outputs")) {
      OutputChange out;
      out.name = o.at("name").get<std::string>();
      out.sensitive = o.at("sensitive").get<bool>();
      out.removed = o.at("removed").get<bool>();
      out.before = out.sensitive ? Reveal(o.at("before")) : o.at("before");
      out.after = out.sensitive ? Reveal(o.at("after")) : o.at("after");
      p.outputs.push_back(std::move(out));
    }
    for (const Value& e : d.at("drift")) {
      DriftEntry entry;
      entry.address = ParseAddress(e.at("address").get<std::string>());
      entry.type = e.at("type").get<std::string>();
      entry.deleted = e.at("deleted").get<bool>();
      entry.attributes = Attributes(e.at("attributes"));
      entry.ignored = e.at("ignored").get<std::vector<std::string>>();
      p.drift.push_back(std::move(entry));
    }
    return p;
  }

  Diagnostics& diags() { return diags_; }

 private:
  ResourceChange Change(const Value& v) {
    ResourceChange c;
    c.address = ParseAddress(v.at("address").get<std::string>());
    c.type = v.at("type").get<std::string>();
    c.provider = v.at("provider").get<std::string>();
    c.action = ActionOf(v.at("action").get<std::string>());
    c.id = v.at("id").get<std::string>();
    c.deposed_key = v.at("deposed_key").get<std::string>();
    c.sensitive = v.at("sensitive").get<std::set<std::string>>();
    c.before = RevealAttrs(v.at("before"), c.sensitive);
    c.after = RevealAttrs(v.at("after"), c.sensitive);
    c.attributes = Attributes(v.at("attributes"));
    c.replace_because = v.at("replace_because").get<std::vector<std::string>>();
    c.reason = v.at("reason").get<std::string>();
    c.dependencies = v.at("dependencies").get<std::vector<std::string>>();
    c.prior_dependencies = v.at("prior_dependencies").get<std::vector<std::string>>();
    c.ignored = v.at("ignored").get<std::vector<std::string>>();
    c.create_before_destroy = v.at("create_before_destroy").get<bool>();
    c.prevent_destroy = v.at("prevent_destroy").get<bool>();
    return c;
  }

  std::vector<AttributeChange> Attributes(const Value& v) {
    std::vector<AttributeChange> out;
    for (const Value& a : v) {
      AttributeChange ac;
      ac.path = a.at("path").get<std::string>();
      ac.sensitive = a.at("sensitive").get<bool>();
      ac.forces_replacement = a.at("forces_replacement").get<bool>();
      ac.before = ac.sensitive ? Reveal(a.at("before")) : a.at("before");
      ac.after = ac.sensitive ? Reveal(a.at("after")) : a.at("after");
      out.push_back(std::move(ac));
    }
    return out;
  }

  Value RevealAttrs(const Value& attrs, const std::set<std::string>& sensitive) {
    if (!attrs.is_object()) return attrs;
    Value out = attrs;
    for (const std::string& name : sensitive) {
      if (out.contains(name)) out[name] = Reveal(out[name]);
    }
    return out;
  }

  Value Reveal(const Value& v) {
    Result<Value> r = reveal_(v);
    if (!r.ok()) {
      diags_.Append(r.diags());
      return Value();
    }
    return std::move(r).value();
  }

  Address ParseAddress(const std::string& text) {
    Result<Address> a = Address::Parse(text);
    if (!a.ok()) {
      diags_.Error("invalid resource address \"" + text + "\" in plan");
      return Address{};
    }
    return std::move(a).value();
  }

  PlanMode Mode(const std::string& s) {
    for (PlanMode m : {PlanMode::kNormal, PlanMode::kDestroy, PlanMode::kRefreshOnly}) {
      if (s == PlanModeName(m)) return m;
    }
    diags_.Error("unknown plan mode \"" + s + "\"");
    return PlanMode::kNormal;
  }

  Action ActionOf(const std::string& s) {
    for (Action a : {Action::kNoOp, Action::kCreate, Action::kUpdate, Action::kDeleteThenCreate,
                     Action::kCreateThenDelete, Action::kDelete, Action::kRead, Action::kForget}) {
      if (s == ActionName(a)) return a;
    }
    diags_.Error("unknown action \"" + s + "\"");
    return Action::kNoOp;
  }

  OpKind Op(const std::string& s) {
    for (OpKind k : {OpKind::kCreate, OpKind::kUpdate, OpKind::kDelete, OpKind::kDeleteDeposed}) {
      if (s == OpKindName(k)) return k;
    }
    diags_.Error("unknown operation \"" + s + "\"");
    return OpKind::kCreate;
  }

  const RevealFn& reveal_;
  Diagnostics diags_;
};

}  // namespace

Value EncodePlan(const Plan& p, const ProtectFn& protect) {
  Value vars = Value::object();
  for (const auto& [name, value] : p.variables) {
    vars[name] = p.sensitive_variables.count(name) ? protect(value) : value;
  }
  Value changes = Value::array();
  for (const ResourceChange& c : p.changes) changes.push_back(EncodeChange(c, protect));
  Value exec = Value::array();
  for (const ExecNode& n : p.exec) {
    exec.push_back(
        {{"id", n.id}, {"op", OpKindName(n.op)}, {"change", n.change}, {"after", n.after}});
  }
  Value outputs = Value::array();
  for (const OutputChange& o : p.outputs) {
    outputs.push_back({{"name", o.name},
                       {"before", o.sensitive ? protect(o.before) : o.before},
                       {"after", o.sensitive ? protect(o.after) : o.after},
                       {"sensitive", o.sensitive},
                       {"removed", o.removed}});
  }
  Value drift = Value::array();
  for (const DriftEntry& d : p.drift) {
    drift.push_back({{"address", d.address.ToString()},
                     {"type", d.type},
                     {"deleted", d.deleted},
                     {"attributes", EncodeAttributeChanges(d.attributes, protect)},
                     {"ignored", d.ignored}});
  }
  return {{"format_version", p.format_version},
          {"capstan_version", p.capstan_version},
          {"stack", p.stack},
          {"mode", PlanModeName(p.mode)},
          {"lineage", p.lineage},
          {"serial", p.serial},
          {"config_hash", p.config_hash},
          {"variables", vars},
          {"sensitive_variables", p.sensitive_variables},
          {"targets", p.targets},
          {"excludes", p.excludes},
          {"refreshed", p.refreshed},
          {"changes", changes},
          {"exec", exec},
          {"outputs", outputs},
          {"drift", drift}};
}

Result<Plan> DecodePlan(const Value& doc, const RevealFn& reveal) {
  Decoder decoder(reveal);
  Plan plan;
  try {
    plan = decoder.Decode(doc);
  } catch (const nlohmann::json::exception& e) {
    return Result<Plan>::Fail("the plan is malformed", e.what());
  }
  if (decoder.diags().HasErrors()) return decoder.diags();
  return plan;
}

}  // namespace capstan
