#include "endpoint/auth/policy_file.h"

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Kind = AuthzDecision::Kind;

Attributes Request(const std::string& user, std::vector<std::string> groups,
                   const std::string& verb, const std::string& subresource,
                   const std::string& node = "node-1") {
  Attributes attributes;
  attributes.user = UserInfo{user, "", std::move(groups)};
  attributes.verb = verb;
  attributes.resource = "nodes";
  attributes.name = node;
  attributes.subresource = subresource;
  attributes.api_version = "v1";
  return attributes;
}

std::unique_ptr<PolicyFileAuthorizer> MustParse(const std::string& json) {
  absl::StatusOr<std::unique_ptr<PolicyFileAuthorizer>> authorizer =
      PolicyFileAuthorizer::Parse(json, "policy.json");
  EXPECT_TRUE(authorizer.ok()) << authorizer.status();
  return authorizer.ok() ? *std::move(authorizer) : nullptr;
}

struct MatchRow {
  std::string name;
  std::string rule;  // one rule's JSON
  Attributes request;
  bool allowed;
};

class PolicyMatchTest : public ::testing::TestWithParam<MatchRow> {};

TEST_P(PolicyMatchTest, DecidesByTheRule) {
  auto authorizer = MustParse("{\"rules\":[" + GetParam().rule + "]}");
  ASSERT_NE(authorizer, nullptr);
  AuthzDecision decision = authorizer->Authorize(GetParam().request);
  EXPECT_EQ(decision.kind, GetParam().allowed ? Kind::kAllow : Kind::kDeny);
}

constexpr char kAliceCheckpoint[] =
    R"({"users":["alice"],"verbs":["create"],"subresources":["checkpoint"]})";
constexpr char kMastersAnything[] =
    R"({"groups":["system:masters"],"verbs":["*"],"subresources":["*"]})";

INSTANTIATE_TEST_SUITE_P(
    Policy, PolicyMatchTest,
    ::testing::Values(
        MatchRow{"ListedUserVerbAndSubresource", kAliceCheckpoint,
                 Request("alice", {}, "create", "checkpoint"), true},
        MatchRow{"OtherUser", kAliceCheckpoint, Request("bob", {}, "create", "checkpoint"), false},
        MatchRow{"UserNamesAreCaseSensitive", kAliceCheckpoint,
                 Request("Alice", {}, "create", "checkpoint"), false},
        MatchRow{"OtherVerb", kAliceCheckpoint, Request("alice", {}, "get", "checkpoint"), false},
        MatchRow{"EmptyVerbOfAnUnmappedMethod", kAliceCheckpoint,
                 Request("alice", {}, "", "checkpoint"), false},
        MatchRow{"OtherSubresource", kAliceCheckpoint, Request("alice", {}, "create", "proxy"),
                 false},
        MatchRow{"AnyNodeWhenNodesIsAbsent", kAliceCheckpoint,
                 Request("alice", {}, "create", "checkpoint", "node-9"), true},
        MatchRow{"WildcardUser", R"({"users":["*"],"verbs":["get"],"subresources":["metrics"]})",
                 Request("system:anonymous", {"system:unauthenticated"}, "get", "metrics"), true},
        MatchRow{"GroupIntersects", kMastersAnything,
                 Request("carol", {"devs", "system:masters"}, "delete", "proxy"), true},
        MatchRow{"GroupDoesNotIntersect", kMastersAnything,
                 Request("carol", {"devs"}, "create", "checkpoint"), false},
        MatchRow{"WildcardVerbMatchesTheEmptyVerb", kMastersAnything,
                 Request("carol", {"system:masters"}, "", "checkpoint"), true},
        MatchRow{"WildcardGroupMatchesAUserWithoutGroups",
                 R"({"groups":["*"],"verbs":["create"],"subresources":["checkpoint"]})",
                 Request("dave", {}, "create", "checkpoint"), true},
        MatchRow{
            "UserOrGroupIsEnough",
            R"({"users":["alice"],"groups":["ops"],"verbs":["create"],"subresources":["checkpoint"]})",
            Request("erin", {"ops"}, "create", "checkpoint"), true},
        MatchRow{
            "NeitherUserNorGroup",
            R"({"users":["alice"],"groups":["ops"],"verbs":["create"],"subresources":["checkpoint"]})",
            Request("erin", {"devs"}, "create", "checkpoint"), false},
        MatchRow{
            "ListedNode",
            R"({"users":["alice"],"verbs":["create"],"subresources":["checkpoint"],"nodes":["node-1","node-2"]})",
            Request("alice", {}, "create", "checkpoint", "node-2"), true},
        MatchRow{
            "UnlistedNode",
            R"({"users":["alice"],"verbs":["create"],"subresources":["checkpoint"],"nodes":["node-1"]})",
            Request("alice", {}, "create", "checkpoint", "node-2"), false},
        MatchRow{
            "WildcardNode",
            R"({"users":["alice"],"verbs":["create"],"subresources":["checkpoint"],"nodes":["*"]})",
            Request("alice", {}, "create", "checkpoint", "node-7"), true}),
    [](const ::testing::TestParamInfo<MatchRow>& info) { return info.param.name; });

