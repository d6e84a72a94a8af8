#ifndef FAKE_CRI_JSON_FIELDS_H_
#define FAKE_CRI_JSON_FIELDS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

// Returns the status of `expr` from the enclosing function unless it is OK:
// the readers of fixture objects check field after field with it.
#define RETURN_IF_ERROR(expr)                          \
  do {                                                 \
    if (absl::Status _s = (expr); !_s.ok()) return _s; \
  } while (0)

namespace fakecri {

// The value parsers behind JsonFields' getters, for callers that hold a value
// (the settings parser): each checks the JSON type and range and says what is
// wrong, without a path ("expected an integer, got string").
absl::StatusOr<std::string> JsonString(const nlohmann::json& v);
absl::StatusOr<bool> JsonBool(const nlohmann::json& v);
// An integer that fits int64 (a larger unsigned one is "too large", never wrapped).
absl::StatusOr<int64_t> JsonInt(const nlohmann::json& v);
// A finite number.
absl::StatusOr<double> JsonNumber(const nlohmann::json& v);
// A non-negative integer, or a quantity string ("256Mi").
absl::StatusOr<uint64_t> JsonQuantity(const nlohmann::json& v);
// A duration string ("300ms", "2s").
absl::StatusOr<int64_t> JsonDuration(const nlohmann::json& v);

// Strict reading of one JSON object for fixtures and fault rules: each getter
// leaves its output untouched when the key is absent, fails with the JSON path
// and the problem when the type is wrong, and remembers the key so that
// CheckNoUnknownKeys() can reject anything a user misspelt. Errors read
// `$.pods[1].containers[0].state: expected one of running, created, exited`.
class JsonFields {
 public:
  // Fails unless `value` is an object.
  static absl::Status Open(const nlohmann::json& value, const std::string& path);
  JsonFields(const nlohmann::json& object, std::string path);

  absl::Status GetString(const char* key, std::string* out);
  absl::Status GetBool(const char* key, bool* out);
  absl::Status GetInt(const char* key, int64_t* out);
  absl::Status GetDouble(const char* key, double* out);
  // A non-negative integer, or a quantity string ("256Mi").
  absl::Status GetBytes(const char* key, uint64_t* out);
  // A duration string ("300ms", "2s").
  absl::Status GetDuration(const char* key, int64_t* nanos);
  absl::Status GetStringMap(const char* key, std::map<std::string, std::string>* out);
  // The raw value (nullptr when absent), marked as known.
  const nlohmann::json* Take(const char* key);

  std::string PathOf(const std::string& key) const { return path_ + "." + key; }
  absl::Status Error(const std::string& key, const std::string& problem) const;
  absl::Status CheckNoUnknownKeys() const;

 private:
  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> known_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_JSON_FIELDS_H_
