#include "fake-cri/settings.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "fake-cri/annotations.h"
#include "fake-cri/json_fields.h"
#include "fake-cri/profiles/runtime_profile.h"

namespace fakecri {
namespace {

using nlohmann::json;

const std::vector<SettingInfo> kSettings = {
    {"profile", SettingScope::kRuntime, SettingKind::kName, "--runtime-profile", "", "NAME",
     "the real runtime to behave as (fake-cri --list-profiles)"},
    {"criu", SettingScope::kRuntime, SettingKind::kBool, "--criu", "", "BOOL",
     "whether CRIU is installed, for profiles that checkpoint through it (true)"},
    {"checkpoint.fixed_cost", SettingScope::kRuntime, SettingKind::kDuration,
     "--checkpoint-fixed-cost", "", "DURATION", "fixed part of a checkpoint (the profile's)"},
    {"checkpoint.throughput", SettingScope::kRuntime, SettingKind::kQuantity,
     "--checkpoint-throughput", "", "QUANTITY", "working set dumped per second (the profile's)"},
    {"checkpoint.jitter", SettingScope::kRuntime, SettingKind::kFraction, "--checkpoint-jitter", "",
     "F", "relative spread of checkpoint times, 0 <= F < 1 (0)"},
    {"checkpoint.seed", SettingScope::kRuntime, SettingKind::kSeed, "--seed", "", "N",
     "seed for the jitter (1)"},
    {"checkpoint.default_timeout", SettingScope::kRuntime, SettingKind::kDuration,
     "--default-checkpoint-timeout", "", "DURATION",
     "bound when a request's timeout is 0, for profiles that honour the timeout (2m)"},
    {"default_working_set", SettingScope::kRuntime, SettingKind::kQuantity, "--default-working-set",
     "", "QUANTITY", "working set of containers created through CRI without the annotation (64Mi)"},
    {"archive.layout", SettingScope::kRuntime, SettingKind::kName, "--flavor", "",
     "cri-o|containerd|containerd-2.0", "archive layout (the profile's)"},
    {"archive.pages", SettingScope::kRuntime, SettingKind::kName, "--pages", "", "sparse|full",
     "memory pages in the archive: a sample, or all of them (sparse)"},
    {"runtime_handlers", SettingScope::kRuntime, SettingKind::kName, "--runtime-handlers", "",
     "NAMES", "runtime handlers RunPodSandbox accepts, comma-separated (runc)"},
    {"checkpoint.fixed_cost", SettingScope::kContainer, SettingKind::kDuration, "",
     kFixedCostAnnotation, "DURATION", "this container's fixed checkpoint cost"},
    {"checkpoint.throughput", SettingScope::kContainer, SettingKind::kQuantity, "",
     kThroughputAnnotation, "QUANTITY", "this container's checkpoint throughput per second"},
    {"working_set_bytes", SettingScope::kContainer, SettingKind::kQuantity, "",
     kWorkingSetAnnotation, "QUANTITY",
     "the simulated memory: ContainerStats and the latency model"},
};

template <typename T>
absl::Status Put(absl::StatusOr<T> parsed, std::optional<T>* out) {
  if (!parsed.ok()) return parsed.status();
  *out = *parsed;
  return absl::OkStatus();
}

}  // namespace

void Settings::MergeFrom(const Settings& o) {
  auto take = [](const auto& from, auto* to) {
    if (from) *to = from;
  };
  take(o.profile, &profile);
  take(o.criu, &criu);
  take(o.jitter, &jitter);
  take(o.seed, &seed);
  take(o.default_timeout_ns, &default_timeout_ns);
  take(o.default_working_set, &default_working_set);
  take(o.layout, &layout);
  take(o.pages, &pages);
  take(o.runtime_handlers, &runtime_handlers);
  take(o.fixed_cost_ns, &fixed_cost_ns);
  take(o.throughput, &throughput);
  take(o.working_set, &working_set);
}

const std::vector<SettingInfo>& AllSettings() { return kSettings; }

const SettingInfo* FindSettingByFlag(const std::string& flag) {
  for (const SettingInfo& s : kSettings) {
    if (!flag.empty() && flag == s.flag) return &s;
  }
  return nullptr;
}

const SettingInfo* FindSettingByAnnotation(const std::string& annotation) {
  for (const SettingInfo& s : kSettings) {
    if (s.scope == SettingScope::kContainer && annotation == s.annotation) return &s;
  }
  return nullptr;
}

absl::Status SetSetting(const std::string& key, const json& v, Settings* out) {
  if (key == "profile") {
    auto name = JsonString(v);
    if (!name.ok()) return name.status();
    if (!FindRuntimeProfile(*name)) {
      return absl::InvalidArgumentError(absl::StrCat("unknown runtime profile \"", *name,
                                                     "\" (one of ", RuntimeProfileNames(), ")"));
    }
    out->profile = *name;
    return absl::OkStatus();
  }
  if (key == "criu") return Put(JsonBool(v), &out->criu);
  if (key == "checkpoint.fixed_cost") return Put(JsonDuration(v), &out->fixed_cost_ns);
  if (key == "checkpoint.default_timeout") {
    auto ns = JsonDuration(v);
    if (ns.ok() && *ns <= 0) return absl::InvalidArgumentError("must be more than 0");
    return Put(std::move(ns), &out->default_timeout_ns);
  }
  if (key == "checkpoint.throughput") {
    auto q = JsonQuantity(v);
    if (!q.ok()) return q.status();
    if (*q == 0) return absl::InvalidArgumentError("must be more than 0 bytes per second");
    out->throughput = static_cast<double>(*q);
    return absl::OkStatus();
  }
  if (key == "checkpoint.jitter") {
    auto j = JsonNumber(v);
    if (j.ok() && !(*j >= 0 && *j < 1)) {
      return absl::InvalidArgumentError("must be at least 0 and less than 1");
    }
    return Put(std::move(j), &out->jitter);
  }
  if (key == "checkpoint.seed") {
    if (v.is_number_unsigned()) {
      out->seed = v.get<uint64_t>();
      return absl::OkStatus();
    }
    if (v.is_number_integer()) return absl::InvalidArgumentError("must not be negative");
    return absl::InvalidArgumentError(absl::StrCat("expected an integer, got ", v.type_name()));
  }
  if (key == "default_working_set" || key == "working_set_bytes") {
    auto q = JsonQuantity(v);
    if (!q.ok()) return q.status();
    if (*q > kMaxWorkingSetBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(*q,
                       " bytes is more than the 1 PiB (1125899906842624 bytes) a container "
                       "may have here"));
    }
    (key == "working_set_bytes" ? out->working_set : out->default_working_set) = *q;
    return absl::OkStatus();
  }
  if (key == "archive.layout") {
    auto t = JsonString(v);
    if (!t.ok()) return t.status();
    return Put(ParseArchiveFlavor(*t), &out->layout);
  }
  if (key == "runtime_handlers") {
    // A JSON array of names, or one comma-separated string (the flag's form).
    std::vector<std::string> names;
    if (v.is_string()) {
      for (absl::string_view n : absl::StrSplit(v.get<std::string>(), ',', absl::SkipEmpty())) {
        names.emplace_back(n);
      }
    } else if (v.is_array()) {
      for (const json& n : v) {
        if (!n.is_string()) return absl::InvalidArgumentError("expected an array of names");
        names.push_back(n.get<std::string>());
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "expected an array of names or a comma-separated string, got ", v.type_name()));
    }
    for (const std::string& n : names) {
      if (n.empty() || n.find_first_of(" \t\n") != std::string::npos) {
        return absl::InvalidArgumentError(absl::StrCat("\"", n, "\" is not a handler name"));
      }
    }
    out->runtime_handlers = std::move(names);
    return absl::OkStatus();
  }
  if (key == "archive.pages") {
    auto t = JsonString(v);
    if (!t.ok()) return t.status();
    return Put(ParsePagesMode(*t), &out->pages);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown setting \"", key, "\""));
}

