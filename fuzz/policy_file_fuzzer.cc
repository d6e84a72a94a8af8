// libFuzzer target: --authorization-policy-file contents (our JSON rules), then
// one authorization against the parsed rules.
#include <cstddef>
#include <cstdint>
#include <string>

#include "endpoint/auth/policy_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto authorizer = endpoint::PolicyFileAuthorizer::Parse(text, "policy.json");
  if (!authorizer.ok()) return 0;
  endpoint::Attributes a;
  a.user.name = "alice";
  a.user.groups = {"system:masters"};
  a.verb = "create";
  a.resource = "nodes";
  a.subresource = "checkpoint";
  a.name = "node-1";
  (void)(*authorizer)->Authorize(a);
  return 0;
}
