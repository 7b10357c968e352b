// The shared Neutron life cycle: marks, adoption, batched refresh (see neutron_type.h).
#include "providers/openstack/neutron_type.h"

#include <algorithm>
#include <map>
#include <utility>

#include "providers/attr_builder.h"
#include "providers/openstack/fields.h"
#include "providers/openstack/marks.h"

namespace capstan::openstack {
namespace {

/// Keys the base class manages itself.
bool IsCommonKey(const std::string& k) {
  return k == "id" || k == "description" || k == "tags" || k == "owned";
}

}  // namespace

ResourceSchema WithNeutronCommon(ResourceSchema s, bool taggable) {
  s.attributes.push_back(Attr("id", "The object's UUID.").Computed());
  s.attributes.push_back(
      Attr("description", "Free text; capstan keeps its ownership marks in front of it.")
          .Optional()
          .Default(""));
  if (taggable) {
    s.attributes.push_back(
        Attr("tags", "Your own tags (capstan adds its marks as well).", AttrType::kList)
            .Optional()
            .Default(Value::array()));
  }
  s.attributes.push_back(
      Attr("owned", "True while the object carries capstan's ownership marks.", AttrType::kBool)
          .Computed());
  return s;
}

NeutronType::NeutronType(Session& session, NeutronKind kind, ResourceSchema schema)
    : session_(session), kind_(std::move(kind)), schema_(std::move(schema)) {}

std::string NeutronType::Path(const std::string& id) const {
  std::string p = "/v2.0/" + kind_.plural;
  if (!id.empty()) p += "/" + id;
  return p;
}

bool NeutronType::Owned(const CallContext& ctx, const Value& object) const {
  if (kind_.taggable && object.contains("tags") && HasMarkTags(object["tags"], ctx)) return true;
  return HasMarkDescription(Str(object, "description"), ctx);
}

Value NeutronType::PlanAttributes(const Value& props, const ObjectState* prior) const {
  Value planned = ResourceType::PlanAttributes(props, prior);
  planned["owned"] = true;
  if (planned.contains("tags")) planned["tags"] = SortedTags(planned["tags"]);
  return planned;
}

Result<Value> NeutronType::CreateBody(const CallContext& /*ctx*/, const Value& props) {
  Value body = Value::object();
  for (const AttrSchema& a : schema_.attributes) {
    if (!schema_.IsInput(a.name) || IsCommonKey(a.name) || !IsSet(props, a.name)) continue;
    body[a.name] = props[a.name];
  }
  return body;
}

Value NeutronType::UpdateBody(const CallContext& /*ctx*/, const Value& prior, const Value& props) {
  Value body = Value::object();
  for (const AttrSchema& a : schema_.attributes) {
    if (!schema_.IsInput(a.name) || a.force_new || IsCommonKey(a.name)) continue;
    if (!IsSet(props, a.name)) continue;
    if (prior.is_object() && prior.contains(a.name) && prior[a.name] == props[a.name]) continue;
    body[a.name] = props[a.name];
  }
  return body;
}

Value NeutronType::ToAttributes(const CallContext& ctx, const Value& object) {
  Value attrs = Value::object();
  for (const AttrSchema& a : schema_.attributes) {
    if (IsCommonKey(a.name)) continue;
    attrs[a.name] = object.contains(a.name) ? object[a.name] : Value(nullptr);
  }
  attrs["id"] = Str(object, "id");
  attrs["description"] = UserDescription(Str(object, "description"));
  if (kind_.taggable) attrs["tags"] = UserTags(object.value("tags", Value::array()));
  attrs["owned"] = Owned(ctx, object);
  return attrs;
}

std::string NeutronType::AdoptQuery(const CallContext& ctx, const Value& props) {
  if (IsSet(props, "name") && props["name"].is_string()) {
    return "name=" + PercentEncode(props["name"].get<std::string>());
  }
  return ListQuery(ctx);
}

std::string NeutronType::ListQuery(const CallContext& ctx) {
  if (kind_.taggable) return "tags=" + PercentEncode(MarkTags(ctx)[0]);
  auto token = session_.CurrentToken(ctx.cancel);
  return token.ok() ? "project_id=" + token->project_id : std::string();
}

Status NeutronType::AfterCreate(const CallContext&, const Value&, const Value&) { return {}; }
Status NeutronType::AfterUpdate(const CallContext&, const Value&, const Value&, const Value&) {
  return {};
}
Status NeutronType::BeforeDelete(const CallContext&, const ObjectState&) { return {}; }
bool NeutronType::Adoptable(const CallContext&, const Value&, const Value&) { return true; }
Status NeutronType::Complete(const CallContext&, const std::vector<ObjectState*>&,
                             const std::vector<const Value*>&) {
  return {};
}

Result<ObjectState> NeutronType::Finish(const CallContext& ctx, ObjectState object,
                                        const Value& shape) {
  Status st = Complete(ctx, {&object}, {&shape});
  if (st.HasErrors()) return st;
  return object;
}

Result<std::optional<Value>> NeutronType::Fetch(const CallContext& ctx, const std::string& id) {
  ApiCall call = ApiCall::Get("network", Path(id));
  call.ok_statuses = {404};
  auto resp = session_.Json(call, ctx.cancel);
  if (!resp.ok()) return resp.diags();
  if (!resp->is_object() || !resp->contains(kind_.singular)) return std::optional<Value>();
  return std::optional<Value>((*resp)[kind_.singular]);
}

Result<ObjectState> NeutronType::Reread(const CallContext& ctx, const std::string& id) {
  auto obj = Fetch(ctx, id);
  if (!obj.ok()) return obj.diags();
  if (!obj->has_value()) {
    return Result<ObjectState>::Fail(kind_.singular + " " + id +
                                     " vanished right after it was written");
  }
  return ObjectState{id, ToAttributes(ctx, **obj)};
}

Result<std::optional<ObjectState>> NeutronType::Read(const CallContext& ctx,
                                                     const ObjectState& prior) {
  auto obj = Fetch(ctx, prior.id);
  if (!obj.ok()) return obj.diags();
  if (!obj->has_value()) return std::optional<ObjectState>();
  auto done = Finish(ctx, ObjectState{prior.id, ToAttributes(ctx, **obj)}, prior.attributes);
  if (!done.ok()) return done.diags();
  return std::optional<ObjectState>(std::move(*done));
}

std::vector<Result<std::optional<ObjectState>>> NeutronType::ReadMany(
    const CallContext& ctx, const std::vector<ObjectState>& priors) {
  std::vector<Result<std::optional<ObjectState>>> out;
  auto listed = session_.List(ApiCall::Get("network", Path() + "?" + ListQuery(ctx)),
                              kind_.list_key, ctx.cancel);
  if (!listed.ok()) {
    for (size_t i = 0; i < priors.size(); ++i) out.push_back(listed.diags());
    return out;
  }
  std::map<std::string, const Value*> by_id;
  for (const Value& o : *listed) by_id[Str(o, "id")] = &o;
  std::vector<ObjectState*> found;
  std::vector<const Value*> shapes;
  for (size_t i = 0; i < priors.size(); ++i) {
    const ObjectState& prior = priors[i];
    CallContext one = ctx.ForInstance(i);
    auto it = by_id.find(prior.id);
    if (it != by_id.end()) {
      out.push_back(
          std::optional<ObjectState>(ObjectState{prior.id, ToAttributes(one, *it->second)}));
    } else {
      out.push_back(Read(one, prior));  // Not marked any more, or gone: ask directly.
    }
  }
  for (size_t i = 0; i < priors.size(); ++i) {
    if (by_id.count(priors[i].id) == 0) continue;  // Read finished it.
    found.push_back(&**out[i]);
    shapes.push_back(&priors[i].attributes);
  }
  if (!found.empty()) {
    Status st = Complete(ctx, found, shapes);
    if (st.HasErrors()) {
      for (size_t i = 0; i < priors.size(); ++i) {
        if (by_id.count(priors[i].id) != 0) out[i] = st;
      }
    }
  }
  return out;
}

Status NeutronType::EnsureTags(const CallContext& ctx, const Value& object, const Value& props) {
  if (!kind_.taggable) return {};
  Value want = Value::array();
  for (const std::string& t : MarkTags(ctx)) want.push_back(t);
  if (IsSet(props, "tags")) {
    for (const Value& t : props["tags"]) want.push_back(t);
  }
  Value have = object.value("tags", Value::array());
  auto sorted = [](Value v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  if (sorted(want) == sorted(have)) return {};
  ApiCall call = ApiCall::Put("network", Path(Str(object, "id")) + "/tags", {{"tags", want}});
  auto resp = session_.Send(call, ctx.cancel);
  return resp.ok() ? Status() : resp.diags();
}

Result<ObjectState> NeutronType::Create(const CallContext& ctx, const Value& props) {
  auto body = CreateBody(ctx, props);
  if (!body.ok()) return body.diags();
  (*body)["description"] = MarkDescription(ctx, Str(props, "description"));
  Value object;
  // One POST. When its answer is lost the object may exist (or still be in the making), so
  // it is looked for once more by its marks; never POSTed twice (a slow cloud would make
  // two). Not found: the error stands and the next run adopts it.
  Diagnostics lost;
  for (int attempt = 0;; ++attempt) {
    // Adopt what an interrupted run (or a lost answer) already made for this address.
    auto candidates = session_.List(ApiCall::Get("network", Path() + "?" + AdoptQuery(ctx, props)),
                                    kind_.list_key, ctx.cancel);
    if (!candidates.ok()) return candidates.diags();
    for (const Value& c : *candidates) {
      if (Str(c, "id") == ctx.replacing_id || !Owned(ctx, c) || !Adoptable(ctx, c, props)) {
        continue;
      }
      ctx.Progress(
          "adopting " + kind_.singular + " " + Str(c, "id") +
          (attempt ? " made by the request whose answer was lost" : " from an earlier run"));
      ObjectState found{Str(c, "id"), ToAttributes(ctx, c)};
      return Update(ctx, found, props);
    }
    if (attempt > 0) return lost;
    auto created =
        session_.Json(ApiCall::Post("network", Path(), {{kind_.singular, *body}}), ctx.cancel);
    if (created.ok()) {
      object = created->value(kind_.singular, Value::object());
      break;
    }
    if (!OutcomeUnknown(created.diags())) return created.diags();
    lost = created.diags();
    ctx.Progress("the answer to POST " + Path() + " was lost; looking for the " + kind_.singular);
  }
  std::string id = Str(object, "id");
  if (id.empty()) return Result<ObjectState>::Fail("POST " + Path() + ": no id in the answer");
  Status st = EnsureTags(ctx, object, props);
  if (st.HasErrors()) return st;
  st = AfterCreate(ctx, object, props);
  if (st.HasErrors()) return st;
  auto reread = Reread(ctx, id);
  if (!reread.ok()) return reread;
  return Finish(ctx, std::move(*reread), props);
}

Result<ObjectState> NeutronType::Update(const CallContext& ctx, const ObjectState& prior,
                                        const Value& props) {
  auto current = Fetch(ctx, prior.id);
  if (!current.ok()) return current.diags();
  if (!current->has_value()) {
    return Result<ObjectState>::Fail(kind_.singular + " " + prior.id + " no longer exists",
                                     "Run `capstan plan` again: it will be re-created.");
  }
  Value object = **current;
  Value before = ToAttributes(ctx, object);
  if (kind_.updatable) {
    Value body = UpdateBody(ctx, before, props);
    std::string want_desc = MarkDescription(ctx, Str(props, "description"));
    if (Str(object, "description") != want_desc) body["description"] = want_desc;
    if (!body.empty()) {
      ApiCall call = ApiCall::Put("network", Path(prior.id), {{kind_.singular, body}});
      call.retry_409 = true;
      auto resp = session_.Json(call, ctx.cancel);
      if (!resp.ok()) return resp.diags();
    }
  }
  Status st = EnsureTags(ctx, object, props);
  if (st.HasErrors()) return st;
  st = AfterUpdate(ctx, object, before, props);
  if (st.HasErrors()) return st;
  auto reread = Reread(ctx, prior.id);
  if (!reread.ok()) return reread;
  return Finish(ctx, std::move(*reread), props);
}

Status NeutronType::Delete(const CallContext& ctx, const ObjectState& prior) {
  Status st = BeforeDelete(ctx, prior);
  if (st.HasErrors()) return st;
  ApiCall call = ApiCall::Delete("network", Path(prior.id));
  call.retry_409 = true;  // "in use" while ports/interfaces are still going away.
  auto resp = session_.Send(call, ctx.cancel);
  return resp.ok() ? Status() : resp.diags();
}

Result<std::vector<ObjectState>> NeutronType::List(const CallContext& ctx) {
  auto listed = session_.List(ApiCall::Get("network", Path() + "?" + ListQuery(ctx)),
                              kind_.list_key, ctx.cancel);
  if (!listed.ok()) return listed.diags();
  std::vector<ObjectState> out;
  for (const Value& o : *listed) {
    // Without tags, the list is the whole project's: keep this stack's objects only.
    if (!kind_.taggable &&
        Str(o, "description").rfind("capstan-stack=" + ctx.stack + " ", 0) != 0) {
      continue;
    }
    out.push_back(ObjectState{Str(o, "id"), ToAttributes(ctx, o)});
  }
  std::vector<ObjectState*> all;
  static const Value kNoShape;
  std::vector<const Value*> shapes(out.size(), &kNoShape);
  for (ObjectState& o : out) all.push_back(&o);
  if (!all.empty()) {
    Status st = Complete(ctx, all, shapes);
    if (st.HasErrors()) return st;
  }
  return out;
}

}  // namespace capstan::openstack
