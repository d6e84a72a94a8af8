#include "fake-cri/fault_rules.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/grpc_codes.h"
#include "common/units.h"
#include "fake-cri/json_fields.h"
#include "fake-cri/profiles/runtime_profile.h"

namespace fakecri {
namespace {

struct EffectName {
  FaultEffect effect;
  const char* name;
};
constexpr EffectName kEffectNames[] = {
    {FaultEffect::kUnimplementedUnknownMethod, "unimplemented-unknown-method"},
    {FaultEffect::kUnimplemented, "unimplemented"},
    {FaultEffect::kCrioNoCriu, "crio-no-criu"},
    {FaultEffect::kContainerdNoCriu, "containerd-no-criu"},
    {FaultEffect::kContainerd24NoCriu, "containerd-2.4-no-criu"},
    {FaultEffect::kNotFound, "not-found"},
    {FaultEffect::kNotRunning, "not-running"},
    {FaultEffect::kCheckpointConflict, "checkpoint-conflict"},
    {FaultEffect::kError, "error"},
    {FaultEffect::kLatency, "latency"},
    {FaultEffect::kHang, "hang"},
    {FaultEffect::kDiskFull, "disk-full"},
    {FaultEffect::kCrash, "crash"},
    {FaultEffect::kArchiveMode0644, "archive-mode-0644"},
    {FaultEffect::kNoArchive, "no-archive"},
    {FaultEffect::kArchiveElsewhere, "archive-elsewhere"},
    {FaultEffect::kNotATar, "not-a-tar"},
    {FaultEffect::kMissingEntry, "missing-entry"},
};

const char* EffectToName(FaultEffect e) {
  for (const auto& en : kEffectNames) {
    if (en.effect == e) return en.name;
  }
  return "?";
}

bool IsArchiveEffect(FaultEffect e) {
  switch (e) {
    case FaultEffect::kDiskFull:
    case FaultEffect::kCrash:
    case FaultEffect::kArchiveMode0644:
    case FaultEffect::kNoArchive:
    case FaultEffect::kArchiveElsewhere:
    case FaultEffect::kNotATar:
    case FaultEffect::kMissingEntry:
      return true;
    default:
      return false;
  }
}

bool IsErrorEffect(FaultEffect e) {
  switch (e) {
    case FaultEffect::kUnimplementedUnknownMethod:
    case FaultEffect::kUnimplemented:
    case FaultEffect::kCrioNoCriu:
    case FaultEffect::kContainerdNoCriu:
    case FaultEffect::kContainerd24NoCriu:
    case FaultEffect::kNotFound:
    case FaultEffect::kNotRunning:
    case FaultEffect::kCheckpointConflict:
    case FaultEffect::kError:
      return true;
    default:
      return false;
  }
}

bool IsAny(const std::string& s) { return s.empty() || s == "*"; }

}  // namespace

absl::StatusOr<int> ParseGrpcCode(const nlohmann::json& value) {
  if (value.is_number_integer()) {
    int64_t n = value.get<int64_t>();
    if (n >= 1 && n <= 16) return static_cast<int>(n);
  } else if (value.is_string()) {
    std::string s = value.get<std::string>();
    if (int code = kit::GrpcCodeFromName(s); code >= 1) return code;
    int n = 0;
    if (absl::SimpleAtoi(s, &n) && n >= 1 && n <= 16) return n;
  }
  return absl::InvalidArgumentError(
      "expected a gRPC error code 1-16 or its name (Canceled, Unknown, InvalidArgument, "
      "DeadlineExceeded, NotFound, AlreadyExists, PermissionDenied, ResourceExhausted, "
      "FailedPrecondition, Aborted, OutOfRange, Unimplemented, Internal, Unavailable, DataLoss, "
      "Unauthenticated)");
}

nlohmann::json FaultRule::ToJson() const {
  nlohmann::json j;
  if (!IsAny(method)) j["method"] = method;
  if (!IsAny(container)) j["container"] = container;
  j["effect"] = EffectToName(effect);
  if (effect == FaultEffect::kError) {
    j["code"] = kit::GrpcCodeName(code);
    j["message"] = message;
  }
  if (effect == FaultEffect::kLatency) {
    j["latency"] = latency_ns % 1000000 == 0 ? absl::StrCat(latency_ns / 1000000, "ms")
                                             : absl::StrCat(latency_ns, "ns");
  }
  if (effect == FaultEffect::kDiskFull || effect == FaultEffect::kCrash)
    j["after_bytes"] = after_bytes;
  if (effect == FaultEffect::kMissingEntry) j["entry"] = entry;
  if (nth) j["nth"] = nth;
  if (probability < 1) {
    j["probability"] = probability;
    j["seed"] = seed;
  }
  return j;
}

absl::StatusOr<FaultRule> ParseFaultRule(const nlohmann::json& json, const std::string& path) {
  if (auto s = JsonFields::Open(json, path); !s.ok()) return s;
  JsonFields f(json, path);
  FaultRule r;
  std::string effect;
  if (auto s = f.GetString("method", &r.method); !s.ok()) return s;
  if (auto s = f.GetString("container", &r.container); !s.ok()) return s;
  if (auto s = f.GetString("effect", &effect); !s.ok()) return s;
  if (effect.empty()) return f.Error("effect", "missing (every fault rule names its effect)");
  bool found = false;
  for (const auto& en : kEffectNames) {
    if (effect == en.name) {
      r.effect = en.effect;
      found = true;
    }
  }
  if (!found) {
    std::string names;
    for (const auto& en : kEffectNames) absl::StrAppend(&names, names.empty() ? "" : ", ", en.name);
    return f.Error("effect", absl::StrCat("unknown effect \"", effect, "\" (one of ", names, ")"));
  }
  if (const auto* code = f.Take("code")) {
    auto c = ParseGrpcCode(*code);
    if (!c.ok()) return f.Error("code", std::string(c.status().message()));
    r.code = *c;
  }
  if (auto s = f.GetString("message", &r.message); !s.ok()) return s;
  if (auto s = f.GetDuration("latency", &r.latency_ns); !s.ok()) return s;
  if (auto s = f.GetBytes("after_bytes", &r.after_bytes); !s.ok()) return s;
  if (auto s = f.GetString("entry", &r.entry); !s.ok()) return s;
  int64_t nth = 0;
  if (auto s = f.GetInt("nth", &nth); !s.ok()) return s;
  if (nth < 0) return f.Error("nth", "must be 1 or more");
  r.nth = static_cast<uint64_t>(nth);
  if (f.Take("probability")) {
    if (auto s = f.GetDouble("probability", &r.probability); !s.ok()) return s;
    if (!(r.probability >= 0 && r.probability <= 1)) {
      return f.Error("probability", "must be between 0 and 1");
    }
  }
  int64_t seed = 1;
  if (auto s = f.GetInt("seed", &seed); !s.ok()) return s;
  r.seed = static_cast<uint64_t>(seed);
  if (auto s = f.CheckNoUnknownKeys(); !s.ok()) return s;

  if (r.nth && r.probability < 1) return f.Error("nth", "cannot be combined with probability");
  if (r.effect == FaultEffect::kLatency && r.latency_ns <= 0) {
    return f.Error("latency", "missing (effect latency needs a duration such as \"2s\")");
  }
  if (r.effect == FaultEffect::kMissingEntry && r.entry != "spec.dump" &&
      r.entry != "config.dump" && r.entry != "checkpoint/inventory.img") {
    return f.Error("entry", "must be spec.dump, config.dump or checkpoint/inventory.img");
  }
  if (r.effect == FaultEffect::kError && r.message.empty()) {
    return f.Error("message", "missing (effect error needs a message)");
  }
  if (IsArchiveEffect(r.effect) && !IsAny(r.method) && r.method != "CheckpointContainer") {
    return f.Error("method",
                   absl::StrCat("effect ", effect, " applies to CheckpointContainer only"));
  }
  if (IsArchiveEffect(r.effect)) r.method = "CheckpointContainer";
  return r;
}

absl::StatusOr<FaultRule> ParseFaultFlag(const std::string& text) {
  nlohmann::json j = nlohmann::json::object();
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (kv.second.empty() && part.find('=') == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("\"", part, "\" is not key=value"));
    }
    const std::string& k = kv.first;
    const std::string& v = kv.second;
    int64_t n = 0;
    double d = 0;
    if ((k == "nth" || k == "seed") && absl::SimpleAtoi(v, &n)) {
      j[k] = n;
    } else if (k == "probability" && absl::SimpleAtod(v, &d)) {
      j[k] = d;
    } else {
      j[k] = v;
    }
  }
  return ParseFaultRule(j, "--fault");
}

