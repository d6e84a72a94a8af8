#include <set>

#include "fake-cri/profiles/runtime_profile.h"
#include "gtest/gtest.h"

namespace fakecri {
namespace {

TEST(RuntimeProfiles, EveryFamilyTheKitModelsIsThere) {
  std::set<std::string> names;
  for (const RuntimeProfile& p : AllRuntimeProfiles()) names.insert(p.name);
  EXPECT_EQ(names, (std::set<std::string>{"containerd-1.6.0", "containerd-1.6.9", "containerd-2.0",
                                          "containerd-2.1", "containerd-2.2", "containerd-2.3",
                                          "containerd-2.4", "cri-o", "reference"}));
  ASSERT_NE(FindRuntimeProfile(kDefaultRuntimeProfile), nullptr);
  EXPECT_EQ(FindRuntimeProfile("containerd"), nullptr);
}

// Every text a profile can answer with is there and says where it comes from.
TEST(RuntimeProfiles, EveryTextThatCanBeAnsweredHasASource) {
  for (const RuntimeProfile& p : AllRuntimeProfiles()) {
    SCOPED_TRACE(p.name);
    EXPECT_NE(std::string(p.covers), "");
    EXPECT_NE(std::string(p.version.runtime_name), "");
    EXPECT_NE(std::string(p.version.runtime_version), "");
    EXPECT_EQ(std::string(p.version.runtime_api_version), "v1");
    EXPECT_NE(std::string(p.version.source), "");
    EXPECT_NE(std::string(p.latency_source), "");
    EXPECT_GT(p.latency.throughput_bytes_per_second, 0);
    std::vector<const ProfileText*> used;
    switch (p.support) {
      case CheckpointSupport::kMethodMissing:
      case CheckpointSupport::kNotImplemented:
        used = {&p.unsupported};
        break;
      case CheckpointSupport::kCriu:
        used = {&p.no_criu,     &p.unknown_id,   &p.not_running,
                &p.open_failed, &p.write_failed, &p.busy};
        break;
      case CheckpointSupport::kSimulated:
        used = {&p.unknown_id, &p.not_running};
        break;
    }
    for (const ProfileText* t : used) {
      EXPECT_NE(std::string(t->text), "");
      EXPECT_NE(std::string(t->source), "");
    }
    // Only the reference profile goes beyond what runtimes do.
    const bool reference = std::string(p.name) == "reference";
    EXPECT_EQ(p.write == ArchiveWrite::kAtomic, reference);
    EXPECT_EQ(p.honours_request_timeout, reference);
    EXPECT_EQ(p.stops_at_deadline, reference);
  }
}

TEST(RuntimeProfiles, RenderFillsEveryPlaceholder) {
  ProfileText t{absl::StatusCode::kUnknown, "{id} {full_id} {location} {state} {method} {error}",
                "x"};
  TextArgs a;
  a.id = "ab";
  a.full_id = "abcdef";
  a.location = "/l";
  a.state = "CONTAINER_EXITED";
  a.method = "M";
  a.error = "open /l: is a directory";
  EXPECT_EQ(Render(t, a),
            absl::UnknownError("ab abcdef /l CONTAINER_EXITED M open /l: is a directory"));
  a.full_id.clear();
  EXPECT_EQ(Render({absl::StatusCode::kNotFound, "{full_id}", "x"}, a), absl::NotFoundError("ab"));
}

}  // namespace
}  // namespace fakecri
