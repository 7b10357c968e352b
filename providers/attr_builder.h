// A fluent builder for AttrSchema, so schema tables read like declarations.
//
/// AttrSchema is a plain aggregate; designated initializers would do, but GCC's
/// -Wmissing-field-initializers rejects them under -Werror. This keeps provider schema
/// tables short:  Attr("path", "Where the file lives").Required().ForceNew()
#pragma once

#include <string>
#include <utility>

#include "resources/schema.h"

namespace capstan {

class Attr {
 public:
  Attr(std::string name, std::string description, AttrType type = AttrType::kString) {
    a_.name = std::move(name);
    a_.description = std::move(description);
    a_.type = type;
  }
  Attr& Required() {
    a_.required = true;
    return *this;
  }
  Attr& Optional() {
    a_.optional = true;
    return *this;
  }
  Attr& Computed() {
    a_.computed = true;
    return *this;
  }
  Attr& ForceNew() {
    a_.force_new = true;
    return *this;
  }
  Attr& Sensitive() {
    a_.sensitive = true;
    return *this;
  }
  Attr& Default(Value v) {
    a_.default_value = std::move(v);
    return *this;
  }
  operator AttrSchema() const { return a_; }  // NOLINT: implicit by design

 private:
  AttrSchema a_;
};

}  // namespace capstan
