// YamlNode: a compact, read-only YAML tree built from yaml-cpp's parser events.
//
/// YAML::Load builds yaml-cpp's node graph: per node several heap objects, shared
/// pointers and an entry in a std::set, so loading a 100,000-resource stack spent half its
/// time in malloc and most of its peak memory on nodes that are read once and dropped.
/// The loader needs only kinds, marks, tags and scalars, so LoadYaml runs the same
/// yaml-cpp parser (same syntax, same errors, same marks) into this tree instead: one
/// small node per YAML node, children stored inline in a vector. The accessors mirror
/// the YAML::Node calls the loader used (IsMap, Mark, Scalar, Tag, operator[]), so
/// positions and typing rules did not change. An alias is a copy of its anchored node.
#pragma once

#include <yaml-cpp/mark.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace capstan {

class YamlNode {
 public:
  enum class Kind : uint8_t { kUndefined, kNull, kScalar, kSequence, kMap };

  /// False for a missing map key (like yaml-cpp's zombie nodes).
  explicit operator bool() const { return kind_ != Kind::kUndefined; }
  bool IsNull() const { return kind_ == Kind::kNull; }
  bool IsScalar() const { return kind_ == Kind::kScalar; }
  bool IsSequence() const { return kind_ == Kind::kSequence; }
  bool IsMap() const { return kind_ == Kind::kMap; }
  Kind kind() const { return kind_; }

  /// The scalar's text ("" for other kinds).
  const std::string& Scalar() const { return scalar_; }
  /// yaml-cpp's tag: "!" for quoted scalars, "?" for plain ones, or an explicit tag.
  const std::string& Tag() const { return tag_; }
  YAML::Mark Mark() const;

  /// A map's value for `key` (first match), or an undefined node.
  const YamlNode& operator[](std::string_view key) const;

  struct Entry {
    const YamlNode& first;   ///< Key.
    const YamlNode& second;  ///< Value.
  };
  /// A map's (key, value) pairs in document order.
  class Entries {
   public:
    class iterator {
     public:
      explicit iterator(const YamlNode* p) : p_(p) {}
      Entry operator*() const { return {p_[0], p_[1]}; }
      iterator& operator++() {
        p_ += 2;
        return *this;
      }
      bool operator!=(const iterator& o) const { return p_ != o.p_; }

     private:
      const YamlNode* p_;
    };
    Entries(const YamlNode* b, const YamlNode* e) : b_(b), e_(e) {}
    iterator begin() const { return iterator(b_); }
    iterator end() const { return iterator(e_); }

   private:
    const YamlNode* b_;
    const YamlNode* e_;
  };
  /// Empty unless a map.
  Entries MapEntries() const;
  /// A sequence's items; empty unless a sequence.
  std::span<const YamlNode> Items() const;

 private:
  friend class YamlBuilder;
  Kind kind_ = Kind::kUndefined;
  int line_ = 0, column_ = 0;  // 0-based, as in YAML::Mark
  std::string tag_;
  std::string scalar_;
  std::vector<YamlNode> children_;  // sequence items, or key, value, key, value, ...
};

/// Parses the first document of `text` (a null node when there is none). Throws
/// YAML::Exception (with its mark) on a syntax error, like YAML::Load.
YamlNode LoadYaml(const std::string& text);

}  // namespace capstan
