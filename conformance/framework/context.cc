#include "conformance/framework/context.h"

#include <algorithm>

namespace conformance {

std::chrono::milliseconds TestContext::Remaining() const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline_ - std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

void TestContext::Fail(const std::string& why) { throw TestEnd{Outcome::kFailed, why}; }

void TestContext::Skip(const std::string& why) { throw TestEnd{Outcome::kSkipped, why}; }

void TestContext::InjectFault(const ContainerRef& container, nlohmann::json rule) {
  auto id = control().ContainerId(container);
  if (!id.ok()) Fail(std::string(id.status().message()));
  rule["container"] = *id;
  auto added = control().AddFault(rule.dump());
  if (!added.ok()) Fail(std::string(added.status().message()));
  faults_.push_back(std::make_unique<ScopedFault>(&control(), *added));
}

}  // namespace conformance