absl::Status FaultError(const FaultRule& rule, const std::string& method,
                        const std::string& container_id) {
  // The texts are the runtime profiles' (profiles/runtime_profiles.cc, with
  // their sources), so a fault and a profile never disagree.
  TextArgs args;
  args.id = container_id;
  args.method = method;
  args.state = "CONTAINER_EXITED";
  auto text = [&](const char* profile, ProfileText RuntimeProfile::*field) {
    return Render(FindRuntimeProfile(profile)->*field, args);
  };
  switch (rule.effect) {
    case FaultEffect::kUnimplementedUnknownMethod:
      return text("containerd-1.6.0", &RuntimeProfile::unsupported);
    case FaultEffect::kUnimplemented:
      return text("containerd-1.6.9", &RuntimeProfile::unsupported);
    case FaultEffect::kCrioNoCriu:
      return text("cri-o", &RuntimeProfile::no_criu);
    case FaultEffect::kContainerdNoCriu:
      return text("containerd-2.1", &RuntimeProfile::no_criu);
    case FaultEffect::kContainerd24NoCriu:
      return text("containerd-2.4", &RuntimeProfile::no_criu);
    case FaultEffect::kNotFound:
      return text("cri-o", &RuntimeProfile::unknown_id);
    case FaultEffect::kNotRunning:
      return text("containerd-2.1", &RuntimeProfile::not_running);
    case FaultEffect::kCheckpointConflict:
      return text("containerd-2.1", &RuntimeProfile::busy);
    case FaultEffect::kError:
      return absl::Status(static_cast<absl::StatusCode>(rule.code), rule.message);
    default:
      return absl::OkStatus();
  }
}

