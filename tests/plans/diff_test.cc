// Pins the per-instance decision table of DiffInstance (plans/diff.h).
#include "plans/diff.h"

#include <catch2/catch.hpp>

namespace capstan {
namespace {

ResourceSchema SubnetSchema() {
  ResourceSchema s;
  s.type = "openstack.subnet";
  AttrSchema name{.name = "name", .optional = true};
  AttrSchema cidr{.name = "cidr", .required = true, .force_new = true};
  AttrSchema tags{.name = "tags", .type = AttrType::kMap, .optional = true};
  AttrSchema password{.name = "password", .optional = true, .sensitive = true};
  AttrSchema id{.name = "id", .computed = true};
  s.attributes = {name, cidr, tags, password, id};
  return s;
}

Address Addr(const std::string& text) { return Address::Parse(text).value(); }

InstanceState Prior(const Value& attrs) {
  InstanceState st;
  st.address = Addr("openstack.subnet.main");
  st.type = "openstack.subnet";
  st.provider = "openstack";
  st.id = "sub-1";
  st.attributes = attrs;
  st.dependencies = {"openstack.network.main"};
  return st;
}

struct Fixture {
  ResourceSchema schema = SubnetSchema();
  DiffInput Input(const InstanceState* prior, const Value* planned) {
    DiffInput in;
    in.schema = &schema;
    in.address = Addr("openstack.subnet.main");
    in.provider = "openstack";
    in.prior = prior;
    in.planned = planned;
    in.dependencies = {"openstack.network.main"};
    return in;
  }
};

const Value kPriorAttrs = {
    {"name", "main"}, {"cidr", "10.0.0.0/24"}, {"id", "sub-1"}, {"tags", {{"a", "1"}}}};

TEST_CASE("diff: an object only in configuration is created with computed ids unknown") {
  Fixture f;
  Value planned = {{"name", "main"}, {"cidr", "10.0.0.0/24"}};
  ResourceChange c = DiffInstance(f.Input(nullptr, &planned));
  CHECK(c.action == Action::kCreate);
  CHECK(c.after["cidr"] == "10.0.0.0/24");
  CHECK(IsUnknown(c.after["id"]));
  CHECK(c.before.is_null());
  CHECK(c.type == "openstack.subnet");
  CHECK(c.provider == "openstack");
  CHECK(c.dependencies == std::vector<std::string>{"openstack.network.main"});
  CHECK(c.sensitive.count("password") == 1);
}

TEST_CASE("diff: an object only in state is deleted as removed from configuration") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  ResourceChange c = DiffInstance(f.Input(&prior, nullptr));
  CHECK(c.action == Action::kDelete);
  CHECK(c.reason == "removed from configuration");
  CHECK(c.after.is_null());
  CHECK(c.id == "sub-1");
  CHECK(c.prior_dependencies == std::vector<std::string>{"openstack.network.main"});
}

TEST_CASE("diff: a deposed object is deleted with its deposed key") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  prior.status = InstanceStatus::kDeposed;
  prior.deposed_key = "00ab";
  Value planned = kPriorAttrs;
  ResourceChange c = DiffInstance(f.Input(&prior, &planned));
  CHECK(c.action == Action::kDelete);
  CHECK(c.deposed_key == "00ab");
  CHECK(c.reason == "deposed object");
}

TEST_CASE("diff: a changed force-new input replaces, destroy first by default") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  Value planned = {{"name", "main"}, {"cidr", "10.0.1.0/24"}, {"tags", {{"a", "1"}}}};
  ResourceChange c = DiffInstance(f.Input(&prior, &planned));
  CHECK(c.action == Action::kDeleteThenCreate);
  CHECK(c.replace_because == std::vector<std::string>{"cidr"});
  CHECK(IsUnknown(c.after["id"]));
  CHECK(c.after["cidr"] == "10.0.1.0/24");
  REQUIRE(c.attributes.size() == 2);
  CHECK(c.attributes[0].path == "cidr");
  CHECK(c.attributes[0].forces_replacement);
  CHECK(c.attributes[1].path == "id");
  CHECK_FALSE(c.attributes[1].forces_replacement);
}