TEST(Policy, AllowsByTheFirstMatchingRule) {
  auto authorizer =
      MustParse(std::string("{\"rules\":[") + kAliceCheckpoint + "," + kMastersAnything + "]}");
  ASSERT_NE(authorizer, nullptr);
  AuthzDecision decision =
      authorizer->Authorize(Request("frank", {"system:masters"}, "create", "checkpoint"));
  EXPECT_EQ(decision.kind, Kind::kAllow);
  EXPECT_EQ(decision.reason, "allowed by policy rule 1");
}

TEST(Policy, DeniesWhenNoRuleMatches) {
  auto authorizer = MustParse(std::string("{\"rules\":[") + kAliceCheckpoint + "]}");
  ASSERT_NE(authorizer, nullptr);
  AuthzDecision decision = authorizer->Authorize(Request("bob", {}, "create", "checkpoint"));
  EXPECT_EQ(decision.kind, Kind::kDeny);
  EXPECT_EQ(decision.reason, "no policy rule matches");
}

TEST(Policy, DeniesEverythingWithNoRules) {
  auto authorizer = MustParse(R"({"rules":[]})");
  ASSERT_NE(authorizer, nullptr);
  EXPECT_EQ(
      authorizer->Authorize(Request("alice", {"system:masters"}, "create", "checkpoint")).kind,
      Kind::kDeny);
}

TEST(Policy, ParsesTheDocumentedExample) {
  auto authorizer = MustParse(R"({"rules":[{"users":["alice"],
      "groups":["system:masters"],"verbs":["create"],
      "subresources":["checkpoint"],"nodes":["*"]}]})");
  ASSERT_NE(authorizer, nullptr);
  ASSERT_EQ(authorizer->rules().size(), 1u);
  const PolicyRule& rule = authorizer->rules()[0];
  EXPECT_THAT(rule.users, ::testing::ElementsAre("alice"));
  EXPECT_THAT(rule.groups, ::testing::ElementsAre("system:masters"));
  EXPECT_THAT(rule.verbs, ::testing::ElementsAre("create"));
  EXPECT_THAT(rule.subresources, ::testing::ElementsAre("checkpoint"));
  ASSERT_TRUE(rule.nodes.has_value());
  EXPECT_THAT(*rule.nodes, ::testing::ElementsAre("*"));
}

struct ErrorRow {
  std::string name;
  std::string json;
  std::string error;
};

class PolicyParseErrorTest : public ::testing::TestWithParam<ErrorRow> {};

