// Unit tests of the suite's own parts: name parsing, recognised runtime texts,
// body and metrics parsing, options, selection, the runner's phases, timeouts
// and skips, and the reports.

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "conformance/framework/archive_name.h"
#include "conformance/framework/checks.h"
#include "conformance/framework/kubelet_forms.h"
#include "conformance/framework/options.h"
#include "conformance/framework/report.h"
#include "conformance/framework/runner.h"
#include "conformance/framework/target_probe.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace conformance {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const ContainerRef kRef{"default", "web-1", "app"};

TEST(ArchiveNameTest, ParsesUtcAndOffsetStamps) {
  ArchiveName utc = ParseArchiveName(
      "/var/lib/kubelet/checkpoints/checkpoint-web-1_default-app-2024-10-15T03:18:00Z.tar",
      "/var/lib/kubelet", kRef);
  ASSERT_TRUE(utc.matches) << utc.why;
  EXPECT_EQ(utc.when, 1728962280);
  EXPECT_EQ(utc.utc_offset, 0);
  ArchiveName tokyo = ParseArchiveName(
      "/var/lib/kubelet/checkpoints/checkpoint-web-1_default-app-2024-10-15T12:18:00+09:00.tar",
      "/var/lib/kubelet", kRef);
  ASSERT_TRUE(tokyo.matches) << tokyo.why;
  EXPECT_EQ(tokyo.when, utc.when);
  EXPECT_EQ(tokyo.utc_offset, 9 * 3600);
  ArchiveName west = ParseArchiveName(
      "/r/checkpoints/checkpoint-web-1_default-app-2024-10-14T22:18:00-05:00.tar", "/r", kRef);
  ASSERT_TRUE(west.matches);
  EXPECT_EQ(west.when, utc.when);
}

TEST(ArchiveNameTest, RejectsOtherNames) {
  const char* bad[] = {
      // wrong order of pod and namespace
      "/r/checkpoints/checkpoint-default_web-1-app-2024-10-15T03:18:00Z.tar",
      // sub-second stamp
      "/r/checkpoints/checkpoint-web-1_default-app-2024-10-15T03:18:00.123Z.tar",
      // another container
      "/r/checkpoints/checkpoint-web-1_default-db-2024-10-15T03:18:00Z.tar",
      // another directory
      "/other/checkpoints/checkpoint-web-1_default-app-2024-10-15T03:18:00Z.tar",
      // compressed
      "/r/checkpoints/checkpoint-web-1_default-app-2024-10-15T03:18:00Z.tar.gz",
  };
  for (const char* path : bad) {
    ArchiveName n = ParseArchiveName(path, "/r", kRef);
    EXPECT_FALSE(n.matches) << path;
    EXPECT_THAT(n.why, HasSubstr("is not /r/checkpoints/checkpoint-web-1_default-app-"));
  }
}

TEST(ArchiveNameTest, NamesWithRegexCharactersAreLiteral) {
  ContainerRef dotted{"a.b", "p.q", "c"};
  EXPECT_TRUE(ParseArchiveName("/r.x/checkpoints/checkpoint-p.q_a.b-c-2024-10-15T03:18:00Z.tar",
                               "/r.x", dotted)
                  .matches);
  EXPECT_FALSE(ParseArchiveName("/r.x/checkpoints/checkpoint-pXq_a.b-c-2024-10-15T03:18:00Z.tar",
                                "/r.x", dotted)
                   .matches);
}

TEST(ArchiveNameTest, LocalOffsetTextFollowsTz) {
  std::string saved = getenv("TZ") ? getenv("TZ") : "";
  setenv("TZ", "Asia/Tokyo", 1);
  tzset();
  EXPECT_EQ(LocalOffsetText(1728962280), "+09:00");
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(LocalOffsetText(1728962280), "Z");
  if (saved.empty())
    unsetenv("TZ");
  else
    setenv("TZ", saved.c_str(), 1);
  tzset();
}