TEST_CASE("diff: create_before_destroy turns a replacement into create-then-delete") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  Value planned = {{"cidr", "10.0.9.0/24"}};
  DiffInput in = f.Input(&prior, &planned);
  in.lifecycle.create_before_destroy = true;
  ResourceChange c = DiffInstance(in);
  CHECK(c.action == Action::kCreateThenDelete);
  CHECK(c.create_before_destroy);
}

TEST_CASE("diff: a changed ordinary input updates in place and keeps computed values") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  Value planned = {{"name", "renamed"}, {"cidr", "10.0.0.0/24"}, {"id", Unknown()}};
  ResourceChange c = DiffInstance(f.Input(&prior, &planned));
  CHECK(c.action == Action::kUpdate);
  CHECK(c.after["name"] == "renamed");
  CHECK(c.after["id"] == "sub-1");
  REQUIRE(c.attributes.size() == 1);
  CHECK(c.attributes[0].path == "name");
  CHECK(c.attributes[0].before == "main");
  CHECK(c.attributes[0].after == "renamed");
}

TEST_CASE("diff: ignore_changes keeps the prior value and records why") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  Value planned = {{"cidr", "10.0.0.0/24"}, {"tags", {{"a", "2"}}}};
  DiffInput in = f.Input(&prior, &planned);
  in.lifecycle.ignore_changes = {"tags"};
  ResourceChange c = DiffInstance(in);
  CHECK(c.action == Action::kNoOp);
  CHECK(c.after["tags"]["a"] == "1");
  CHECK(c.ignored == std::vector<std::string>{"tags (lifecycle.ignore_changes)"});
}

TEST_CASE("diff: ignore_all_changes ignores even force-new inputs") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  Value planned = {{"cidr", "10.9.0.0/24"}};
  DiffInput in = f.Input(&prior, &planned);
  in.lifecycle.ignore_all_changes = true;
  ResourceChange c = DiffInstance(in);
  CHECK(c.action == Action::kNoOp);
  CHECK(c.ignored.size() == 1);
}

TEST_CASE("diff: a tainted object is replaced even without changes") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  prior.status = InstanceStatus::kTainted;
  Value planned = {{"name", "main"}, {"cidr", "10.0.0.0/24"}};
  ResourceChange c = DiffInstance(f.Input(&prior, &planned));
  CHECK(c.action == Action::kDeleteThenCreate);
  CHECK(c.reason == "tainted");
  CHECK(c.replace_because.empty());
}

TEST_CASE("diff: an unknown planned value differs from the known prior value") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  Value planned = {{"name", Unknown()}, {"cidr", "10.0.0.0/24"}};
  ResourceChange c = DiffInstance(f.Input(&prior, &planned));
  CHECK(c.action == Action::kUpdate);
  CHECK(IsUnknown(c.after["name"]));
}

TEST_CASE("diff: identical inputs are a no-op") {
  Fixture f;
  InstanceState prior = Prior(kPriorAttrs);
  Value planned = {{"name", "main"}, {"cidr", "10.0.0.0/24"}, {"tags", {{"a", "1"}}}};
  ResourceChange c = DiffInstance(f.Input(&prior, &planned));
  CHECK(c.action == Action::kNoOp);
  CHECK(c.attributes.empty());
  CHECK(c.after == c.before);
}

TEST_CASE("diff: sensitive attributes are flagged in attribute changes") {
  Fixture f;
  Value attrs = kPriorAttrs;
  attrs["password"] = "old";
  InstanceState prior = Prior(attrs);
  Value planned = {{"cidr", "10.0.0.0/24"}, {"password", "new"}};
  ResourceChange c = DiffInstance(f.Input(&prior, &planned));
  CHECK(c.action == Action::kUpdate);
  REQUIRE(c.attributes.size() == 1);
  CHECK(c.attributes[0].sensitive);
}

TEST_CASE("diff: outputs count as changed when added, removed, different or unknown") {
  OutputChange same{.name = "a", .before = 1, .after = 1};
  CHECK_FALSE(IsOutputChanged(same));
  OutputChange diff{.name = "a", .before = 1, .after = 2};
  CHECK(IsOutputChanged(diff));
  OutputChange unknown{.name = "a", .before = Value(), .after = Unknown()};
  CHECK(IsOutputChanged(unknown));
  OutputChange removed{.name = "a", .before = 1, .after = 1, .removed = true};
  CHECK(IsOutputChanged(removed));
}

}  // namespace
}  // namespace capstan
