#ifndef FAKE_CRI_SETTINGS_H_
#define FAKE_CRI_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fake-cri/archive/layout.h"
#include "nlohmann/json.hpp"

namespace fakecri {

// Where a setting may be given. Runtime settings come from the fixture's
// "runtime" object and from flags; container settings from a fixture container
// and from annotations on a container created through CRI (or on its pod).
enum class SettingScope { kRuntime, kContainer };

// The settings fake-cri reads from anywhere, each parsed by one function
// whatever its source (SetSetting). An unset field leaves the value below it
// in force: flags over fixture over the runtime profile over built-in defaults
// for the runtime; annotation or fixture entry over the runtime's for a
// container.
struct Settings {
  // Runtime scope.
  std::optional<std::string> profile;           // "profile", --runtime-profile
  std::optional<bool> criu;                     // "criu", --criu
  std::optional<double> jitter;                 // "checkpoint.jitter"
  std::optional<uint64_t> seed;                 // "checkpoint.seed", --seed
  std::optional<int64_t> default_timeout_ns;    // "checkpoint.default_timeout"
  std::optional<uint64_t> default_working_set;  // "default_working_set"
  std::optional<ArchiveFlavor> layout;          // "archive.layout", --flavor
  std::optional<PagesMode> pages;               // "archive.pages", --pages
  std::optional<std::vector<std::string>>
      runtime_handlers;  // "runtime_handlers", --runtime-handlers
  // Both scopes.
  std::optional<int64_t> fixed_cost_ns;  // "checkpoint.fixed_cost"
  std::optional<double> throughput;      // "checkpoint.throughput", bytes per second
  // Container scope.
  std::optional<uint64_t> working_set;  // "working_set_bytes"

  // Copies every field `over` sets.
  void MergeFrom(const Settings& over);
};

// What a setting's value is. Fixtures give it as JSON of that type (a quantity
// as an integer or a string); flags and annotations as text.
enum class SettingKind { kName, kBool, kDuration, kQuantity, kFraction, kSeed };

// One setting: its key (a JSON path below the fixture's "runtime" object or a
// container entry), its flag, its annotation, and what it means.
struct SettingInfo {
  const char* key;
  SettingScope scope;
  SettingKind kind;
  const char* flag;        // "" when there is none
  const char* annotation;  // "" when there is none
  const char* value;       // what the value looks like, for help texts
  const char* help;
};
const std::vector<SettingInfo>& AllSettings();
const SettingInfo* FindSettingByFlag(const std::string& flag);
const SettingInfo* FindSettingByAnnotation(const std::string& annotation);

// Parses `value`, a JSON scalar from a fixture, into the setting `key`. The error says what
// is wrong with the value; callers put the flag, JSON path or annotation in
// front of it. Every number is range-checked: a working set above 1 PiB, an
// infinite or NaN number, a negative duration are refused, never wrapped.
absl::Status SetSetting(const std::string& key, const nlohmann::json& value, Settings* out);
// The same from the text of a flag or an annotation ("0.1", "true", "256Mi").
absl::Status SetSettingFromText(const SettingInfo& setting, const std::string& text, Settings* out);

// Reads a JSON object of settings of `scope` (nested objects give dotted
// keys: {"checkpoint": {"fixed_cost": "1s"}}), skipping `skip` keys (which the
// caller reads itself). Errors read "<path>.<key>: <problem>"; unknown keys are
// errors.
absl::Status ParseSettingsObject(const nlohmann::json& object, const std::string& path,
                                 SettingScope scope, const std::vector<std::string>& skip,
                                 Settings* out);

// The most working set a container may have: 1 PiB. Larger values are
// refused, so that no modelled time can overflow.
inline constexpr uint64_t kMaxWorkingSetBytes = 1ULL << 50;

}  // namespace fakecri

#endif  // FAKE_CRI_SETTINGS_H_