TEST_P(PolicyParseErrorTest, RefusesTheFileNamingFileAndJsonPath) {
  absl::Status status = PolicyFileAuthorizer::Parse(GetParam().json, "policy.json").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Policy, PolicyParseErrorTest,
    ::testing::Values(
        ErrorRow{"TopLevelNotAnObject", "[]", "policy.json: $: expected an object"},
        ErrorRow{"RulesMissing", "{}", "policy.json: $.rules: required"},
        ErrorRow{"RulesNotAnArray", R"({"rules":{}})",
                 "policy.json: $.rules: expected an array of rules"},
        ErrorRow{"UnknownTopLevelKey", R"({"rules":[],"rule":[]})",
                 "policy.json: $.rule: unknown key (expected \"rules\")"},
        ErrorRow{"RuleNotAnObject", R"({"rules":["alice"]})",
                 "policy.json: $.rules[0]: expected an object"},
        ErrorRow{"VerbsNotAnArray",
                 R"({"rules":[{"users":["a"],"verbs":"create","subresources":["checkpoint"]}]})",
                 "policy.json: $.rules[0].verbs: expected an array of strings"},
        ErrorRow{
            "NodesNull",
            R"({"rules":[{"users":["a"],"verbs":["create"],"subresources":["checkpoint"],"nodes":null}]})",
            "policy.json: $.rules[0].nodes: expected an array of strings"},
        ErrorRow{
            "ElementNotAString",
            R"({"rules":[{"users":["a"],"verbs":["create"],"subresources":["checkpoint",7]}]})",
            "policy.json: $.rules[0].subresources[1]: expected a string"},
        ErrorRow{"EmptyArray",
                 R"({"rules":[{"users":[],"verbs":["create"],"subresources":["checkpoint"]}]})",
                 "policy.json: $.rules[0].users: must not be empty"},
        ErrorRow{
            "UnknownRuleKey",
            R"({"rules":[{"users":["a"],"verbs":["get"],"subresources":["stats"]},{"users":["a"],"verb":["get"],"subresources":["stats"]}]})",
            "policy.json: $.rules[1].verb: unknown key (expected users, "
            "groups, verbs, subresources or nodes)"},
        ErrorRow{"VerbsMissing", R"({"rules":[{"users":["a"],"subresources":["checkpoint"]}]})",
                 "policy.json: $.rules[0].verbs: required"},
        ErrorRow{"SubresourcesMissing", R"({"rules":[{"users":["a"],"verbs":["create"]}]})",
                 "policy.json: $.rules[0].subresources: required"},
        ErrorRow{"NoSubject", R"({"rules":[{"verbs":["create"],"subresources":["checkpoint"]}]})",
                 "policy.json: $.rules[0]: needs \"users\" or \"groups\""},
        ErrorRow{
            "DuplicateKey",
            R"({"rules":[{"users":["a"],"users":["*"],"verbs":["create"],"subresources":["checkpoint"]}]})",
            "policy.json: duplicate key \"users\""}),
    [](const ::testing::TestParamInfo<ErrorRow>& info) { return info.param.name; });

TEST(Policy, RefusesInvalidJsonNamingTheFileAndPlace) {
  absl::Status status = PolicyFileAuthorizer::Parse("{\"rules\": [", "policy.json").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              StartsWith("policy.json: invalid JSON: parse error at line 1, column 12"));
}

TEST(Policy, LoadsAFileFromDisk) {
  kit::testing::TempDir dir;
  std::string path = dir.Join("policy.json");
  std::ofstream(path, std::ios::trunc) << R"({"rules":[)" << kAliceCheckpoint << "]}";
  absl::StatusOr<std::unique_ptr<PolicyFileAuthorizer>> authorizer =
      PolicyFileAuthorizer::Load(path);
  ASSERT_TRUE(authorizer.ok()) << authorizer.status();
  EXPECT_EQ((*authorizer)->rules().size(), 1u);
}

TEST(Policy, NamesThePathInLoadErrors) {
  kit::testing::TempDir dir;
  std::string path = dir.Join("bad.json");
  std::ofstream(path, std::ios::trunc) << R"({"rules":{}})";
  EXPECT_EQ(PolicyFileAuthorizer::Load(path).status().message(),
            path + ": $.rules: expected an array of rules");
}

TEST(Policy, ReportsAMissingFile) {
  absl::Status status = PolicyFileAuthorizer::Load("/nonexistent/policy.json").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(),
            "policy file /nonexistent/policy.json: cannot read: No such file or "
            "directory");
}

}  // namespace
}  // namespace endpoint
