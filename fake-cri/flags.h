#ifndef FAKE_CRI_FLAGS_H_
#define FAKE_CRI_FLAGS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fake-cri/fixture.h"
#include "common/log.h"
#include "fake-cri/server.h"

namespace fakecri {

// The fake-cri command line, parsed but not yet merged with a fixture: an unset
// flag leaves the fixture's (or the built-in) value in force.
struct Flags {
  std::string listen = "unix:///run/fake-cri/fake-cri.sock";
  std::string fixture;
  double time_scale = 1;
  std::optional<int64_t> fixed_cost_ns;
  std::optional<double> throughput;
  std::optional<double> jitter;
  std::optional<uint64_t> seed;
  std::optional<int64_t> default_timeout_ns;
  uint64_t default_working_set = 64ULL << 20;
  ArchiveFlavor flavor = ArchiveFlavor::kCrio;
  PagesMode pages = PagesMode::kSparse;
  std::vector<FaultRule> faults;
  kit::LogLevel log_level = kit::LogLevel::kInfo;
  bool help = false;
  bool version = false;
};

// Accepts `--name value` and `--name=value`. Errors name the flag.
absl::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args);
const char* FlagsUsage();

// Flags over fixture over defaults.
ServerOptions MergeOptions(const Flags& flags, const Fixture* fixture,
                           const std::string& runtime_version);

}  // namespace fakecri

#endif  // FAKE_CRI_FLAGS_H_
