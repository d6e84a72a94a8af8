#include "fake-cri/process_spec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fakecri {
namespace {

using nlohmann::json;

TEST(ParseProcessSpec, ADefaultProcessRunsUntilStoppedAndDiesOfSigterm) {
  auto p = ParseProcessSpec(json::object(), "$");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->exit_after_ns.has_value());
  EXPECT_EQ(p->on_sigterm, OnSigterm::kDie);
  EXPECT_EQ(p->AnswerFor({"anything"}).exit_code, 0);  // unknown commands succeed
}

TEST(ParseProcessSpec, ReadsEveryKey) {
  auto p = ParseProcessSpec(json::parse(R"({
      "exit_after": "1m30s", "exit_code": 3, "on_sigterm": "exit", "sigterm_delay": "250ms",
      "sigterm_exit_code": 2, "stdout": ["a", "b"], "stderr": "raw",
      "exec": {"cat /ready": {"stdout": "ok\n", "delay": "1s"}, "nope": {"not_found": true}},
      "exec_default": {"exit_code": 127, "stderr": "sh: not found\n"}})"),
                            "$");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(*p->exit_after_ns, 90'000'000'000);
  EXPECT_EQ(p->exit_code, 3);
  EXPECT_EQ(p->on_sigterm, OnSigterm::kExit);
  EXPECT_EQ(p->sigterm_delay_ns, 250'000'000);
  EXPECT_EQ(p->sigterm_exit_code, 2);
  EXPECT_EQ(p->stdout_text, "a\nb\n");
  EXPECT_EQ(p->stderr_text, "raw");
  EXPECT_EQ(p->AnswerFor({"cat", "/ready"}).stdout_text, "ok\n");
  EXPECT_EQ(p->AnswerFor({"cat", "/ready"}).delay_ns, 1'000'000'000);
  EXPECT_TRUE(p->AnswerFor({"nope"}).not_found);
  EXPECT_EQ(p->AnswerFor({"ls"}).exit_code, 127);
  EXPECT_EQ(CommandKey({"sh", "-c", "echo hi"}), "sh -c echo hi");
}

TEST(ParseProcessSpec, ErrorsNameTheJsonPath) {
  struct Case {
    const char* json;
    const char* error;
  } cases[] = {
      {R"({"exit_code": 256})", "$.p.exit_code: must be an exit code, 0 to 255"},
      {R"({"exit_after": "-1s"})",
       "$.p.exit_after: \"-1s\" is not a duration (negative; examples: 300ms, 2s, 1m30s)"},
      {R"({"on_sigterm": "panic"})", "$.p.on_sigterm: \"panic\" is not one of die, exit, ignore"},
      {R"({"sigterm_delay": "1s"})", "$.p.sigterm_delay: only with \"on_sigterm\": \"exit\""},
      {R"({"oom_killed": true})", "$.p.oom_killed: needs exit_after (when the OOM killer strikes)"},
      {R"({"stdout": 3})", "$.p.stdout: expected a string or an array of lines, got number"},
      {R"({"exec": {"ls": {"stdout": 1}}})",
       "$.p.exec[\"ls\"].stdout: expected a string or an array of lines, got number"},
      {R"({"exec": {"ls": {"exit": 1}}})", "$.p.exec[\"ls\"].exit: unknown key"},
      {R"({"restart": true})", "$.p.restart: unknown key"},
  };
  for (const Case& c : cases) {
    auto p = ParseProcessSpec(json::parse(c.json), "$.p");
    EXPECT_EQ(p.status().message(), c.error) << c.json;
  }
}

}  // namespace
}  // namespace fakecri
