#ifndef FAKE_CRI_FIXTURE_H_
#define FAKE_CRI_FIXTURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fake-cri/fault_rules.h"
#include "fake-cri/image_store.h"
#include "fake-cri/settings.h"
#include "fake-cri/store.h"

namespace fakecri {

class ImageServiceImpl;

struct FixtureContainer {
  Container container;  // id, sandbox id and times are filled in when loaded
  std::vector<FaultRule> faults;
};

struct FixturePod {
  Sandbox sandbox;
  std::vector<FixtureContainer> containers;
};

// A node described in JSON (format: fixtures/README.md). Runtime settings are
// optional so that flags can take precedence over them.
struct Fixture {
  Settings runtime;  // the "runtime" section's settings
  std::vector<FaultRule> faults;
  // The node's images (and those the registry lacks); absent = DefaultImages().
  std::optional<std::vector<ImageEntry>> images;
  std::vector<FixturePod> pods;
};

// Parses a fixture. Every error reads `<file>: <JSON path>: <problem>` and covers
// unreadable files, bad JSON (with line and column), unknown keys, wrong types,
// bad or out-of-range values, names no Kubernetes object can have, and
// duplicate pod or container names.
absl::StatusOr<Fixture> ParseFixture(const std::string& text, const std::string& file_name);
absl::StatusOr<Fixture> LoadFixture(const std::string& path);

// Puts the fixture's images into `images` (DefaultImages() when it lists
// none), its pods and containers into the store as a kubelet would have
// created them (with the io.kubernetes.* labels; a container's image is on
// the node even when the list omits it), and their fault rules into `faults`.
// `fixture` may be null: a node with the default images and nothing else.
absl::Status PopulateFromFixture(const Fixture* fixture, Store* store, FaultRules* faults,
                                 ImageStore* images);

}  // namespace fakecri

#endif  // FAKE_CRI_FIXTURE_H_
