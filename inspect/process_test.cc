// checkpoint-inspect as a user runs it: exit codes, stdout, stderr.
#include <fstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "inspect/testing/test_archives.h"
#include "nlohmann/json.hpp"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace inspect {
namespace {

namespace t = ::inspect::testing;

struct Result {
  int exit_code = -1;
  std::string out, err;
};

class InspectBinary : public ::testing::Test {
 protected:
  Result Run(std::vector<std::string> args) {
    args.insert(args.begin(), INSPECT_BINARY);
    kit::testing::Subprocess p(args, dir_.Join("run" + std::to_string(runs_++)));
    Result r;
    EXPECT_TRUE(p.Wait());
    for (int code = 0; code < 256; ++code) {
      if (p.ExitedWith(code)) r.exit_code = code;
    }
    r.out = p.Stdout();
    r.err = p.Stderr();
    return r;
  }
  kit::testing::TempDir dir_;
  int runs_ = 0;
};

TEST_F(InspectBinary, VersionAndHelp) {
  Result v = Run({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out, "checkpoint-inspect 0.1.0\n");
  Result h = Run({"--help"});
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_TRUE(absl::StartsWith(h.out, "Usage: checkpoint-inspect COMMAND")) << h.out;
  for (const char* word : {"show ARCHIVE", "list DIR", "--format text|json", "--version",
                           "Exit codes: 0 ok, 1 error"}) {
    EXPECT_TRUE(absl::StrContains(h.out, word)) << word;
  }
}

TEST_F(InspectBinary, BadUsageExitsTwoWithTheReason) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{}, "no command given: show or list"},
      {{"frobnicate", "x"}, "unknown command \"frobnicate\": show or list"},
      {{"show"}, "show needs ARCHIVE"},
      {{"list", "a", "b"}, "list takes one DIR, got also \"b\""},
      {{"show", "a.tar", "--bogus"}, "unknown flag --bogus (see --help)"},
      {{"show", "a.tar", "--format", "yaml"}, "--format=yaml: not one of text, json"},
      {{"show", "a.tar", "--format"}, "--format: needs a value"},
  };
  for (const auto& [args, reason] : cases) {
    Result r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << reason;
    EXPECT_EQ(r.err,
              "checkpoint-inspect: " + reason + "\nRun 'checkpoint-inspect --help' for usage.\n");
    EXPECT_EQ(r.out, "");
  }
}

TEST_F(InspectBinary, ErrorsExitOneNamingTheFile) {
  const std::string missing = dir_.Join("missing.tar");
  Result r = Run({"show", missing});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "checkpoint-inspect: " + missing + ": no such file\n");
  const std::string foreign = dir_.Join("foreign.tar");
  ASSERT_EQ(t::WriteTar(foreign, {{"checkpoint/", ""}, {"config.dump", "{}"}}), "");
  r = Run({"show", foreign});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "checkpoint-inspect: " + foreign + ": not a checkpoint archive: no spec.dump\n");
  r = Run({"list", dir_.Join("nodir")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "checkpoint-inspect: " + dir_.Join("nodir") + ": no such directory\n");
}

TEST_F(InspectBinary, ShowAndListInTextAndJson) {
  const std::string archive = dir_.Join("checkpoint-a.tar");
  ASSERT_EQ(t::WriteFakeArchive(archive, "containerd"), "");
  Result text = Run({"show", archive});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  for (const char* line : {"Engine:         containerd\n", "Pod:            web\n",
                           "Namespace:      shop\n", "Memory:         25 pages, 102400 bytes"}) {
    EXPECT_TRUE(absl::StrContains(text.out, line)) << line << "\n" << text.out;
  }
  Result json = Run({"show", "--format=json", archive});
  EXPECT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["container"]["name"], "counter");
  EXPECT_EQ(j["memory"]["bytes"], 102400);
  EXPECT_EQ(j["process_tree"][0]["comm"], "counter");

  Result list = Run({"list", dir_.path(), "--format", "json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  nlohmann::json rows = nlohmann::json::parse(list.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["file"], "checkpoint-a.tar");
  EXPECT_EQ(rows[0]["engine"], "containerd");
}

TEST_F(InspectBinary, RealArchivesShow) {
  std::string why;
  std::map<std::string, std::string> real = t::RealArchives(dir_.path(), &why);
  if (real.empty()) GTEST_SKIP() << why;
  for (const auto& [name, path] : real) {
    Result r = Run({"show", path});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_TRUE(absl::StrContains(r.out, "Memory:         41")) << r.out;  // 4113/4114 pages
  }
}

}  // namespace
}  // namespace inspect
