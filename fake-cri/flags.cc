#include "fake-cri/flags.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/flags.h"
#include "fake-cri/profiles/runtime_profile.h"

namespace fakecri {

namespace {

constexpr char kUsageHead[] = R"(Usage: fake-cri [flags]
       fake-cri ctl [--socket URL] COMMAND ...   (run `fake-cri ctl --help`)

A fake container runtime that serves the Kubernetes CRI (runtime.v1) on a unix
socket and simulates CheckpointContainer as a named real runtime does: its texts,
its write semantics, its timing (docs/runtime-profiles.md).

)";

// Every flag of fake-cri, bound to `f`: the parser and the usage text come
// from these registrations (common/flags.h).
kit::FlagSet FakeCriFlags(Flags* f) {
  kit::FlagSet set;
  set.Section("Flags:");
  set.AddString("--listen", "URL",
                "unix socket to serve on\n(default unix:///run/fake-cri/fake-cri.sock)",
                &f->listen);
  set.AddString("--fixture", "FILE", "JSON node description (fixtures/README.md)", &f->fixture);
  set.Add("--time-scale", "F",
          "run the latency model, the simulated processes and their\ntimeouts F times faster "
          "(default 1)",
          [f](const std::string& v) {
            double scale = 0;
            if (!absl::SimpleAtod(v, &scale) || !(scale > 0) || !(scale < 1e12)) {
              return absl::InvalidArgumentError("must be a number more than 0");
            }
            f->time_scale = scale;
            return absl::OkStatus();
          });
  for (const SettingInfo& info : AllSettings()) {
    if (!*info.flag) continue;
    const SettingInfo* setting = &info;
    auto set_setting = [f, setting](const std::string& v) {
      return SetSettingFromText(*setting, v, &f->settings);
    };
    if (setting->kind == SettingKind::kBool) {
      set.AddBool(setting->flag, setting->help, set_setting);
    } else {
      set.Add(setting->flag, setting->value, setting->help, set_setting);
    }
  }
  set.Add("--fault", "RULE",
          "a fault rule, key=value,... (repeatable), e.g.\n"
          "--fault effect=unimplemented,method=CheckpointContainer",
          [f](const std::string& v) {
            auto rule = ParseFaultFlag(v);
            if (!rule.ok()) return rule.status();
            f->faults.push_back(*rule);
            return absl::OkStatus();
          });
  set.Add("--log-level", "LEVEL", "debug, info, warn or error (default info)",
          [f](const std::string& v) {
            auto level = kit::ParseLogLevel(v);
            if (!level.ok()) return level.status();
            f->log_level = *level;
            return absl::OkStatus();
          });
  set.AddSwitch("--list-profiles", "the runtime profiles and what each does",
                [f] { f->list_profiles = true; });
  set.AddSwitch("--version", "the version, and exit", [f] { f->version = true; });
  set.AddSwitch("--help", "this help, and exit", [f] { f->help = true; });
  set.AddSwitch("-h", "", [f] { f->help = true; });
  return set;
}

}  // namespace

std::string FlagsUsage() {
  Flags unused;
  return absl::StrCat(
      kUsageHead, FakeCriFlags(&unused).Usage(),
      "\nSettings given as flags override the fixture's \"runtime\" section, which\n"
      "overrides the profile (default ",
      kDefaultRuntimeProfile, ").\n");
}

absl::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags f;
  auto positional = FakeCriFlags(&f).Parse(args);
  if (!positional.ok()) return positional.status();
  if (!positional->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", positional->front(), "\""));
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
      case CheckpointSupport::kMethodMissing:
        how = "cannot checkpoint (no such method)";
        break;
      case CheckpointSupport::kNotImplemented:
        how = "cannot checkpoint (Unimplemented)";
        break;
      case CheckpointSupport::kCriu:
        how = "checkpoints through CRIU (--criu=false: cannot)";
        break;
      case CheckpointSupport::kSimulated:
        how = "checkpoints (simulated, beyond any runtime)";
        break;
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