TEST(CannotCheckpointTest, RecognisesTheRealRuntimesTexts) {
  EXPECT_TRUE(IsCannotCheckpointError(
      "rpc error: code = Unimplemented desc = unknown method CheckpointContainer for service "
      "runtime.v1.RuntimeService"));
  EXPECT_TRUE(IsCannotCheckpointError(
      "rpc error: code = Unimplemented desc = method CheckpointContainer not implemented"));
  EXPECT_TRUE(IsCannotCheckpointError(
      "rpc error: code = Unknown desc = checkpoint/restore support not available"));
  EXPECT_TRUE(IsCannotCheckpointError(
      "rpc error: code = Unknown desc = CRIU binary not found or too old (<31600). Failed to "
      "checkpoint container \"0123abc\""));
  EXPECT_FALSE(IsCannotCheckpointError("rpc error: code = Unknown desc = disk quota exceeded"));
  EXPECT_FALSE(IsCannotCheckpointError(
      "rpc error: code = DeadlineExceeded desc = context deadline exceeded"));
}

TEST(CannotCheckpointTest, NeedsTheEndpointsWrapping) {
  HttpResult r;
  r.sent = true;
  r.status = 500;
  r.body =
      "checkpointing of default/web-1/app failed (rpc error: code = Unimplemented desc = "
      "method CheckpointContainer not implemented)";
  EXPECT_EQ(CannotCheckpointText(r, kRef),
            "rpc error: code = Unimplemented desc = method CheckpointContainer not implemented");
  EXPECT_FALSE(CannotCheckpointText(r, ContainerRef{"default", "web-1", "db"}));
  r.status = 404;
  EXPECT_FALSE(CannotCheckpointText(r, kRef));
}

TEST(ParseItemsTest, AcceptsOnlyOnePath) {
  std::string why;
  EXPECT_EQ(ParseItems(R"({"items":["/a/b.tar"]})", &why), "/a/b.tar");
  EXPECT_EQ(ParseItems("{\n  \"items\": [ \"/a/b.tar\" ]\n}\n", &why), "/a/b.tar");
  EXPECT_FALSE(ParseItems(R"({"items":[]})", &why));
  EXPECT_EQ(why, "\"items\" is not an array of one string");
  EXPECT_FALSE(ParseItems(R"({"items":["/a"],"x":1})", &why));
  EXPECT_FALSE(ParseItems(R"(["/a"])", &why));
  EXPECT_FALSE(ParseItems("ok", &why));
  EXPECT_EQ(why, "not JSON");
}

TEST(MetricsTextTest, SumsCheckpointSamplesOnly) {
  std::string text =
      "# HELP kubelet_runtime_operations_total ...\n"
      "kubelet_runtime_operations_total{operation_type=\"checkpoint_container\"} 3\n"
      "kubelet_runtime_operations_total{operation_type=\"list_containers\"} 40\n"
      "kubelet_runtime_operations_errors_total{operation_type=\"checkpoint_container\"} 1\n";
  EXPECT_EQ(CheckpointOperationSamples(text, "kubelet_runtime_operations_total"), 3);
  EXPECT_EQ(CheckpointOperationSamples(text, "kubelet_runtime_operations_errors_total"), 1);
  EXPECT_EQ(CheckpointOperationSamples(text, "kubelet_runtime_operations_duration_seconds_count"),
            0);
}

TEST(OptionsTest, NoTargetFlagsMeansBundled) {
  auto o = ParseOptions({"--parallel", "4", "--focus", "^auth\\."});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_TRUE(o->bundled());
  EXPECT_EQ(o->run.parallel, 4);
}

TEST(OptionsTest, EndpointModeNeedsUrlAndContainer) {
  EXPECT_THAT(std::string(ParseOptions({"--container", "a/b/c"}).status().message()),
              HasSubstr("without --endpoint-url"));
  EXPECT_THAT(std::string(ParseOptions({"--endpoint-url", "https://n:10250"}).status().message()),
              HasSubstr("needs --container"));
  auto o = ParseOptions({"--endpoint-url", "https://n:10250", "--container", "a/b/c",
                         "--other-containers", "a/b/d,a/e/f", "--runtime-request-timeout", "90s"});
  ASSERT_TRUE(o.ok()) << o.status();
  ASSERT_TRUE(o->endpoint);
  EXPECT_EQ(o->endpoint->main.Slash(), "a/b/c");
  ASSERT_EQ(o->endpoint->others.size(), 2u);
  EXPECT_EQ(o->endpoint->others[1].Slash(), "a/e/f");
  EXPECT_EQ(o->endpoint->runtime_request_timeout, std::chrono::seconds(90));
  EXPECT_FALSE(o->bundled());
}

