#include "fake-cri/flags.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "fake-cri/profiles/runtime_profile.h"

namespace fakecri {

std::string FlagsUsage() {
  std::string usage = R"(Usage: fake-cri [flags]
       fake-cri ctl [--socket URL] COMMAND ...   (run `fake-cri ctl --help`)

A fake container runtime that serves the Kubernetes CRI (runtime.v1) on a unix
socket and simulates CheckpointContainer as a named real runtime does: its texts,
its write semantics, its timing (docs/runtime-profiles.md).

Flags:
  --listen URL                   unix socket to serve on
                                 (default unix:///run/fake-cri/fake-cri.sock)
  --fixture FILE                 JSON node description (fixtures/README.md)
  --time-scale F                 run the latency model F times faster (default 1)
)";
  for (const SettingInfo& s : AllSettings()) {
    if (!*s.flag) continue;
    std::string left = absl::StrCat("  ", s.flag, " ", s.value);
    left = left.size() < 33 ? left + std::string(33 - left.size(), ' ')
                            : absl::StrCat(left, "\n", std::string(33, ' '));
    absl::StrAppend(&usage, left, s.help, "\n");
  }
  absl::StrAppend(&usage, R"(  --fault RULE                   a fault rule, key=value,... (repeatable), e.g.
                                 --fault effect=unimplemented,method=CheckpointContainer
  --log-level debug|info|warn|error (default info)
  --list-profiles                the runtime profiles and what each does
  --version, --help
Settings given as flags override the fixture's "runtime" section, which
overrides the profile (default )",
                  kDefaultRuntimeProfile, ").\n");
  return usage;
}

absl::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags f;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos && name.rfind("--", 0) == 0) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "--help" || name == "-h") {
      f.help = true;
      continue;
    }
    if (name == "--version") {
      f.version = true;
      continue;
    }
    if (name == "--list-profiles") {
      f.list_profiles = true;
      continue;
    }
    if (name.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", name, "\""));
    }
    const SettingInfo* setting = FindSettingByFlag(name);
    if (!setting && name != "--listen" && name != "--fixture" && name != "--time-scale" &&
        name != "--fault" && name != "--log-level") {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", name, " (see --help)"));
    }
    if (!has_value) {
      if (setting && std::string(setting->value) == "BOOL") {
        value = "true";  // a Go bool flag alone means true
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat(name, ": needs a value"));
      }
    }
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(name, " \"", value, "\": ", why));
    };
    if (setting) {
      if (absl::Status s = SetSettingFromText(*setting, value, &f.settings); !s.ok()) {
        return bad(s.message());
      }
    } else if (name == "--listen") {
      f.listen = value;
    } else if (name == "--fixture") {
      f.fixture = value;
    } else if (name == "--time-scale") {
      if (!absl::SimpleAtod(value, &f.time_scale) || !(f.time_scale > 0) ||
          !(f.time_scale < 1e12)) {
        return bad("must be a number more than 0");
      }
    } else if (name == "--fault") {
      auto rule = ParseFaultFlag(value);
      if (!rule.ok()) return rule.status();
      f.faults.push_back(*rule);
    } else if (name == "--log-level") {
      auto l = kit::ParseLogLevel(value);
      if (!l.ok()) return l.status();
      f.log_level = *l;
    }
  }
  return f;
}

absl::StatusOr<ServerOptions> MergeOptions(const Flags& flags, const Fixture* fixture) {
  Settings s;
  if (fixture) s.MergeFrom(fixture->runtime);
  s.MergeFrom(flags.settings);
  const RuntimeProfile* profile = FindRuntimeProfile(s.profile.value_or(kDefaultRuntimeProfile));
  if (!profile) return absl::InvalidArgumentError("unknown runtime profile");  // SetSetting checks
  if (s.criu && !*s.criu && profile->support != CheckpointSupport::kCriu) {
    return absl::InvalidArgumentError(
        absl::StrCat("--criu=false: runtime profile ", profile->name,
                     " does not checkpoint through CRIU, so CRIU cannot be missing from it"));
  }
  ServerOptions o;
  o.listen = flags.listen;
  o.UseProfile(*profile);
  CheckpointerOptions& c = o.checkpoint;
  c.criu = s.criu.value_or(true);
  if (s.fixed_cost_ns) c.latency.fixed_cost_ns = *s.fixed_cost_ns;
  if (s.throughput) c.latency.throughput_bytes_per_second = *s.throughput;
  if (s.jitter) c.latency.jitter = *s.jitter;
  if (s.seed) c.jitter_seed = *s.seed;
  if (s.default_timeout_ns) c.default_timeout_ns = *s.default_timeout_ns;
  c.flavor = s.layout.value_or(profile->layout);
  c.pages = s.pages.value_or(PagesMode::kSparse);
  c.time_scale = flags.time_scale;
  o.runtime.default_working_set_bytes = s.default_working_set.value_or(64ULL << 20);
  if (s.runtime_handlers) o.runtime.runtime_handlers = *s.runtime_handlers;
  o.faults = flags.faults;
  o.fixture = fixture;
  return o;
}

std::string ListProfiles() {
  std::string out;
  for (const RuntimeProfile& p : AllRuntimeProfiles()) {
    const char* how = "";
    switch (p.support) {
      case CheckpointSupport::kMethodMissing: how = "cannot checkpoint (no such method)"; break;
      case CheckpointSupport::kNotImplemented: how = "cannot checkpoint (Unimplemented)"; break;
      case CheckpointSupport::kCriu: how = "checkpoints through CRIU (--criu=false: cannot)"; break;
      case CheckpointSupport::kSimulated: how = "checkpoints (simulated, beyond any runtime)"; break;
    }
    absl::StrAppend(&out, p.name, p.name == std::string(kDefaultRuntimeProfile) ? " (default)" : "",
                    "\n  ", p.covers, "\n  Version: ", p.version.runtime_name, " ",
                    p.version.runtime_version, "\n  ", how, "; archive ",
                    p.write == ArchiveWrite::kInPlace ? "written in place" : "published atomically",
                    ", layout ", ArchiveFlavorName(p.layout), "; request timeout ",
                    p.honours_request_timeout ? "honoured" : "ignored", "\n  latency ",
                    p.latency.fixed_cost_ns / 1'000'000, " ms + working set / ",
                    static_cast<int64_t>(p.latency.throughput_bytes_per_second / (1 << 20)),
                    " MiB/s\n");
  }
  return out;
}

}  // namespace fakecri
