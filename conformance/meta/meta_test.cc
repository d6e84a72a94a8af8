// The suite must be able to fail: run checkpoint-conformance against a stack
// broken in one way and assert that exactly the requirements that describe that
// breakage fail -- no more, no fewer -- with a message that says what is wrong.
// Archive properties are asserted at two levels (through the endpoint and at
// the CRI), so a broken archive fails one archive.* and one runtime.* test.

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fake-cri/testing/temp_dir.h"
#include "fake-cri/tests/subprocess.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace conformance {
namespace {

struct Breakage {
  const char* name;
  std::vector<std::string> flags;  // for the bundled stack; "%DIR%" = a temp dir
  std::set<std::string> failing;   // exactly these requirements fail
  std::string message;             // ... each saying this
};

void PrintTo(const Breakage& b, std::ostream* os) { *os << b.name; }

std::string Fault(const std::string& rule) {
  return "--fake-cri-flag=--fault=" + rule + ",method=CheckpointContainer";
}

const Breakage kBreakages[] = {
    {"ArchiveMode0644", {Fault("effect=archive-mode-0644")},
     {"archive.owner-only-0600", "runtime.checkpoint-archive-mode-0600"}, "0644, want 0600"},
    {"OkWithoutArchive", {Fault("effect=no-archive")},
     {"archive.regular-file-at-returned-path", "runtime.checkpoint-writes-regular-file-at-location"},
     "nothing"},
    {"ArchiveElsewhere", {Fault("effect=archive-elsewhere")},
     {"archive.regular-file-at-returned-path", "runtime.checkpoint-writes-regular-file-at-location"},
     "misplaced-"},
    {"NotATar", {Fault("effect=not-a-tar")},
     {"archive.readable-by-independent-tar-reader", "runtime.checkpoint-archive-is-plain-tar"},
     "not a plain"},
    {"MissingEntry", {Fault("effect=missing-entry,entry=checkpoint/inventory.img")},
     {"archive.contains-required-entries", "runtime.checkpoint-archive-has-required-entries"},
     "lacks"},
    // Endpoint configurations that are wrong for a node.
    {"AnonymousAuthOn", {"--endpoint-flag=--anonymous-auth=true"},
     {"auth.401-without-credentials", "auth.401-before-pod-lookup"}, "want 401"},
    {"PolicyAllowsEveryone", {"--endpoint-flag=--authorization-policy-file=%DIR%/allow-all.json"},
     {"auth.403-not-allowed", "auth.403-before-pod-lookup"}, "want 403"},
};

class SuiteAgainstBrokenStack : public ::testing::TestWithParam<Breakage> {};

TEST_P(SuiteAgainstBrokenStack, FailsExactlyTheRequirementsForTheBreakage) {
  const Breakage& b = GetParam();
  fakecri::TempDir dir;
  std::ofstream(dir.Join("allow-all.json"))
      << R"({"rules":[{"users":["*"],"verbs":["*"],"subresources":["*"]}]})";
  std::vector<std::string> argv = {CONFORMANCE_BINARY, "--parallel", "8", "--report-dir",
                                   dir.Join("report")};
  for (std::string f : b.flags) {
    if (auto at = f.find("%DIR%"); at != std::string::npos) f.replace(at, 5, dir.path());
    argv.push_back(f);
  }
  fakecri::Subprocess suite(argv, dir.Join("suite"));
  ASSERT_TRUE(suite.started());
  ASSERT_TRUE(suite.Wait(std::chrono::seconds(120))) << "the suite did not finish in 120 s";
  EXPECT_TRUE(suite.ExitedWith(1)) << suite.Stdout() << suite.Stderr();

  std::ifstream in(dir.Join("report/results.json"));
  ASSERT_TRUE(in.good()) << "no results.json:\n" << suite.Stdout() << suite.Stderr();
  nlohmann::json results = nlohmann::json::parse(in);
  std::set<std::string> failed;
  for (const auto& r : results["results"]) {
    if (r["outcome"] != "failed") continue;
    std::string id = r["id"], message = r["message"];
    failed.insert(id);
    if (b.failing.count(id)) {
      EXPECT_NE(message.find(b.message), std::string::npos)
          << id << "'s message does not say \"" << b.message << "\": " << message;
    } else {
      ADD_FAILURE() << "unexpected failure " << id << ": " << message;
    }
  }
  EXPECT_EQ(failed, b.failing) << suite.Stdout();
}

INSTANTIATE_TEST_SUITE_P(Breakages, SuiteAgainstBrokenStack, ::testing::ValuesIn(kBreakages),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace conformance