absl::StatusOr<std::string> FaultRules::Add(FaultRule rule) {
  if (!methods_.empty() && !IsAny(rule.method) &&
      std::find(methods_.begin(), methods_.end(), rule.method) == methods_.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "method \"", rule.method, "\" is not a CRI method this runtime serves (one of ",
        absl::StrJoin(methods_, ", "), ")"));
  }
  if (IsArchiveEffect(rule.effect)) {
    if (!IsAny(rule.method) && rule.method != "CheckpointContainer") {
      return absl::InvalidArgumentError(absl::StrCat("effect ", EffectToName(rule.effect),
                                                     " applies to CheckpointContainer only"));
    }
    rule.method = "CheckpointContainer";
  }
  std::lock_guard<std::mutex> lock(mu_);
  Entry e;
  e.state.id = absl::StrCat("f", next_id_++);
  e.state.rule = std::move(rule);
  e.rng = std::make_unique<std::mt19937_64>(e.state.rule.seed);
  rules_.push_back(std::move(e));
  return rules_.back().state.id;
}

int FaultRules::Clear(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t before = rules_.size();
  if (id.empty()) {
    rules_.clear();
  } else {
    rules_.erase(std::remove_if(rules_.begin(), rules_.end(),
                                [&](const Entry& e) { return e.state.id == id; }),
                 rules_.end());
  }
  return static_cast<int>(before - rules_.size());
}

void FaultRules::ClearForContainer(const std::string& container_id) {
  std::lock_guard<std::mutex> lock(mu_);
  rules_.erase(
      std::remove_if(rules_.begin(), rules_.end(),
                     [&](const Entry& e) { return e.state.rule.container == container_id; }),
      rules_.end());
}

std::vector<FaultRules::RuleState> FaultRules::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RuleState> out;
  for (const auto& e : rules_) out.push_back(e.state);
  return out;
}

uint64_t FaultRules::InjectedTotal() const {
  std::lock_guard<std::mutex> lock(mu_);
  return injected_total_;
}

FaultDecision FaultRules::Decide(const std::string& method, const std::string& container_id,
                                 const std::string& container_name) {
  FaultDecision d;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : rules_) {
    const FaultRule& r = e.state.rule;
    if (!IsAny(r.method) && r.method != method) continue;
    if (!IsAny(r.container) && r.container != container_id &&
        (container_name.empty() || r.container != container_name)) {
      continue;
    }
    uint64_t n = ++e.state.matched;
    bool fire = true;
    if (r.nth) {
      fire = n == r.nth;
    } else if (r.probability < 1) {
      fire = std::uniform_real_distribution<double>(0, 1)(*e.rng) < r.probability;
    }
    if (!fire) continue;
    ++e.state.injected;
    ++injected_total_;
    ++d.fired;
    if (IsErrorEffect(r.effect)) {
      if (!d.error) d.error = FaultError(r, method, container_id);
      continue;
    }
    switch (r.effect) {
      case FaultEffect::kLatency:
        d.extra_latency_ns += r.latency_ns;
        break;
      case FaultEffect::kHang:
        d.hang = true;
        break;
      case FaultEffect::kDiskFull:
        d.archive.disk_full_after = r.after_bytes;
        break;
      case FaultEffect::kCrash:
        d.archive.crash_after = r.after_bytes;
        break;
      case FaultEffect::kArchiveMode0644:
        d.archive.mode_0644 = true;
        break;
      case FaultEffect::kNoArchive:
        d.archive.no_archive = true;
        break;
      case FaultEffect::kArchiveElsewhere:
        d.archive.elsewhere = true;
        break;
      case FaultEffect::kNotATar:
        d.archive.not_a_tar = true;
        break;
      case FaultEffect::kMissingEntry:
        d.archive.missing_entries.push_back(r.entry);
        break;
      default:
        break;
    }
  }
  return d;
}

}  // namespace fakecri