TEST(OptionsTest, ErrorsNameTheFlag) {
  EXPECT_THAT(std::string(ParseOptions({"--parallel", "0"}).status().message()),
              HasSubstr("--parallel=0: expected a number from 1 to 256"));
  EXPECT_THAT(std::string(ParseOptions({"--focus", "("}).status().message()),
              HasSubstr("not a regular expression"));
  EXPECT_THAT(std::string(ParseOptions({"--token-file", "/nonexistent/t"}).status().message()),
              HasSubstr("--token-file=/nonexistent/t: cannot read"));
  EXPECT_THAT(
      std::string(
          ParseOptions({"--endpoint-url", "https://n:1", "--container", "a/b"}).status().message()),
      HasSubstr("is not NAMESPACE/POD/CONTAINER"));
  EXPECT_THAT(std::string(ParseOptions({"--runtime-endpoint", "/run/x.sock"}).status().message()),
              HasSubstr("expected unix:///"));
  EXPECT_THAT(
      std::string(ParseOptions({"--runtime-endpoint", "unix:///x", "--fake-cri-flag", "--x"})
                      .status()
                      .message()),
      HasSubstr("bundled stack only"));
  EXPECT_THAT(std::string(ParseOptions({"--bogus"}).status().message()),
              HasSubstr("unknown flag --bogus"));
}

Requirement Req(const std::string& id, std::function<void(TestContext&)> run, unsigned needs = 0,
                bool serial = false) {
  return Requirement{id, "title of " + id, needs, serial, false, std::move(run)};
}

TEST(SelectTest, FocusAndSkipMatchIds) {
  Requirements all = {Req("auth.a", nullptr), Req("auth.b", nullptr), Req("archive.c", nullptr)};
  auto ids = [](const Requirements& rs) {
    std::vector<std::string> out;
    for (const auto& r : rs) out.push_back(r.id);
    return out;
  };
  EXPECT_THAT(ids(Select(all, "^auth\\.", "")), ElementsAre("auth.a", "auth.b"));
  EXPECT_THAT(ids(Select(all, "", "\\.b$")), ElementsAre("auth.a", "archive.c"));
}

TEST(RunnerTest, OutcomesSkipsForUnmetNeedsAndSerialLast) {
  std::atomic<int> running{0};
  std::atomic<bool> serial_saw_company{false};
  Requirements rs = {
      Req("a.pass", [](TestContext&) {}),
      Req("a.fail", [](TestContext& t) { t.Fail("broken"); }),
      Req("a.skip", [](TestContext& t) { t.Skip("not here"); }),
      Req(
          "a.needs-endpoint", [](TestContext&) {}, kNeedsEndpoint),
      Req(
          "a.serial",
          [&](TestContext&) {
            if (running.load() != 0) serial_saw_company = true;
          },
          0, true),
      Req("a.slow",
          [&](TestContext&) {
            ++running;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            --running;
          }),
  };
  Target target;
  RunOptions options;
  options.parallel = 4;
  std::vector<std::string> order;
  auto results =
      RunRequirements(rs, &target, options, [&](const TestResult& r) { order.push_back(r.id); });
  ASSERT_EQ(results.size(), rs.size());
  EXPECT_EQ(results[0].outcome, Outcome::kPassed);
  EXPECT_EQ(results[1].outcome, Outcome::kFailed);
  EXPECT_EQ(results[1].message, "broken");
  EXPECT_EQ(results[2].outcome, Outcome::kSkipped);
  EXPECT_EQ(results[3].outcome, Outcome::kSkipped);
  EXPECT_THAT(results[3].message, HasSubstr("--endpoint-url"));
  EXPECT_EQ(results[4].outcome, Outcome::kPassed);
  EXPECT_EQ(order.back(), "a.serial");
  EXPECT_FALSE(serial_saw_company);
}

