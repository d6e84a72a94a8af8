#include "fake-cri/flags.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/units.h"

namespace fakecri {

const char* FlagsUsage() {
  return R"(Usage: fake-cri [flags]
       fake-cri ctl [--socket URL] COMMAND ...   (run `fake-cri ctl --help`)

A fake container runtime that serves the Kubernetes CRI (runtime.v1) on a unix
socket and simulates CheckpointContainer: latency, faults and real archives.

Flags:
  --listen URL                   unix socket to serve on
                                 (default unix:///run/fake-cri/fake-cri.sock)
  --fixture FILE                 JSON node description (fixtures/README.md)
  --time-scale F                 run the latency model F times faster (default 1)
  --checkpoint-fixed-cost D      fixed part of a checkpoint (default 300ms)
  --checkpoint-throughput Q      working set dumped per second (default 320Mi)
  --checkpoint-jitter F          relative spread 0 <= F < 1 (default 0)
  --seed N                       seed for jitter (default 1)
  --default-checkpoint-timeout D bound when a request's timeout is 0 (default 2m)
  --default-working-set Q        working set of CRI-created containers (default 64Mi)
  --flavor cri-o|containerd      archive layout (default cri-o)
  --pages sparse|full            memory pages in the archive (default sparse)
  --fault RULE                   a fault rule, key=value,... (repeatable), e.g.
                                 --fault effect=unimplemented,method=CheckpointContainer
  --log-level debug|info|warn|error (default info)
  --version, --help
Settings given as flags override the fixture's "runtime" section.
)";
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
    auto need = [&]() -> absl::Status {
      if (has_value) return absl::OkStatus();
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(absl::StrCat(name, ": needs a value"));
      value = args[++i];
      return absl::OkStatus();
    };
    auto bad = [&](const std::string& why) {
      return absl::InvalidArgumentError(absl::StrCat(name, " \"", value, "\": ", why));
    };
    if (name.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", name, "\""));
    }
    if (absl::Status s = need(); !s.ok()) return s;
    if (name == "--listen") {
      f.listen = value;
    } else if (name == "--fixture") {
      f.fixture = value;
    } else if (name == "--time-scale") {
      if (!absl::SimpleAtod(value, &f.time_scale) || !(f.time_scale > 0)) {
        return bad("must be a number more than 0");
      }
    } else if (name == "--checkpoint-fixed-cost") {
      auto ns = kit::ParseDurationNanos(value);
      if (!ns.ok()) return bad(std::string(ns.status().message()));
      f.fixed_cost_ns = *ns;
    } else if (name == "--checkpoint-throughput") {
      auto q = kit::ParseByteQuantity(value);
      if (!q.ok()) return bad(std::string(q.status().message()));
      if (*q == 0) return bad("must be more than 0");
      f.throughput = static_cast<double>(*q);
    } else if (name == "--checkpoint-jitter") {
      double j = 0;
      if (!absl::SimpleAtod(value, &j) || !(j >= 0 && j < 1)) return bad("must be in [0, 1)");
      f.jitter = j;
    } else if (name == "--seed") {
      uint64_t seed = 0;
      if (!absl::SimpleAtoi(value, &seed)) return bad("must be a non-negative integer");
      f.seed = seed;
    } else if (name == "--default-checkpoint-timeout") {
      auto ns = kit::ParseDurationNanos(value);
      if (!ns.ok()) return bad(std::string(ns.status().message()));
      if (*ns <= 0) return bad("must be more than 0");
      f.default_timeout_ns = *ns;
    } else if (name == "--default-working-set") {
      auto q = kit::ParseByteQuantity(value);
      if (!q.ok()) return bad(std::string(q.status().message()));
      f.default_working_set = *q;
    } else if (name == "--flavor") {
      auto fl = ParseArchiveFlavor(value);
      if (!fl.ok()) return bad(std::string(fl.status().message()));
      f.flavor = *fl;
    } else if (name == "--pages") {
      auto p = ParsePagesMode(value);
      if (!p.ok()) return bad(std::string(p.status().message()));
      f.pages = *p;
    } else if (name == "--fault") {
      auto rule = ParseFaultFlag(value);
      if (!rule.ok()) return rule.status();
      f.faults.push_back(*rule);
    } else if (name == "--log-level") {
      auto l = kit::ParseLogLevel(value);
      if (!l.ok()) return l.status();
      f.log_level = *l;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", name, " (see --help)"));
    }
  }
  return f;
}

ServerOptions MergeOptions(const Flags& flags, const Fixture* fixture,
                           const std::string& runtime_version) {
  ServerOptions o;
  o.listen = flags.listen;
  CheckpointerOptions& c = o.checkpoint;
  auto pick = [](const auto& flag, const auto* fixture_value, auto* out) {
    if (flag) {
      *out = *flag;
    } else if (fixture_value && *fixture_value) {
      *out = **fixture_value;
    }
  };
  pick(flags.fixed_cost_ns, fixture ? &fixture->fixed_cost_ns : nullptr, &c.latency.fixed_cost_ns);
  pick(flags.throughput, fixture ? &fixture->throughput_bytes_per_second : nullptr,
       &c.latency.throughput_bytes_per_second);
  pick(flags.jitter, fixture ? &fixture->jitter : nullptr, &c.latency.jitter);
  pick(flags.seed, fixture ? &fixture->seed : nullptr, &c.jitter_seed);
  pick(flags.default_timeout_ns, fixture ? &fixture->default_timeout_ns : nullptr,
       &c.default_timeout_ns);
  c.time_scale = flags.time_scale;
  c.flavor = flags.flavor;
  c.pages = flags.pages;
  c.runtime_version = runtime_version;
  o.runtime.runtime_version = runtime_version;
  o.runtime.default_working_set_bytes = flags.default_working_set;
  o.faults = flags.faults;
  o.fixture = fixture;
  return o;
}

}  // namespace fakecri
