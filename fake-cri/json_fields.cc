#include "fake-cri/json_fields.h"

#include <cmath>

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

namespace {

absl::Status Expected(const char* what, const nlohmann::json& v) {
  return absl::InvalidArgumentError(absl::StrCat("expected ", what, ", got ", v.type_name()));
}

// Runs `parse` on the value at `key`, if any, and prefixes its error with the path.
template <typename T, typename Parse>
absl::Status Get(JsonFields& f, const char* key, T* out, Parse parse) {
  const nlohmann::json* v = f.Take(key);
  if (!v) return absl::OkStatus();
  auto parsed = parse(*v);
  if (!parsed.ok()) return f.Error(key, std::string(parsed.status().message()));
  *out = *std::move(parsed);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> JsonString(const nlohmann::json& v) {
  if (!v.is_string()) return Expected("a string", v);
  return v.get<std::string>();
}

absl::StatusOr<bool> JsonBool(const nlohmann::json& v) {
  if (!v.is_boolean()) return Expected("true or false", v);
  return v.get<bool>();
}

absl::StatusOr<int64_t> JsonInt(const nlohmann::json& v) {
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat(v.dump(), " is too large"));
  }
  if (!v.is_number_integer()) return Expected("an integer", v);
  return v.get<int64_t>();
}

absl::StatusOr<double> JsonNumber(const nlohmann::json& v) {
  if (!v.is_number()) return Expected("a number", v);
  const double d = v.get<double>();
  if (!std::isfinite(d)) return absl::InvalidArgumentError("is not a finite number");
  return d;
}

absl::StatusOr<uint64_t> JsonQuantity(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_string()) return kit::ParseByteQuantity(v.get<std::string>());
  return absl::InvalidArgumentError(
      absl::StrCat("expected a non-negative integer or a quantity string like \"256Mi\", got ",
                   v.is_number() ? "a negative, fractional or too large number" : v.type_name()));
}

absl::StatusOr<int64_t> JsonDuration(const nlohmann::json& v) {
  if (!v.is_string()) return Expected("a duration string like \"300ms\"", v);
  return kit::ParseDurationNanos(v.get<std::string>());
}

absl::Status JsonFields::GetString(const char* key, std::string* out) {
  return Get(*this, key, out, JsonString);
}

absl::Status JsonFields::GetBool(const char* key, bool* out) {
  return Get(*this, key, out, JsonBool);
}

absl::Status JsonFields::GetInt(const char* key, int64_t* out) {
  return Get(*this, key, out, JsonInt);
}

absl::Status JsonFields::GetDouble(const char* key, double* out) {
  return Get(*this, key, out, JsonNumber);
}

absl::Status JsonFields::GetBytes(const char* key, uint64_t* out) {
  return Get(*this, key, out, JsonQuantity);
}

absl::Status JsonFields::GetDuration(const char* key, int64_t* nanos) {
  return Get(*this, key, nanos, JsonDuration);
}

absl::Status JsonFields::GetStringMap(const char* key, std::map<std::string, std::string>* out) {
  const auto* v = Take(key);
  if (!v) return absl::OkStatus();
  if (!v->is_object()) return Error(key, absl::StrCat("expected an object, got ", v->type_name()));
  for (const auto& [k, val] : v->items()) {
    if (!val.is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(PathOf(key), ".", k, ": expected a string, got ", val.type_name()));
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