TEST(RunnerTest, ATestPastItsTimeoutFails) {
  Requirements rs = {Req("a.slow", [](TestContext& t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    EXPECT_LE(t.Remaining(), std::chrono::milliseconds(1));
  })};
  Target target;
  RunOptions options;
  options.timeout = std::chrono::milliseconds(10);
  auto results = RunRequirements(rs, &target, options, [](const TestResult&) {});
  EXPECT_EQ(results[0].outcome, Outcome::kFailed);
  EXPECT_THAT(results[0].message, HasSubstr("did not finish within --timeout"));
}

TEST(ReportTest, WritesJunitAndJson) {
  kit::testing::TempDir dir;
  std::vector<TestResult> results(3);
  results[0] = {"auth.a", "A", Outcome::kPassed, "", {}, 0.1};
  results[1] = {"auth.b", "B", Outcome::kFailed, "want 401 <got 403> & \"more\"", {}, 0.2};
  results[2] = {"archive.c", "C", Outcome::kSkipped, "no files here", {}, 0};
  ASSERT_TRUE(WriteReports(results, "the target", 1.5, dir.Join("r")).ok());
  std::stringstream xml;
  xml << std::ifstream(dir.Join("r/junit.xml")).rdbuf();
  EXPECT_THAT(xml.str(), HasSubstr("tests=\"3\" failures=\"1\" skipped=\"1\""));
  EXPECT_THAT(xml.str(), HasSubstr("<testcase classname=\"auth\" name=\"auth.b\""));
  EXPECT_THAT(xml.str(),
              HasSubstr("<failure message=\"want 401 &lt;got 403&gt; &amp; &quot;more&quot;\""));
  EXPECT_THAT(xml.str(), HasSubstr("<skipped message=\"no files here\"/>"));
  std::stringstream json;
  json << std::ifstream(dir.Join("r/results.json")).rdbuf();
  EXPECT_THAT(json.str(), HasSubstr("\"failed\": 1"));
  std::ostringstream summary;
  PrintSummary(results, "the target", 1.5, summary);
  EXPECT_THAT(summary.str(),
              HasSubstr("3 requirements in 1.5s: MUST 1 passed, 1 failed, 1 skipped; SHOULD 0 "
                        "passed, 0 failed, 0 skipped"));
  EXPECT_THAT(summary.str(), HasSubstr("why: want 401"));
}

TEST(ReportTest, ShouldResultsAreTheirOwnSuiteAndFailOnlyWhenStrict) {
  kit::testing::TempDir dir;
  std::vector<TestResult> results(2);
  results[0] = {"auth.a", "A", Outcome::kPassed, "", {}, 0.1};
  results[1] = {"archive.b", "B", Outcome::kFailed, "left a partial file", {}, 0.2, Level::kShould};
  EXPECT_TRUE(ExitOk(results, /*strict=*/false));
  EXPECT_FALSE(ExitOk(results, /*strict=*/true));
  results[0].outcome = Outcome::kFailed;
  EXPECT_FALSE(ExitOk(results, /*strict=*/false));
  results[0].outcome = Outcome::kPassed;
  ASSERT_TRUE(WriteReports(results, "the target", 1, dir.Join("r")).ok());
  std::stringstream xml;
  xml << std::ifstream(dir.Join("r/junit.xml")).rdbuf();
  EXPECT_THAT(xml.str(), HasSubstr("<testsuite name=\"checkpoint-conformance\" tests=\"1\" "
                                   "failures=\"0\""));
  EXPECT_THAT(xml.str(), HasSubstr("<testsuite name=\"checkpoint-conformance-should\" tests=\"1\" "
                                   "failures=\"1\""));
  std::stringstream json;
  json << std::ifstream(dir.Join("r/results.json")).rdbuf();
  EXPECT_THAT(json.str(), HasSubstr("\"should_failed\": 1"));
  EXPECT_THAT(json.str(), HasSubstr("\"must_failed\": 0"));
  EXPECT_THAT(json.str(), HasSubstr("\"level\": \"SHOULD\""));
  std::ostringstream summary;
  PrintSummary(results, "the target", 1, summary);
  EXPECT_THAT(summary.str(), HasSubstr("SHOULD (hardening beyond upstream"));
}

