// Fuzz target: the expression language — the template parser, the whole-expression
// parser, the .tfvars assignment parser, and evaluation with a few variables in scope.
#include "engine/config/expr_eval.h"
#include "engine/config/expr_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace capstan;
  if (size > (1 << 16)) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  Pos base;
  base.line = 1;
  base.column = 1;
  (void)ParseExpression(text, base);
  (void)ParseAssignments(text, base);
  (void)ParseTemplate(text, base, /*exact=*/true);
  static const Value kVars = {{"s", "text"},
                              {"n", 42},
                              {"f", 1.5},
                              {"b", true},
                              {"l", {1, "two", nullptr}},
                              {"m", {{"k", "v"}, {"x", {1, 2}}}}};
  // Renders like templatefile(): parse plus evaluation, files relative to a directory
  // that does not exist.
  (void)RenderTemplateText(text, kVars, "/nonexistent-capstan-fuzz");
  return 0;
}
