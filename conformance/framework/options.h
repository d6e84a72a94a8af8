#ifndef CONFORMANCE_FRAMEWORK_OPTIONS_H_
#define CONFORMANCE_FRAMEWORK_OPTIONS_H_

// The checkpoint-conformance command line (usage text: OptionsUsage()).
// Without target flags the suite starts its own stack (fake-cri + endpoint).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "conformance/framework/runner.h"
#include "conformance/framework/target.h"

namespace conformance {

struct Options {
  RunOptions run;
  std::string report_dir;
  bool list = false;
  bool verbose = false;
  bool help = false;
  bool strict = false;               // SHOULD failures fail the run
  bool expect_enabled = false;       // no checkpoint API is a failure
  std::optional<int> kubelet_minor;  // --kubelet-version

  // Endpoint mode (--endpoint-url set).
  std::optional<EndpointTarget> endpoint;
  // Runtime mode (--runtime-endpoint set).
  std::optional<RuntimeTarget> runtime;
  std::string fake_cri_control;  // unix:///... of a fake-cri whose faults we may set

  // Bundled stack only: extra flags for its fake-cri and endpoint (meta-tests
  // use them to run the suite against a deliberately broken stack).
  std::vector<std::string> fake_cri_flags, endpoint_flags;

  bool bundled() const { return !endpoint && !runtime; }
};

// Errors name the flag and say what is wrong (common/flags.h).
absl::StatusOr<Options> ParseOptions(const std::vector<std::string>& args);
std::string OptionsUsage();

// "ns/pod/name" -> ContainerRef.
absl::StatusOr<ContainerRef> ParseContainerRef(const std::string& text);

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_OPTIONS_H_
