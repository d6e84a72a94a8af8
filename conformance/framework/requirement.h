#ifndef CONFORMANCE_FRAMEWORK_REQUIREMENT_H_
#define CONFORMANCE_FRAMEWORK_REQUIREMENT_H_

// One requirement of the checkpoint API and the test that checks it. Each area
// file (responses_test.cc, auth_test.cc, ...) adds its requirements to a list
// through its Add<Area>Requirements function; suite.cc gathers all areas.

#include <functional>
#include <string>
#include <vector>

namespace conformance {

class TestContext;

// What a requirement needs from the target. When a need is not met the test is
// skipped, and the skip says which flag would provide it.
enum Need : unsigned {
  kNeedsEndpoint = 1u << 0,  // an endpoint URL (bundled, or --endpoint-url)
  kNeedsRuntime = 1u << 1,   // a CRI socket (bundled, or --runtime-endpoint)
  kNeedsControl = 1u << 2,   // a fake-cri whose faults we can set (bundled, --fake-cri-control)
  // Anonymous auth off: requests without credentials are refused (401). Not
  // applicable on a node with anonymous auth on, which is configuration.
  kNeedsAnonymousOff = 1u << 3,
};

// How binding a requirement is. MUST: the Kubernetes docs, or what a correct
// kubelet of the target's version does (a node that fails it is wrong).
// SHOULD: hardening beyond upstream (unique archive names, anonymous auth off,
// a tightened checkpoints directory, nothing partial left on failure): reported
// on their own, and failing the exit status only with --strict.
enum class Level { kMust, kShould };
const char* LevelName(Level level);  // "MUST", "SHOULD"

struct Requirement {
  // "area.name", stable: filters, reports, the meta-tests and README use it.
  std::string id;
  // The requirement as a sentence, e.g. "an unknown container answers 404 ...".
  std::string title;
  unsigned needs = 0;
  // Reads state that other tests change (metrics, the checkpoints directory):
  // runs alone, after the parallel phase.
  bool serial = false;
  // Sets faults in the runtime: runs alone unless the target gives each such
  // test a container of its own (the bundled stack does).
  bool injects_faults = false;
  std::function<void(TestContext&)> run;
  Level level = Level::kMust;
};

using Requirements = std::vector<Requirement>;

// The requirement that says whether the node serves the checkpoint API at
// all; when it does not, every other endpoint requirement is skipped for it.
inline constexpr char kApiEnabledRequirement[] = "responses.checkpoint-api-enabled";

// The areas, one file each.
void AddResponseRequirements(Requirements* out);
void AddAuthRequirements(Requirements* out);
void AddTimeoutRequirements(Requirements* out);
void AddArchiveRequirements(Requirements* out);
void AddConcurrencyRequirements(Requirements* out);
void AddMetricsRequirements(Requirements* out);
void AddRuntimeRequirements(Requirements* out);

// Every requirement, in report order.
Requirements AllRequirements();

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_REQUIREMENT_H_
