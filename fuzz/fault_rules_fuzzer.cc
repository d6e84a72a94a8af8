// libFuzzer target: fake-cri fault rules in both of their forms: the flag form
// (--fault effect=hang,method=...) and, when the input is JSON, the JSON form
// of fixtures, annotations and the control service (ParseFaultFlag and
// ParseFaultRule, called, not changed, here).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fake-cri/fault_rules.h"
#include "nlohmann/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)fakecri::ParseFaultFlag(text);
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_discarded()) {
    auto rule = fakecri::ParseFaultRule(json, "$.faults[0]");
    if (rule.ok()) (void)rule->ToJson().dump();
  }
  return 0;
}
