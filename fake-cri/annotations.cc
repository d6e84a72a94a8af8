#include "fake-cri/annotations.h"

#include "absl/strings/str_cat.h"
#include "fake-cri/process_spec.h"
#include "fake-cri/settings.h"

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
  // The settings, through the one settings parser: the pod's first, then the
  // container's own, which wins.
  Settings s;
  for (const Labels* source : {&sandbox_annotations, &own}) {
    for (const auto& [key, value] : *source) {
      const SettingInfo* info = FindSettingByAnnotation(key);
      if (!info) continue;
      if (absl::Status st = SetSettingFromText(*info, value, &s); !st.ok()) {
        return Bad(key.c_str(), value, st);
      }
    }
  }
  if (s.working_set) c->working_set_bytes = *s.working_set;
  if (s.fixed_cost_ns) c->latency.fixed_cost_ns = *s.fixed_cost_ns;
  if (s.throughput) c->latency.throughput_bytes_per_second = *s.throughput;
  for (const auto& [key, out] : {std::pair<const char*, std::vector<std::string>*>{
                                     kRootfsChangesAnnotation, &c->rootfs_changes},
                                 {kRootfsDeletionsAnnotation, &c->rootfs_deletions}}) {
    const std::string* v = Find(own, sandbox_annotations, key);
    if (!v) continue;
    nlohmann::json j = nlohmann::json::parse(*v, nullptr, /*allow_exceptions=*/false);
    bool ok = j.is_array();
    for (size_t i = 0; ok && i < j.size(); ++i) ok = j[i].is_string();
    if (!ok) {
      return Bad(key, *v, absl::InvalidArgumentError("expected a JSON array of paths"));
    }
    *out = j.get<std::vector<std::string>>();
  }
  if (const std::string* v = Find(own, sandbox_annotations, kProcessAnnotation)) {
    nlohmann::json j = nlohmann::json::parse(*v, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      return Bad(kProcessAnnotation, *v, absl::InvalidArgumentError("expected a JSON object"));
    }
    auto spec = ParseProcessSpec(j, "$");
    if (!spec.ok()) return Bad(kProcessAnnotation, *v, spec.status());
    c->process = *std::move(spec);
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
