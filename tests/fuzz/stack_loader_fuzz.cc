// Fuzz target: the stack loader (YAML parsing, declarations, expressions, expansion) and
// the evaluation of every resource and output of a stack that loads.
#include "engine/config.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace capstan;
  if (size > (1 << 20)) return 0;  // the limits for huge inputs have their own tests
  fuzz::WriteInput("main.yaml", data, size);
  LoadOptions opts;
  opts.paths = {fuzz::ScratchDir() + "/main.yaml"};
  opts.env_vars = false;
  auto stack = LoadStack(opts);
  if (!stack.ok()) return 0;
  struct NoValues : ValueSource {
    const VertexValue* Get(int) const override { return nullptr; }
  } none;
  for (const Vertex& v : (*stack)->vertices()) (void)(*stack)->Evaluate(v.id, none);
  return 0;
}
