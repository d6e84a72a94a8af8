#include "fake-cri/annotations.h"

#include "absl/strings/str_cat.h"
#include "common/units.h"

namespace fakecri {
namespace {

const std::string* Find(const Labels& own, const Labels& pod, const char* key) {
  if (auto it = own.find(key); it != own.end()) return &it->second;
  if (auto it = pod.find(key); it != pod.end()) return &it->second;
  return nullptr;
}

absl::Status Bad(const char* key, const std::string& value, const absl::Status& why) {
  return absl::InvalidArgumentError(
      absl::StrCat("annotation ", key, "=\"", value, "\": ", why.message()));
}

}  // namespace

absl::Status ApplySimulationAnnotations(const Labels& sandbox_annotations, Container* c,
                                        std::vector<FaultRule>* faults) {
  const Labels& own = c->annotations;
  if (const std::string* v = Find(own, sandbox_annotations, kWorkingSetAnnotation)) {
    auto bytes = kit::ParseByteQuantity(*v);
    if (!bytes.ok()) return Bad(kWorkingSetAnnotation, *v, bytes.status());
    c->working_set_bytes = *bytes;
  }
  if (const std::string* v = Find(own, sandbox_annotations, kFixedCostAnnotation)) {
    auto ns = kit::ParseDurationNanos(*v);
    if (!ns.ok()) return Bad(kFixedCostAnnotation, *v, ns.status());
    c->latency.fixed_cost_ns = *ns;
  }
  if (const std::string* v = Find(own, sandbox_annotations, kThroughputAnnotation)) {
    auto bytes = kit::ParseByteQuantity(*v);
    if (!bytes.ok()) return Bad(kThroughputAnnotation, *v, bytes.status());
    if (*bytes == 0) {
      return Bad(kThroughputAnnotation, *v, absl::InvalidArgumentError("must be more than 0"));
    }
    c->latency.throughput_bytes_per_second = static_cast<double>(*bytes);
  }
  if (const std::string* v = Find(own, sandbox_annotations, kFaultsAnnotation)) {
    nlohmann::json j = nlohmann::json::parse(*v, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_array()) {
      return Bad(kFaultsAnnotation, *v,
                 absl::InvalidArgumentError("expected a JSON array of fault rules"));
    }
    for (size_t i = 0; i < j.size(); ++i) {
      auto rule = ParseFaultRule(j[i], absl::StrCat("$[", i, "]"));
      if (!rule.ok()) return Bad(kFaultsAnnotation, *v, rule.status());
      if (!rule->container.empty() && rule->container != "*") {
        return Bad(kFaultsAnnotation, *v,
                   absl::InvalidArgumentError(absl::StrCat(
                       "$[", i, "].container: not allowed here (the rule is for this container)")));
      }
      faults->push_back(*rule);
    }
  }
  return absl::OkStatus();
}

}  // namespace fakecri
