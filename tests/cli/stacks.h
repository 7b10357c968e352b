// Stack files used by the end-to-end CLI tests (local provider only, plus fakecloud).
#pragma once

namespace capstan::clitest {

/// Three files (one plain, two through for_each), a command, and outputs including a
/// sensitive one. Relative paths resolve against the sandbox (capstan's working dir).
inline constexpr const char* kBasicStack = R"(stack: clitest
variables:
  files:
    type: map
    default:
      a: alpha
      b: beta
  secret:
    type: string
    default: hunter22
    sensitive: true
resources:
  single:
    type: local.file
    properties:
      path: out/single.txt
      content: "single\n"
  multi:
    type: local.file
    for_each: ${var.files}
    properties:
      path: out/multi-${each.key}.txt
      content: "${each.value}\n"
  stamp:
    type: local.command
    properties:
      create: "echo '{\"n\": 1}'"
      triggers:
        single: ${single.sha256}
outputs:
  single_path:
    value: ${single.path}
  names:
    value: ${keys(var.files)}
  secret:
    value: ${var.secret}
    sensitive: true
)";

/// A chain of five fakecloud objects: each depends on the previous one.
inline constexpr const char* kFakecloudChain = R"(stack: crashtest
resources:
  o1:
    type: fakecloud.object
    properties:
      name: o1
  o2:
    type: fakecloud.object
    properties:
      name: o2
      data:
        parent: ${o1.id}
  o3:
    type: fakecloud.object
    properties:
      name: o3
      data:
        parent: ${o2.id}
  o4:
    type: fakecloud.object
    properties:
      name: o4
      data:
        parent: ${o3.id}
  o5:
    type: fakecloud.object
    properties:
      name: o5
      data:
        parent: ${o4.id}
)";

}  // namespace capstan::clitest
