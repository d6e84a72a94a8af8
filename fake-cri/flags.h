#ifndef FAKE_CRI_FLAGS_H_
#define FAKE_CRI_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log.h"
#include "fake-cri/fixture.h"
#include "fake-cri/server.h"
#include "fake-cri/settings.h"

namespace fakecri {

// The fake-cri command line, parsed but not yet merged with a fixture: an unset
// setting leaves the fixture's (or the profile's, or the built-in) value in force.
struct Flags {
  std::string listen = "unix:///run/fake-cri/fake-cri.sock";
  std::string fixture;
  double time_scale = 1;
  Settings settings;  // every flag of AllSettings()
  std::vector<FaultRule> faults;
  kit::LogLevel log_level = kit::LogLevel::kInfo;
  bool help = false;
  bool version = false;
  bool list_profiles = false;
};

// Accepts `--name value` and `--name=value`. Errors name the flag.
absl::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args);
std::string FlagsUsage();

// Flags over fixture over the runtime profile over built-in defaults. Fails on
// a combination no runtime has (--criu=false with a profile that does not
// checkpoint through CRIU).
absl::StatusOr<ServerOptions> MergeOptions(const Flags& flags, const Fixture* fixture);

// The profiles as `fake-cri --list-profiles` prints them: name, what it covers,
// its Version answer, how it checkpoints.
std::string ListProfiles();

}  // namespace fakecri

#endif  // FAKE_CRI_FLAGS_H_
