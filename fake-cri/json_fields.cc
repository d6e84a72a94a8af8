#include "fake-cri/json_fields.h"

#include "absl/strings/str_cat.h"
#include "common/units.h"

namespace fakecri {

absl::Status JsonFields::Open(const nlohmann::json& value, const std::string& path) {
  if (value.is_object()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": expected an object, got ", value.type_name()));
}

JsonFields::JsonFields(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {}

absl::Status JsonFields::Error(const std::string& key, const std::string& problem) const {
  return absl::InvalidArgumentError(absl::StrCat(PathOf(key), ": ", problem));
}

const nlohmann::json* JsonFields::Take(const char* key) {
  known_.insert(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

absl::Status JsonFields::GetString(const char* key, std::string* out) {
  const auto* v = Take(key);
  if (!v) return absl::OkStatus();
  if (!v->is_string()) return Error(key, absl::StrCat("expected a string, got ", v->type_name()));
  *out = v->get<std::string>();
  return absl::OkStatus();
}

absl::Status JsonFields::GetBool(const char* key, bool* out) {
  const auto* v = Take(key);
  if (!v) return absl::OkStatus();
  if (!v->is_boolean()) return Error(key, absl::StrCat("expected true or false, got ", v->type_name()));
  *out = v->get<bool>();
  return absl::OkStatus();
}

absl::Status JsonFields::GetInt(const char* key, int64_t* out) {
  const auto* v = Take(key);
  if (!v) return absl::OkStatus();
  if (!v->is_number_integer()) {
    return Error(key, absl::StrCat("expected an integer, got ", v->type_name()));
  }
  *out = v->get<int64_t>();
  return absl::OkStatus();
}

absl::Status JsonFields::GetDouble(const char* key, double* out) {
  const auto* v = Take(key);
  if (!v) return absl::OkStatus();
  if (!v->is_number()) return Error(key, absl::StrCat("expected a number, got ", v->type_name()));
  *out = v->get<double>();
  return absl::OkStatus();
}

absl::Status JsonFields::GetBytes(const char* key, uint64_t* out) {
  const auto* v = Take(key);
  if (!v) return absl::OkStatus();
  if (v->is_number_unsigned()) {
    *out = v->get<uint64_t>();
    return absl::OkStatus();
  }
  if (v->is_string()) {
    auto parsed = kit::ParseByteQuantity(v->get<std::string>());
    if (!parsed.ok()) return Error(key, std::string(parsed.status().message()));
    *out = *parsed;
    return absl::OkStatus();
  }
  return Error(key, absl::StrCat("expected a non-negative integer or a quantity string like "
                                 "\"256Mi\", got ",
                                 v->is_number() ? "a negative or fractional number" : v->type_name()));
}

absl::Status JsonFields::GetDuration(const char* key, int64_t* nanos) {
  const auto* v = Take(key);
  if (!v) return absl::OkStatus();
  if (!v->is_string()) {
    return Error(key, absl::StrCat("expected a duration string like \"300ms\", got ", v->type_name()));
  }
  auto parsed = kit::ParseDurationNanos(v->get<std::string>());
  if (!parsed.ok()) return Error(key, std::string(parsed.status().message()));
  *nanos = *parsed;
  return absl::OkStatus();
}

absl::Status JsonFields::GetStringMap(const char* key, std::map<std::string, std::string>* out) {
  const auto* v = Take(key);
  if (!v) return absl::OkStatus();
  if (!v->is_object()) return Error(key, absl::StrCat("expected an object, got ", v->type_name()));
  for (const auto& [k, val] : v->items()) {
    if (!val.is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(PathOf(key), ".", k,
                                                     ": expected a string, got ", val.type_name()));
    }
    (*out)[k] = val.get<std::string>();
  }
  return absl::OkStatus();
}

absl::Status JsonFields::CheckNoUnknownKeys() const {
  for (const auto& [k, v] : object_.items()) {
    (void)v;
    if (!known_.count(k)) return Error(k, "unknown key");
  }
  return absl::OkStatus();
}

}  // namespace fakecri
