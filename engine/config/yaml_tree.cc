// LoadYaml: yaml-cpp parser events into a YamlNode tree (see yaml_tree.h).
#include "engine/config/yaml_tree.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <map>
#include <sstream>

namespace capstan {

YAML::Mark YamlNode::Mark() const {
  YAML::Mark m;
  m.line = line_;
  m.column = column_;
  return m;
}

const YamlNode& YamlNode::operator[](std::string_view key) const {
  static const YamlNode kUndefined;
  if (kind_ != Kind::kMap) return kUndefined;
  for (size_t i = 0; i + 1 < children_.size(); i += 2) {
    if (children_[i].kind_ == Kind::kScalar && children_[i].scalar_ == key) return children_[i + 1];
  }
  return kUndefined;
}

YamlNode::Entries YamlNode::MapEntries() const {
  if (kind_ != Kind::kMap || children_.empty()) return Entries(nullptr, nullptr);
  const YamlNode* b = children_.data();
  return Entries(b, b + children_.size() / 2 * 2);
}

std::span<const YamlNode> YamlNode::Items() const {
  if (kind_ != Kind::kSequence) return {};
  return std::span<const YamlNode>(children_.data(), children_.size());
}

/// Builds the tree: `open_` is the path of collections being filled. A collection lives
/// in its parent's children vector, which does not grow while the collection is open,
/// so the pointers on the path stay valid.
class YamlBuilder : public YAML::EventHandler {
 public:
  YamlBuilder() { root_.kind_ = YamlNode::Kind::kNull; }  // an empty document is null
  YamlNode TakeRoot() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Count(1);
    Finish(Add(mark, YamlNode::Kind::kNull, ""), anchor, 1);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    size_t size = it != anchors_.end() ? it->second.size : 1;
    // An alias is expanded into a copy, so "billion laughs" (each level aliasing the
    // previous one ten times) would grow exponentially: the copies share one budget.
    alias_nodes_ += size;
    if (alias_nodes_ > kMaxAliasNodes) {
      throw YAML::ParserException(mark, "aliases expand to more than " +
                                            std::to_string(kMaxAliasNodes) +
                                            " nodes (an alias bomb?)");
    }
    Count(size);
    YamlNode* n = Add(mark, YamlNode::Kind::kNull, "");
    if (it != anchors_.end()) *n = it->second.node;
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Count(1);
    YamlNode* n = Add(mark, YamlNode::Kind::kScalar, tag);
    n->scalar_ = value;
    Finish(n, anchor, 1);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(Add(mark, YamlNode::Kind::kSequence, tag), anchor);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(Add(mark, YamlNode::Kind::kMap, tag), anchor);
  }
  void OnMapEnd() override { Close(); }

 private:
  YamlNode* Add(const YAML::Mark& mark, YamlNode::Kind kind, const std::string& tag) {
    YamlNode* n;
    if (open_.empty()) {
      n = &root_;
    } else {
      n = &open_.back().node->children_.emplace_back();
    }
    n->kind_ = kind;
    n->line_ = mark.line;
    n->column_ = mark.column;
    n->tag_ = tag;
    return n;
  }
  void Finish(YamlNode* n, YAML::anchor_t anchor, size_t size) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {*n, size};
  }
  /// Adds `n` nodes to the collection being filled (its subtree size).
  void Count(size_t n) {
    if (!open_.empty()) open_.back().size += n;
  }
  void Open(YamlNode* n, YAML::anchor_t anchor) { open_.push_back({n, anchor, 1}); }
  void Close() {
    Frame f = open_.back();
    open_.pop_back();
    f.node->children_.shrink_to_fit();
    Count(f.size);
    Finish(f.node, f.anchor, f.size);
  }

  /// Far above any real stack's use of aliases (they are rare and small), far below
  /// what exhausts memory.
  static constexpr size_t kMaxAliasNodes = 1'000'000;

  struct Frame {
    YamlNode* node;
    YAML::anchor_t anchor;
    size_t size;  ///< Nodes in the subtree so far, itself included.
  };
  struct Anchored {
    YamlNode node;
    size_t size = 1;
  };
  YamlNode root_;
  std::vector<Frame> open_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  size_t alias_nodes_ = 0;
};

YamlNode LoadYaml(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  YamlBuilder builder;
  parser.HandleNextDocument(builder);
  return builder.TakeRoot();
}

}  // namespace capstan