absl::Status SetSettingFromText(const SettingInfo& setting, const std::string& text,
                                Settings* out) {
  json value = text;
  switch (setting.kind) {
    case SettingKind::kName:
    case SettingKind::kDuration:
    case SettingKind::kQuantity:
      break;  // strings already
    case SettingKind::kBool:
      // Go's strconv.ParseBool spellings, as the kubelet's flags take them.
      if (text == "1" || text == "t" || text == "T" || text == "true" || text == "TRUE" ||
          text == "True") {
        value = true;
      } else if (text == "0" || text == "f" || text == "F" || text == "false" || text == "FALSE" ||
                 text == "False") {
        value = false;
      } else {
        return absl::InvalidArgumentError("expected true or false");
      }
      break;
    case SettingKind::kFraction: {
      double d = 0;
      if (!absl::SimpleAtod(text, &d)) return absl::InvalidArgumentError("expected a number");
      value = d;
      break;
    }
    case SettingKind::kSeed: {
      uint64_t n = 0;
      if (!absl::SimpleAtoi(text, &n)) {
        return absl::InvalidArgumentError("expected a non-negative integer");
      }
      value = n;
      break;
    }
  }
  return SetSetting(setting.key, value, out);
}

absl::Status ParseSettingsObject(const json& object, const std::string& path, SettingScope scope,
                                 const std::vector<std::string>& skip, Settings* out) {
  if (!object.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected an object, got ", object.type_name()));
  }
  for (const auto& [name, value] : object.items()) {
    if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    const std::string key_path = absl::StrCat(path, ".", name);
    bool is_group = false;
    for (const SettingInfo& s : kSettings) {
      if (s.scope == scope && std::string(s.key).rfind(name + ".", 0) == 0) is_group = true;
    }
    if (is_group && !value.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(key_path, ": expected an object, got ", value.type_name()));
    }
    if (is_group) {
      // A group: {"checkpoint": {"fixed_cost": ...}} is the key checkpoint.fixed_cost.
      for (const auto& [sub, sub_value] : value.items()) {
        const std::string key = absl::StrCat(name, ".", sub);
        bool known = false;
        for (const SettingInfo& s : kSettings) known |= s.scope == scope && key == s.key;
        if (!known)
          return absl::InvalidArgumentError(absl::StrCat(key_path, ".", sub, ": unknown key"));
        if (absl::Status st = SetSetting(key, sub_value, out); !st.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(key_path, ".", sub, ": ", st.message()));
        }
      }
      continue;
    }
    bool known = false;
    for (const SettingInfo& s : kSettings) known |= s.scope == scope && name == s.key;
    if (!known) return absl::InvalidArgumentError(absl::StrCat(key_path, ": unknown key"));
    if (absl::Status st = SetSetting(name, value, out); !st.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(key_path, ": ", st.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace fakecri
