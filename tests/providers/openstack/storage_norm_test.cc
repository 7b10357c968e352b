// Keeping the user's form of values a cloud returns differently (attr_norm.h).
#include <catch2/catch.hpp>

#include "providers/openstack/attr_norm.h"

namespace capstan::openstack {
namespace {

TEST_CASE("KeepOrderIfSameSet keeps the prior order of equal sets only", "[openstack][norm]") {
  Value prior = {"b", "a"};
  CHECK(KeepOrderIfSameSet(Value{"a", "b"}, prior) == prior);
  CHECK(KeepOrderIfSameSet(Value{"a", "c"}, prior) == Value{"a", "c"});
  CHECK(KeepOrderIfSameSet(Value{"a"}, prior) == Value{"a"});
  CHECK(KeepOrderIfSameSet(Value{"a", "b"}, Value()) == Value{"a", "b"});
  Value rules = Value::array({Value{{"path", "/x"}}, Value{{"path", "/y"}}});
  Value swapped = Value::array({Value{{"path", "/y"}}, Value{{"path", "/x"}}});
  CHECK(KeepOrderIfSameSet(rules, swapped) == swapped);
}

TEST_CASE("KeepTimestampIfSameInstant keeps the user's spelling of the same instant",
          "[openstack][norm]") {
  Value user = "2030-01-01T00:00:00Z";
  CHECK(KeepTimestampIfSameInstant(Value("2030-01-01T00:00:00.000000"), user) == user);
  CHECK(KeepTimestampIfSameInstant(Value("2030-01-01T02:00:00+02:00"), user) == user);
  CHECK(KeepTimestampIfSameInstant(Value("2030-01-02T00:00:00.000000"), user) ==
        "2030-01-02T00:00:00.000000");
  CHECK(KeepTimestampIfSameInstant(Value(), user).is_null());
  CHECK(KeepTimestampIfSameInstant(Value("2030-01-01T00:00:00"), Value()) == "2030-01-01T00:00:00");
}

TEST_CASE("StrAt and HasValue treat null and absent alike", "[openstack][norm]") {
  Value o = {{"a", "x"}, {"n", nullptr}, {"i", 3}};
  CHECK(StrAt(o, "a") == "x");
  CHECK(StrAt(o, "n").empty());
  CHECK(StrAt(o, "i").empty());
  CHECK(HasValue(o, "i"));
  CHECK_FALSE(HasValue(o, "n"));
  CHECK_FALSE(HasValue(Value("s"), "a"));
}

}  // namespace
}  // namespace capstan::openstack