TEST(KubeletForms, VersionsAndTheirAnswers) {
  EXPECT_EQ(ParseKubeletMinor("1.28"), 28);
  EXPECT_EQ(ParseKubeletMinor("v1.33.2"), 33);
  EXPECT_EQ(ParseKubeletMinor("v1.36.0-rc.1"), 36);
  EXPECT_EQ(ParseKubeletMinor("1.24"), std::nullopt);
  EXPECT_EQ(ParseKubeletMinor("2.0"), std::nullopt);
  EXPECT_EQ(Forbidden(28, "u").body,
            "Forbidden (user=u, verb=create, resource=nodes, subresource=proxy)");
  EXPECT_EQ(Forbidden(31, "u").body,
            "Forbidden (user=u, verb=create, resource=nodes, subresource=checkpoint)");
  EXPECT_EQ(Forbidden(32, "u").body,
            "Forbidden (user=u, verb=create, resource=nodes, subresource(s)=[checkpoint])\n");
  EXPECT_EQ(MatchingVersions([](int m) { return Forbidden(m, "u"); }, Forbidden(30, "u")),
            "1.30-1.31");
  EXPECT_EQ(MatchingVersions([](int m) { return NonJsonAccept(m, true); }, NonJsonAccept(25, true)),
            "1.25-1.33");
  EXPECT_EQ(MatchingVersions([](int m) { return PostCheckpointRoot(m, true); }, Form{200, "", ""}),
            "");
}

TEST(TargetProbe, ReadsTheGitVersionOfKubernetesBuildInfo) {
  EXPECT_EQ(BuildInfoGitVersion("# HELP x\nkubernetes_build_info{build_date=\"2024\",git_version="
                                "\"v1.28.3\",major=\"1\"} 1\n"),
            "v1.28.3");
  EXPECT_EQ(BuildInfoGitVersion("kubelet_x{git_version=\"v1.2.3\"} 1\n"), "");
}

TEST(CannotCheckpoint, RecognisesExactlyTheKnownTexts) {
  for (const char* yes :
       {"rpc error: code = Unimplemented desc = unknown method CheckpointContainer for service "
        "runtime.v1.RuntimeService",
        "rpc error: code = Unimplemented desc = method CheckpointContainer not implemented",
        "rpc error: code = Unknown desc = checkpoint/restore support not available",
        "rpc error: code = Unknown desc = CRIU binary not found or too old (<31600). Failed to "
        "checkpoint container \"abc\": failed to check for criu version: exec: \"criu\": "
        "executable "
        "file not found in $PATH",
        "rpc error: code = Unknown desc = failed to checkpoint container \"abc\": criu binary not "
        "found in shim path or system PATH",
        "rpc error: code = Unknown desc = failed to checkpoint container \"abc\": criu support is "
        "disabled by configuration",
        "rpc error: code = Unknown desc = failed to checkpoint container 0123abcd: check for CRIU "
        "failed to check for criu version: exec: \"criu\": executable file not found in $PATH"}) {
    EXPECT_TRUE(IsCannotCheckpointError(yes)) << yes;
  }
  for (const char* no :
       {"rpc error: code = Unimplemented desc = method CheckpointPod not implemented",
        "rpc error: code = Unimplemented desc = something else",
        "rpc error: code = Unknown desc = checkpointing container \"abc\" failed: cannot pause a "
        "paused container",
        "rpc error: code = Internal desc = checkpoint/restore support not available"}) {
    EXPECT_FALSE(IsCannotCheckpointError(no)) << no;
  }
}

}  // namespace
}  // namespace conformance
