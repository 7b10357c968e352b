// Tests for the collection functions: lookup, merge, concat, length, keys, values,
// contains, element, coalesce, range, flatten, distinct, sort.
#include <catch2/catch.hpp>

#include "engine/config/functions.h"
#include "tests/engine/config/function_call.h"

namespace capstan {
namespace {

using functest::Err;
using functest::Ok;

const Value kFlavors = Value::parse(R"({"small": "SCS-2V-4", "large": "SCS-8V-32"})");

TEST_CASE("lookup returns the value, the default, or an error naming the keys", "[functions]") {
  CHECK(Ok("lookup", {kFlavors, "small"}) == "SCS-2V-4");
  CHECK(Ok("lookup", {kFlavors, "huge", "SCS-4V-8"}) == "SCS-4V-8");
  CHECK(Err("lookup", {kFlavors, "huge"}) ==
        "lookup: key \"huge\" not found in the map (keys: large, small) and no default given");
  CHECK(Err("lookup", {Value::array(), "a"}) == "lookup: argument 1 must be a map, got list");
}

TEST_CASE("merge combines maps with later keys winning and skips nulls", "[functions]") {
  Value a = {{"x", 1}, {"y", 2}};
  Value b = {{"y", 3}, {"z", 4}};
  CHECK(Ok("merge", {a, nullptr, b}) == Value({{"x", 1}, {"y", 3}, {"z", 4}}));
  CHECK(Ok("merge", {}) == Value::object());
  CHECK(Err("merge", {a, "s"}) == "merge: argument 2 must be a map, got string");
}

TEST_CASE("concat joins lists in order", "[functions]") {
  CHECK(Ok("concat", {Value::array({1}), Value::array(), Value::array({2, 3})}) ==
        Value::array({1, 2, 3}));
  CHECK(Err("concat", {Value::array(), 1}) == "concat: argument 2 must be a list, got number");
}

TEST_CASE("length counts code points, list elements and map keys", "[functions]") {
  CHECK(Ok("length", {"abc"}) == 3);
  CHECK(Ok("length", {"größe"}) == 5);
  CHECK(Ok("length", {Value::array({1, 2})}) == 2);
  CHECK(Ok("length", {kFlavors}) == 2);
  CHECK(Err("length", {5}) == "length: argument 1 must be a string, list or map, got number");
}

TEST_CASE("keys and values follow sorted key order", "[functions]") {
  CHECK(Ok("keys", {kFlavors}) == Value::array({"large", "small"}));
  CHECK(Ok("values", {kFlavors}) == Value::array({"SCS-8V-32", "SCS-2V-4"}));
  CHECK(Err("keys", {"x"}) == "keys: argument 1 must be a map, got string");
  CHECK(Err("values", {Value::array()}) == "values: argument 1 must be a map, got list");
}

TEST_CASE("contains compares whole values", "[functions]") {
  CHECK(Ok("contains", {Value::array({"a", 1, Value::array({2})}), 1}) == true);
  CHECK(Ok("contains", {Value::array({"a"}), "b"}) == false);
  CHECK(Ok("contains", {Value::array({Value::array({2})}), Value::array({2})}) == true);
  CHECK(Err("contains", {"abc", "a"}) == "contains: argument 1 must be a list, got string");
}

TEST_CASE("element wraps around the end of the list", "[functions]") {
  Value azs = Value::array({"az1", "az2", "az3"});
  CHECK(Ok("element", {azs, 1}) == "az2");
  CHECK(Ok("element", {azs, 4}) == "az2");
  CHECK(Err("element", {Value::array(), 0}) == "element: cannot take an element of an empty list");
  CHECK(Err("element", {azs, -1}) ==
        "element: argument 2 must be a non-negative whole number, got number");
  CHECK(Err("element", {azs, 1.5}) == "element: argument 2 must be a whole number, got number");
}

TEST_CASE("coalesce returns the first non-null, non-empty argument", "[functions]") {
  CHECK(Ok("coalesce", {nullptr, "", "x", "y"}) == "x");
  CHECK(Ok("coalesce", {0}) == 0);
  CHECK(Err("coalesce", {nullptr, ""}) == "coalesce: no non-null, non-empty-string argument");
}

TEST_CASE("range counts up or down with an optional step", "[functions]") {
  CHECK(Ok("range", {3}) == Value::array({0, 1, 2}));
  CHECK(Ok("range", {1, 4}) == Value::array({1, 2, 3}));
  CHECK(Ok("range", {0, 10, 4}) == Value::array({0, 4, 8}));
  CHECK(Ok("range", {3, 0}) == Value::array({3, 2, 1}));
  CHECK(Ok("range", {0}) == Value::array());
  CHECK(Ok("range", {0, 1, 0.5}) == Value::array({0, 0.5}));
  CHECK(Err("range", {0, 5, 0}) == "range: step must not be zero");
  CHECK(Err("range", {0, 5, -1}) == "range: step must be positive when start < limit");
  CHECK(Err("range", {100000}).starts_with("range: would produce 100000 elements"));
  CHECK(Err("range", {"x"}) == "range: argument 1 must be a number, got string");
}

TEST_CASE("flatten removes list nesting at every depth", "[functions]") {
  Value nested = Value::parse(R"([1, [2, [3, []]], {"a": [4]}])");
  CHECK(Ok("flatten", {nested}) == Value::parse(R"([1, 2, 3, {"a": [4]}])"));
  CHECK(Err("flatten", {kFlavors}) == "flatten: argument 1 must be a list, got map");
}

TEST_CASE("distinct keeps the first of each value in order", "[functions]") {
  CHECK(Ok("distinct", {Value::array({"b", "a", "b", 1, 1})}) == Value::array({"b", "a", 1}));
  CHECK(Err("distinct", {1}) == "distinct: argument 1 must be a list, got number");
}

TEST_CASE("sort orders strings lexicographically", "[functions]") {
  CHECK(Ok("sort", {Value::array({"c", "a", "B", "10", "9"})}) ==
        Value::array({"10", "9", "B", "a", "c"}));
  CHECK(Err("sort", {Value::array({"a", nullptr})}) ==
        "sort: argument 1 must be a list of strings, element 1 is null");
}

}  // namespace
}  // namespace capstan
