#include "inspect/metadata.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "inspect/engines.h"

namespace inspect {
namespace {

using nlohmann::json;

absl::Status TypeError(const std::string& file, const std::string& member, const std::string& key,
                       const json& value, const char* want) {
  return absl::DataLossError(absl::StrCat(file, ": member \"", member, "\": \"", key, "\" is ",
                                          value.type_name(), ", expected ", want));
}

// The string at obj[key]: "" when absent or null, an error when another type.
absl::StatusOr<std::string> StringAt(const std::string& file, const std::string& member,
                                     const json& obj, const std::string& key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return TypeError(file, member, key, *it, "a string");
  return it->get<std::string>();
}

class Sources {
 public:
  Sources(const std::string& file, const json& config, const json& annotations,
          const json* status_dump)
      : file_(file), config_(config), annotations_(annotations), status_dump_(status_dump) {}

  absl::StatusOr<std::string> First(const std::vector<FactSource>& sources) const {
    for (const FactSource& s : sources) {
      absl::StatusOr<std::string> v = One(s);
      if (!v.ok()) return v.status();
      if (!v->empty()) return v;
    }
    return std::string();
  }

 private:
  absl::StatusOr<std::string> One(const FactSource& s) const {
    switch (s.kind) {
      case FactSource::Kind::kAnnotation:
        return StringAt(file_, "spec.dump", annotations_, s.key);
      case FactSource::Kind::kAnnotationJsonField: {
        absl::StatusOr<std::string> text = StringAt(file_, "spec.dump", annotations_, s.key);
        if (!text.ok() || text->empty()) return text;
        json inner = json::parse(*text, nullptr, /*allow_exceptions=*/false);
        if (!inner.is_object()) {
          return absl::DataLossError(absl::StrCat(file_, ": member \"spec.dump\": annotation \"",
                                                  s.key, "\" is not a JSON object"));
        }
        return StringAt(file_, "spec.dump", inner, s.field);
      }
      case FactSource::Kind::kConfig:
        return StringAt(file_, "config.dump", config_, s.key);
      case FactSource::Kind::kStatusDump: {
        if (status_dump_ == nullptr) return std::string();
        if (*s.field == '\0') return StringAt(file_, "status.dump", *status_dump_, s.key);
        auto it = status_dump_->find(s.key);
        if (it == status_dump_->end() || it->is_null()) return std::string();
        if (!it->is_object()) return TypeError(file_, "status.dump", s.key, *it, "an object");
        return StringAt(file_, "status.dump", *it, s.field);
      }
    }
    return std::string();
  }

  const std::string& file_;
  const json& config_;
  const json& annotations_;
  const json* status_dump_;
};

}  // namespace

absl::StatusOr<json> ParseJsonMember(const std::string& file, const std::string& member,
                                     const std::string& text, bool want_array) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return absl::DataLossError(
        absl::StrCat(file, ": member \"", member, "\": invalid JSON: ", e.what()));
  }
  if (want_array ? !doc.is_array() : !doc.is_object()) {
    return absl::DataLossError(absl::StrCat(file, ": member \"", member, "\": expected a JSON ",
                                            want_array ? "array" : "object", ", found ",
                                            doc.type_name()));
  }
  return doc;
}

absl::StatusOr<ContainerFacts> ReadContainerFacts(const std::string& file, const json& config,
                                                  const json& spec, const json* status_dump) {
  static const json kNoAnnotations = json::object();
  const json* annotations = &kNoAnnotations;
  if (auto it = spec.find("annotations"); it != spec.end() && !it->is_null()) {
    if (!it->is_object()) return TypeError(file, "spec.dump", "annotations", *it, "an object");
    annotations = &*it;
  }
  absl::StatusOr<std::string> manager =
      StringAt(file, "spec.dump", *annotations, "io.container.manager");
  if (!manager.ok()) return manager.status();
  const EngineProfile& engine = EngineForManager(*manager);

  ContainerFacts c;
  c.engine = engine.engine;
  Sources sources(file, config, *annotations, status_dump);
  const std::pair<std::string*, const std::vector<FactSource>*> from_table[] = {
      {&c.name, &engine.container_name},
      {&c.pod, &engine.pod},
      {&c.ns, &engine.ns},
      {&c.image_name, &engine.image_name},
      {&c.image_ref, &engine.image_ref}};
  for (const auto& [out, list] : from_table) {
    absl::StatusOr<std::string> v = sources.First(*list);
    if (!v.ok()) return v.status();
    *out = *std::move(v);
  }
  const std::pair<std::string*, const char*> from_config[] = {
      {&c.full_name, "name"},
      {&c.id, "id"},
      {&c.runtime, "runtime"},
      {&c.created_time, "createdTime"},
      {&c.checkpointed_time, "checkpointedTime"}};
  for (const auto& [out, key] : from_config) {
    absl::StatusOr<std::string> v = StringAt(file, "config.dump", config, key);
    if (!v.ok()) return v.status();
    *out = *std::move(v);
  }
  if (!c.checkpointed_time.empty()) c.checkpointed_time_source = "config.dump";
  absl::StatusOr<std::string> oci = StringAt(file, "spec.dump", spec, "ociVersion");
  if (!oci.ok()) return oci.status();
  c.oci_version = *std::move(oci);
  return c;
}

}  // namespace inspect
