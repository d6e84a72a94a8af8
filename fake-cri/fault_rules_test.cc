#include "fake-cri/fault_rules.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fakecri {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kId[] = "3f2a9c0d1e4b5a6978877665544332211000ffeeddccbbaa9988776655443322";

nlohmann::json J(const char* text) { return nlohmann::json::parse(text); }

FaultRule MustParse(const char* text) {
  auto r = ParseFaultRule(J(text), "$");
  EXPECT_TRUE(r.ok()) << text << ": " << r.status();
  return r.ok() ? *r : FaultRule{};
}

// The message of a parse that must fail with INVALID_ARGUMENT.
std::string ParseError(const char* text, const std::string& path = "$") {
  auto r = ParseFaultRule(J(text), path);
  EXPECT_FALSE(r.ok()) << text << " parsed";
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << text;
  return std::string(r.status().message());
}

FaultRule Rule(FaultEffect effect, const std::string& method = "",
               const std::string& container = "") {
  FaultRule r;
  r.effect = effect;
  r.method = method;
  r.container = container;
  return r;
}

std::string MustAdd(FaultRules& rules, FaultRule rule) {
  auto id = rules.Add(std::move(rule));
  EXPECT_TRUE(id.ok()) << id.status();
  return id.ok() ? *id : "";
}

// ---------------------------------------------------------------------------
// ParseFaultRule

TEST(ParseFaultRule, ParsesEveryEffectNameGivenItsRequiredKeys) {
  struct Case {
    const char* json;
    FaultEffect effect;
  } cases[] = {
      {R"({"effect":"unimplemented-unknown-method"})", FaultEffect::kUnimplementedUnknownMethod},
      {R"({"effect":"unimplemented"})", FaultEffect::kUnimplemented},
      {R"({"effect":"crio-no-criu"})", FaultEffect::kCrioNoCriu},
      {R"({"effect":"containerd-no-criu"})", FaultEffect::kContainerdNoCriu},
      {R"({"effect":"not-found"})", FaultEffect::kNotFound},
      {R"({"effect":"not-running"})", FaultEffect::kNotRunning},
      {R"({"effect":"error","message":"boom"})", FaultEffect::kError},
      {R"({"effect":"latency","latency":"2s"})", FaultEffect::kLatency},
      {R"({"effect":"hang"})", FaultEffect::kHang},
      {R"({"effect":"disk-full","after_bytes":"1Mi"})", FaultEffect::kDiskFull},
      {R"({"effect":"crash","after_bytes":4096})", FaultEffect::kCrash},
      {R"({"effect":"archive-mode-0644"})", FaultEffect::kArchiveMode0644},
      {R"({"effect":"no-archive"})", FaultEffect::kNoArchive},
      {R"({"effect":"archive-elsewhere"})", FaultEffect::kArchiveElsewhere},
      {R"({"effect":"not-a-tar"})", FaultEffect::kNotATar},
      {R"({"effect":"missing-entry","entry":"spec.dump"})", FaultEffect::kMissingEntry},
  };
  for (const auto& c : cases) {
    auto r = ParseFaultRule(J(c.json), "$");
    ASSERT_TRUE(r.ok()) << c.json << ": " << r.status();
    EXPECT_EQ(r->effect, c.effect) << c.json;
  }
}

TEST(ParseFaultRule, ReadsEveryKey) {
  FaultRule r = MustParse(R"({"method":"CheckpointContainer","container":"nginx",
      "effect":"error","code":"ResourceExhausted","message":"no space","nth":3,"seed":77})");
  EXPECT_EQ(r.method, "CheckpointContainer");
  EXPECT_EQ(r.container, "nginx");
  EXPECT_EQ(r.effect, FaultEffect::kError);
  EXPECT_EQ(r.code, 8);
  EXPECT_EQ(r.message, "no space");
  EXPECT_EQ(r.nth, 3u);
  EXPECT_EQ(r.seed, 77u);
  EXPECT_DOUBLE_EQ(r.probability, 1);

  FaultRule l = MustParse(R"({"effect":"latency","latency":"1m30s","probability":0.25})");
  EXPECT_EQ(l.latency_ns, 90'000'000'000);
  EXPECT_DOUBLE_EQ(l.probability, 0.25);
  EXPECT_EQ(l.nth, 0u);

  FaultRule d = MustParse(R"({"effect":"disk-full","after_bytes":"2Mi"})");
  EXPECT_EQ(d.after_bytes, 2u * 1024 * 1024);
}

TEST(ParseFaultRule, DefaultsAreEveryMethodEveryContainerAlwaysCodeUnknown) {
  FaultRule r = MustParse(R"({"effect":"error","message":"m"})");
  EXPECT_EQ(r.method, "");
  EXPECT_EQ(r.container, "");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.nth, 0u);
  EXPECT_DOUBLE_EQ(r.probability, 1);
  EXPECT_EQ(r.seed, 1u);
}

TEST(ParseFaultRule, ReadsTheCodeByNameByNumberOrByNumberString) {
  EXPECT_EQ(MustParse(R"({"effect":"error","message":"m","code":"NotFound"})").code, 5);
  EXPECT_EQ(MustParse(R"({"effect":"error","message":"m","code":5})").code, 5);
  EXPECT_EQ(MustParse(R"({"effect":"error","message":"m","code":"14"})").code, 14);
  EXPECT_EQ(MustParse(R"({"effect":"error","message":"m","code":"Unauthenticated"})").code, 16);
  EXPECT_EQ(MustParse(R"({"effect":"error","message":"m","code":1})").code, 1);
}

TEST(ParseFaultRule, ArchiveEffectsApplyToCheckpointContainer) {
  for (const char* text :
       {R"({"effect":"disk-full"})", R"({"effect":"crash"})", R"({"effect":"archive-mode-0644"})",
        R"({"effect":"no-archive"})", R"({"effect":"archive-elsewhere"})",
        R"({"effect":"not-a-tar"})", R"({"effect":"missing-entry","entry":"config.dump"})",
        R"({"effect":"not-a-tar","method":"*"})",
        R"({"effect":"not-a-tar","method":"CheckpointContainer"})"}) {
    EXPECT_EQ(MustParse(text).method, "CheckpointContainer") << text;
  }
}

TEST(ParseFaultRule, RejectsAnArchiveEffectOnAnotherMethodNamingPathAndKey) {
  std::string msg =
      ParseError(R"({"effect":"disk-full","method":"StopContainer"})", "$.runtime.faults[2]");
  EXPECT_THAT(msg, HasSubstr("$.runtime.faults[2].method: "));
  EXPECT_THAT(msg, HasSubstr("effect disk-full applies to CheckpointContainer only"));
}

TEST(ParseFaultRule, RejectsANonObject) {
  auto r = ParseFaultRule(J(R"(["hang"])"), "$.faults[0]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("$.faults[0]: expected an object, got array"));
}

TEST(ParseFaultRule, RejectsAnUnknownKeyNamingPathAndKey) {
  std::string msg = ParseError(R"({"effect":"hang","metod":"X"})", "$.faults[1]");
  EXPECT_THAT(msg, HasSubstr("$.faults[1].metod: unknown key"));
}

TEST(ParseFaultRule, RejectsAMissingEffect) {
  std::string msg = ParseError(R"({"method":"CheckpointContainer"})");
  EXPECT_THAT(msg, HasSubstr("$.effect: missing"));
}

TEST(ParseFaultRule, RejectsAnUnknownEffectListingTheKnownOnes) {
  std::string msg = ParseError(R"({"effect":"explode"})", "$.faults[0]");
  EXPECT_THAT(msg, HasSubstr("$.faults[0].effect: unknown effect \"explode\""));
  for (const char* name :
       {"unimplemented-unknown-method", "unimplemented", "crio-no-criu", "containerd-no-criu",
        "not-found", "not-running", "error", "latency", "hang", "disk-full", "crash",
        "archive-mode-0644", "no-archive", "archive-elsewhere", "not-a-tar", "missing-entry"}) {
    EXPECT_THAT(msg, HasSubstr(name));
  }
}

TEST(ParseFaultRule, RejectsAWronglyTypedValueNamingTheKey) {
  EXPECT_THAT(ParseError(R"({"effect":"hang","method":3})"),
              HasSubstr("$.method: expected a string, got number"));
  EXPECT_THAT(ParseError(R"({"effect":"hang","nth":"2"})"),
              HasSubstr("$.nth: expected an integer, got string"));
  EXPECT_THAT(ParseError(R"({"effect":"hang","probability":"half"})"),
              HasSubstr("$.probability: expected a number, got string"));
  EXPECT_THAT(ParseError(R"({"effect":"latency","latency":2})"),
              HasSubstr("$.latency: expected a duration string"));
}

TEST(ParseFaultRule, RejectsABadCodeNamingTheKey) {
  for (const char* text : {R"({"effect":"error","message":"m","code":"Nope"})",
                           R"({"effect":"error","message":"m","code":0})",
                           R"({"effect":"error","message":"m","code":"OK"})",
                           R"({"effect":"error","message":"m","code":17})",
                           R"({"effect":"error","message":"m","code":2.5})"}) {
    std::string msg = ParseError(text);
    EXPECT_THAT(msg, HasSubstr("$.code: expected a gRPC error code 1-16")) << text;
  }
}

TEST(ParseFaultRule, RejectsAProbabilityOutsideZeroToOne) {
  for (const char* text :
       {R"({"effect":"hang","probability":1.5})", R"({"effect":"hang","probability":-0.1})"}) {
    EXPECT_THAT(ParseError(text), HasSubstr("$.probability: must be between 0 and 1")) << text;
  }
  EXPECT_DOUBLE_EQ(MustParse(R"({"effect":"hang","probability":0})").probability, 0);
  EXPECT_DOUBLE_EQ(MustParse(R"({"effect":"hang","probability":1})").probability, 1);
}

TEST(ParseFaultRule, RejectsNthCombinedWithProbability) {
  EXPECT_THAT(ParseError(R"({"effect":"hang","nth":2,"probability":0.5})"),
              HasSubstr("$.nth: cannot be combined with probability"));
}

TEST(ParseFaultRule, RejectsANegativeNth) {
  EXPECT_THAT(ParseError(R"({"effect":"hang","nth":-1})"), HasSubstr("$.nth: must be 1 or more"));
}

TEST(ParseFaultRule, RejectsAnErrorEffectWithoutAMessage) {
  EXPECT_THAT(ParseError(R"({"effect":"error","code":"Internal"})"),
              HasSubstr("$.message: missing"));
}

TEST(ParseFaultRule, RejectsALatencyEffectWithoutALatency) {
  EXPECT_THAT(ParseError(R"({"effect":"latency"})"), HasSubstr("$.latency: missing"));
  EXPECT_THAT(ParseError(R"({"effect":"latency","latency":"0"})"), HasSubstr("$.latency: missing"));
  EXPECT_THAT(ParseError(R"({"effect":"latency","latency":"2parsecs"})"),
              HasSubstr("$.latency: \"2parsecs\" is not a duration"));
}

TEST(ParseFaultRule, MissingEntryAcceptsOnlyTheThreeCheckedEntries) {
  for (const char* entry : {"spec.dump", "config.dump", "checkpoint/inventory.img"}) {
    std::string text = std::string(R"({"effect":"missing-entry","entry":")") + entry + "\"}";
    auto r = ParseFaultRule(J(text.c_str()), "$");
    ASSERT_TRUE(r.ok()) << entry << ": " << r.status();
    EXPECT_EQ(r->entry, entry);
  }
  for (const char* text :
       {R"({"effect":"missing-entry"})", R"({"effect":"missing-entry","entry":"rootfs-diff.tar"})",
        R"({"effect":"missing-entry","entry":"inventory.img"})"}) {
    EXPECT_THAT(ParseError(text),
                HasSubstr("$.entry: must be spec.dump, config.dump or checkpoint/inventory.img"))
        << text;
  }
}

TEST(ParseFaultRule, RejectsANegativeAfterBytes) {
  EXPECT_THAT(ParseError(R"({"effect":"crash","after_bytes":-5})"),
              HasSubstr("$.after_bytes: expected a non-negative integer"));
  EXPECT_THAT(ParseError(R"({"effect":"crash","after_bytes":"5XB"})"),
              HasSubstr("$.after_bytes: quantity \"5XB\" has unknown suffix"));
}

// ---------------------------------------------------------------------------
// ParseFaultFlag

TEST(ParseFaultFlag, ReadsKeyValuePairs) {
  auto r = ParseFaultFlag("effect=hang,method=CheckpointContainer,nth=2");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->effect, FaultEffect::kHang);
  EXPECT_EQ(r->method, "CheckpointContainer");
  EXPECT_EQ(r->nth, 2u);
}

TEST(ParseFaultFlag, ReadsNumbersAndStringsOfEveryKind) {
  auto r = ParseFaultFlag(
      "effect=error,container=web,code=NotFound,message=gone away,probability=0.5,seed=9");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->effect, FaultEffect::kError);
  EXPECT_EQ(r->container, "web");
  EXPECT_EQ(r->code, 5);
  EXPECT_EQ(r->message, "gone away");
  EXPECT_DOUBLE_EQ(r->probability, 0.5);
  EXPECT_EQ(r->seed, 9u);

  auto l = ParseFaultFlag("effect=latency,latency=1.5s");
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->latency_ns, 1'500'000'000);

  auto d = ParseFaultFlag("effect=disk-full,after_bytes=64Ki");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->after_bytes, 64u * 1024);
  EXPECT_EQ(d->method, "CheckpointContainer");

  auto m = ParseFaultFlag("effect=missing-entry,entry=checkpoint/inventory.img");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->entry, "checkpoint/inventory.img");
}

TEST(ParseFaultFlag, RejectsAPartThatIsNotKeyValueQuotingIt) {
  auto r = ParseFaultFlag("effect=hang,oops");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "\"oops\" is not key=value");
}

TEST(ParseFaultFlag, NamesTheKeyInRuleErrors) {
  auto r = ParseFaultFlag("effect=hang,colour=red");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("--fault.colour: unknown key"));

  auto n = ParseFaultFlag("effect=hang,nth=two");
  ASSERT_FALSE(n.ok());
  EXPECT_THAT(std::string(n.status().message()), HasSubstr("--fault.nth: expected an integer"));

  auto p = ParseFaultFlag("effect=hang,probability=2");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(std::string(p.status().message()),
              HasSubstr("--fault.probability: must be between 0 and 1"));
}

// ---------------------------------------------------------------------------
// FaultError: the texts real runtimes answer with.

TEST(FaultError, UnimplementedUnknownMethodReadsLikeAGrpcServerWithoutTheMethod) {
  absl::Status s =
      FaultError(Rule(FaultEffect::kUnimplementedUnknownMethod), "CheckpointContainer", kId);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(s.message(),
            "unknown method CheckpointContainer for service runtime.v1.RuntimeService");
}

TEST(FaultError, UnimplementedReadsLikeContainerd16) {
  absl::Status s = FaultError(Rule(FaultEffect::kUnimplemented), "CheckpointContainer", kId);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(s.message(), "method CheckpointContainer not implemented");
}

TEST(FaultError, CrioNoCriuReadsLikeCrio) {
  absl::Status s = FaultError(Rule(FaultEffect::kCrioNoCriu), "CheckpointContainer", kId);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(s.message(), "checkpoint/restore support not available");
}

TEST(FaultError, ContainerdNoCriuNamesTheContainerAndTheCause) {
  absl::Status s = FaultError(Rule(FaultEffect::kContainerdNoCriu), "CheckpointContainer", kId);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(s.message(), std::string("CRIU binary not found or too old (<31600). Failed to "
                                     "checkpoint container \"") +
                             kId +
                             "\": failed to check for criu version: exec: \"criu\": executable "
                             "file not found in $PATH");
}

TEST(FaultError, NotFoundReadsLikeCrioForAnUnknownContainer) {
  absl::Status s = FaultError(Rule(FaultEffect::kNotFound), "CheckpointContainer", kId);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), std::string("could not find container \"") + kId +
                             "\": container with ID starting with " + kId +
                             " not found: ID does not exist");
}

TEST(FaultError, NotRunningReadsLikeContainerdWithCodeUnknown) {
  absl::Status s = FaultError(Rule(FaultEffect::kNotRunning), "CheckpointContainer", kId);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(s.message(), std::string("container \"") + kId +
                             "\" is in CONTAINER_EXITED state. only CONTAINER_RUNNING "
                             "containers can be checkpointed");
}

TEST(FaultError, ErrorAnswersItsCodeAndMessage) {
  FaultRule by_name =
      MustParse(R"({"effect":"error","code":"ResourceExhausted","message":"full"})");
  absl::Status a = FaultError(by_name, "CheckpointContainer", kId);
  EXPECT_EQ(a.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(a.message(), "full");

  FaultRule by_number = MustParse(R"({"effect":"error","code":14,"message":"down"})");
  absl::Status b = FaultError(by_number, "ListContainers", "");
  EXPECT_EQ(b.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(b.message(), "down");

  FaultRule by_default = MustParse(R"({"effect":"error","message":"huh"})");
  EXPECT_EQ(FaultError(by_default, "Version", "").code(), absl::StatusCode::kUnknown);
}

TEST(FaultError, NonErrorEffectsAnswerOk) {
  for (FaultEffect e : {FaultEffect::kLatency, FaultEffect::kHang, FaultEffect::kDiskFull,
                        FaultEffect::kCrash, FaultEffect::kNotATar}) {
    EXPECT_TRUE(FaultError(Rule(e), "CheckpointContainer", kId).ok());
  }
}

// ---------------------------------------------------------------------------
// FaultRules

TEST(FaultRules, AddAnswersSequentialIds) {
  FaultRules rules;
  EXPECT_EQ(MustAdd(rules, Rule(FaultEffect::kHang)), "f1");
  EXPECT_EQ(MustAdd(rules, Rule(FaultEffect::kHang)), "f2");
  EXPECT_EQ(MustAdd(rules, Rule(FaultEffect::kHang)), "f3");
  EXPECT_EQ(rules.List().size(), 3u);
}

TEST(FaultRules, AddRejectsAnArchiveEffectOnAnotherMethod) {
  FaultRules rules;
  auto id = rules.Add(Rule(FaultEffect::kDiskFull, "StopContainer"));
  EXPECT_FALSE(id.ok());
}

TEST(FaultRules, AddPointsArchiveEffectsWithoutAMethodAtCheckpointContainer) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kNotATar));
  EXPECT_FALSE(rules.Decide("StopContainer", kId, "web").archive.not_a_tar);
  EXPECT_TRUE(rules.Decide("CheckpointContainer", kId, "web").archive.not_a_tar);
}

TEST(FaultRules, DecidesNothingWithoutRules) {
  FaultRules rules;
  FaultDecision d = rules.Decide("CheckpointContainer", kId, "web");
  EXPECT_EQ(d.fired, 0);
  EXPECT_FALSE(d.error.has_value());
  EXPECT_EQ(d.extra_latency_ns, 0);
  EXPECT_FALSE(d.hang);
}

TEST(FaultRules, MatchesOnlyTheRulesMethod) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kHang, "CheckpointContainer"));
  EXPECT_FALSE(rules.Decide("StopContainer", kId, "web").hang);
  EXPECT_FALSE(rules.Decide("ListContainers", "", "").hang);
  EXPECT_TRUE(rules.Decide("CheckpointContainer", kId, "web").hang);
}

TEST(FaultRules, MatchesByContainerId) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kHang, "", kId));
  EXPECT_TRUE(rules.Decide("CheckpointContainer", kId, "web").hang);
  EXPECT_FALSE(rules.Decide("CheckpointContainer", "other-id", "web").hang);
  EXPECT_FALSE(rules.Decide("ListContainers", "", "").hang);
}

TEST(FaultRules, MatchesByContainerName) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kHang, "", "web"));
  EXPECT_TRUE(rules.Decide("CheckpointContainer", kId, "web").hang);
  EXPECT_FALSE(rules.Decide("CheckpointContainer", kId, "db").hang);
  EXPECT_FALSE(rules.Decide("CheckpointContainer", "web-2", "").hang);
}

TEST(FaultRules, WildcardsMatchEveryMethodAndContainer) {
  for (const char* any : {"", "*"}) {
    FaultRules rules;
    MustAdd(rules, Rule(FaultEffect::kHang, any, any));
    EXPECT_TRUE(rules.Decide("CheckpointContainer", kId, "web").hang) << "'" << any << "'";
    EXPECT_TRUE(rules.Decide("Version", "", "").hang) << "'" << any << "'";
    EXPECT_TRUE(rules.Decide("StopContainer", "x", "db").hang) << "'" << any << "'";
  }
}

TEST(FaultRules, NthFiresOnlyOnTheNthMatchingCall) {
  FaultRules rules;
  FaultRule r = Rule(FaultEffect::kHang, "CheckpointContainer");
  r.nth = 3;
  MustAdd(rules, r);
  std::vector<bool> fired;
  for (int i = 0; i < 6; ++i) {
    // Calls that do not match do not count towards nth.
    EXPECT_FALSE(rules.Decide("StopContainer", kId, "web").hang);
    fired.push_back(rules.Decide("CheckpointContainer", kId, "web").hang);
  }
  EXPECT_THAT(fired, ElementsAre(false, false, true, false, false, false));
  auto listed = rules.List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].matched, 6u);
  EXPECT_EQ(listed[0].injected, 1u);
}

std::vector<bool> FireSequence(double probability, uint64_t seed, int calls) {
  FaultRules rules;
  FaultRule r = Rule(FaultEffect::kHang);
  r.probability = probability;
  r.seed = seed;
  MustAdd(rules, r);
  std::vector<bool> out;
  for (int i = 0; i < calls; ++i)
    out.push_back(rules.Decide("CheckpointContainer", kId, "web").hang);
  return out;
}

TEST(FaultRules, ProbabilityWithTheSameSeedFiresOnTheSameCalls) {
  EXPECT_EQ(FireSequence(0.5, 42, 200), FireSequence(0.5, 42, 200));
}

TEST(FaultRules, ProbabilityWithAnotherSeedFiresOnOtherCalls) {
  EXPECT_NE(FireSequence(0.5, 42, 200), FireSequence(0.5, 43, 200));
}

TEST(FaultRules, ProbabilityFiresOnRoughlyThatShareOfCalls) {
  FaultRules rules;
  FaultRule r = Rule(FaultEffect::kHang);
  r.probability = 0.3;
  r.seed = 2024;
  MustAdd(rules, r);
  int fired = 0;
  for (int i = 0; i < 1000; ++i) fired += rules.Decide("CheckpointContainer", kId, "web").hang;
  EXPECT_GE(fired, 200);
  EXPECT_LE(fired, 400);
  auto listed = rules.List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].matched, 1000u);
  EXPECT_EQ(listed[0].injected, static_cast<uint64_t>(fired));
}

TEST(FaultRules, ProbabilityZeroNeverFires) {
  std::vector<bool> seq = FireSequence(0, 1, 200);
  EXPECT_EQ(std::count(seq.begin(), seq.end(), true), 0);
}

TEST(FaultRules, CountsMatchesAndInjectionsPerRuleAndInTotal) {
  FaultRules rules;
  std::string checkpoint = MustAdd(rules, Rule(FaultEffect::kHang, "CheckpointContainer"));
  std::string web = MustAdd(rules, Rule(FaultEffect::kLatency, "", "web"));
  FaultRule second = Rule(FaultEffect::kCrioNoCriu, "CheckpointContainer");
  second.nth = 2;
  std::string nth = MustAdd(rules, second);

  rules.Decide("CheckpointContainer", kId, "web");  // all three match; nth does not fire
  rules.Decide("CheckpointContainer", kId, "db");   // checkpoint and nth match; nth fires
  rules.Decide("StopContainer", kId, "web");        // web matches
  rules.Decide("Version", "", "");                  // nothing matches

  auto listed = rules.List();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].id, checkpoint);
  EXPECT_EQ(listed[0].matched, 2u);
  EXPECT_EQ(listed[0].injected, 2u);
  EXPECT_EQ(listed[1].id, web);
  EXPECT_EQ(listed[1].matched, 2u);
  EXPECT_EQ(listed[1].injected, 2u);
  EXPECT_EQ(listed[2].id, nth);
  EXPECT_EQ(listed[2].matched, 2u);
  EXPECT_EQ(listed[2].injected, 1u);
  EXPECT_EQ(rules.InjectedTotal(), 5u);
}

TEST(FaultRules, ClearByIdRemovesOnlyThatRule) {
  FaultRules rules;
  std::string a = MustAdd(rules, Rule(FaultEffect::kHang));
  std::string b = MustAdd(rules, Rule(FaultEffect::kNotATar));
  EXPECT_EQ(rules.Clear(a), 1);
  auto listed = rules.List();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, b);
  EXPECT_EQ(rules.Clear(a), 0);
  EXPECT_EQ(rules.Clear("f99"), 0);
  EXPECT_FALSE(rules.Decide("CheckpointContainer", kId, "web").hang);
}

TEST(FaultRules, ClearWithAnEmptyIdRemovesEveryRule) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kHang));
  MustAdd(rules, Rule(FaultEffect::kHang));
  MustAdd(rules, Rule(FaultEffect::kHang));
  EXPECT_EQ(rules.Clear(""), 3);
  EXPECT_THAT(rules.List(), IsEmpty());
  EXPECT_EQ(rules.Decide("CheckpointContainer", kId, "web").fired, 0);
  EXPECT_EQ(rules.Clear(""), 0);
}

TEST(FaultRules, IdsAreNotReusedAfterClear) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kHang));
  rules.Clear("");
  EXPECT_EQ(MustAdd(rules, Rule(FaultEffect::kHang)), "f2");
}

TEST(FaultRules, ClearForContainerRemovesOnlyRulesNamingThatId) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kHang, "", kId));
  MustAdd(rules, Rule(FaultEffect::kNotATar, "", kId));
  std::string other = MustAdd(rules, Rule(FaultEffect::kHang, "", "another-id"));
  std::string any = MustAdd(rules, Rule(FaultEffect::kHang));
  rules.ClearForContainer(kId);
  auto listed = rules.List();
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].id, other);
  EXPECT_EQ(listed[1].id, any);
}

TEST(FaultRules, DecideSumsLatencies) {
  FaultRules rules;
  FaultRule a = Rule(FaultEffect::kLatency);
  a.latency_ns = 2'000'000'000;
  FaultRule b = Rule(FaultEffect::kLatency, "CheckpointContainer");
  b.latency_ns = 500'000'000;
  MustAdd(rules, a);
  MustAdd(rules, b);
  FaultDecision d = rules.Decide("CheckpointContainer", kId, "web");
  EXPECT_EQ(d.extra_latency_ns, 2'500'000'000);
  EXPECT_EQ(d.fired, 2);
  EXPECT_FALSE(d.error.has_value());
  EXPECT_EQ(rules.Decide("StopContainer", kId, "web").extra_latency_ns, 2'000'000'000);
}

TEST(FaultRules, DecideCollectsDiskFullAndCrashPoints) {
  FaultRules rules;
  FaultRule full = Rule(FaultEffect::kDiskFull);
  full.after_bytes = 4096;
  FaultRule crash = Rule(FaultEffect::kCrash);
  crash.after_bytes = 1 << 20;
  MustAdd(rules, full);
  MustAdd(rules, crash);
  FaultDecision d = rules.Decide("CheckpointContainer", kId, "web");
  ASSERT_TRUE(d.archive.disk_full_after.has_value());
  EXPECT_EQ(*d.archive.disk_full_after, 4096u);
  ASSERT_TRUE(d.archive.crash_after.has_value());
  EXPECT_EQ(*d.archive.crash_after, 1u << 20);
  EXPECT_EQ(d.fired, 2);
}

TEST(FaultRules, DecideCollectsArchiveFlagsAndMissingEntries) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kArchiveMode0644));
  MustAdd(rules, Rule(FaultEffect::kNoArchive));
  MustAdd(rules, Rule(FaultEffect::kArchiveElsewhere));
  MustAdd(rules, Rule(FaultEffect::kNotATar));
  FaultRule spec = Rule(FaultEffect::kMissingEntry);
  spec.entry = "spec.dump";
  FaultRule inventory = Rule(FaultEffect::kMissingEntry);
  inventory.entry = "checkpoint/inventory.img";
  MustAdd(rules, spec);
  MustAdd(rules, inventory);
  MustAdd(rules, Rule(FaultEffect::kHang));
  FaultDecision d = rules.Decide("CheckpointContainer", kId, "web");
  EXPECT_TRUE(d.archive.mode_0644);
  EXPECT_TRUE(d.archive.no_archive);
  EXPECT_TRUE(d.archive.elsewhere);
  EXPECT_TRUE(d.archive.not_a_tar);
  EXPECT_TRUE(d.hang);
  EXPECT_THAT(d.archive.missing_entries, ElementsAre("spec.dump", "checkpoint/inventory.img"));
  EXPECT_FALSE(d.archive.disk_full_after.has_value());
  EXPECT_FALSE(d.archive.crash_after.has_value());
  EXPECT_EQ(d.fired, 7);
}

TEST(FaultRules, DecideAnswersTheFirstErrorThatFiredButCountsThemAll) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kNotFound, "CheckpointContainer"));
  MustAdd(rules, Rule(FaultEffect::kCrioNoCriu, "CheckpointContainer"));
  FaultDecision d = rules.Decide("CheckpointContainer", kId, "web");
  ASSERT_TRUE(d.error.has_value());
  EXPECT_EQ(d.error->code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(d.error->message()), HasSubstr(kId));
  EXPECT_EQ(d.fired, 2);
  EXPECT_EQ(rules.InjectedTotal(), 2u);
}

TEST(FaultRules, DecideErrorNamesTheCalledMethod) {
  FaultRules rules;
  MustAdd(rules, Rule(FaultEffect::kUnimplemented));
  FaultDecision d = rules.Decide("ContainerStats", kId, "web");
  ASSERT_TRUE(d.error.has_value());
  EXPECT_EQ(d.error->message(), "method ContainerStats not implemented");
}

// ---------------------------------------------------------------------------
// ToJson

void ExpectRoundTrips(const FaultRule& r) {
  nlohmann::json j = r.ToJson();
  auto back = ParseFaultRule(j, "$");
  ASSERT_TRUE(back.ok()) << j.dump() << ": " << back.status();
  EXPECT_EQ(back->method, r.method) << j.dump();
  EXPECT_EQ(back->container, r.container) << j.dump();
  EXPECT_EQ(back->effect, r.effect) << j.dump();
  EXPECT_EQ(back->code, r.code) << j.dump();
  EXPECT_EQ(back->message, r.message) << j.dump();
  EXPECT_EQ(back->latency_ns, r.latency_ns) << j.dump();
  EXPECT_EQ(back->after_bytes, r.after_bytes) << j.dump();
  EXPECT_EQ(back->entry, r.entry) << j.dump();
  EXPECT_EQ(back->nth, r.nth) << j.dump();
  EXPECT_DOUBLE_EQ(back->probability, r.probability) << j.dump();
  if (r.probability < 1) {
    EXPECT_EQ(back->seed, r.seed) << j.dump();
  }
}

TEST(FaultRuleToJson, RoundTripsThroughParseFaultRule) {
  const char* texts[] = {
      R"({"effect":"unimplemented-unknown-method","method":"CheckpointContainer"})",
      R"({"effect":"unimplemented"})",
      R"({"effect":"crio-no-criu","container":"web"})",
      R"({"effect":"containerd-no-criu","nth":2})",
      R"({"effect":"not-found","probability":0.25,"seed":99})",
      R"({"effect":"not-running","probability":0,"seed":3})",
      R"({"effect":"error","code":"DeadlineExceeded","message":"slow","method":"StopContainer"})",
      R"({"effect":"latency","latency":"2s"})",
      R"({"effect":"latency","latency":"1m30s","container":"*","method":"*"})",
      R"({"effect":"hang","method":"CheckpointContainer","container":"db"})",
      R"({"effect":"disk-full","after_bytes":"1Mi"})",
      R"({"effect":"crash","after_bytes":0})",
      R"({"effect":"archive-mode-0644"})",
      R"({"effect":"no-archive"})",
      R"({"effect":"archive-elsewhere"})",
      R"({"effect":"not-a-tar","nth":1})",
      R"({"effect":"missing-entry","entry":"checkpoint/inventory.img"})",
  };
  for (const char* text : texts) {
    SCOPED_TRACE(text);
    FaultRule r = MustParse(text);
    // "*" and "" mean the same; ToJson leaves both out.
    if (r.method == "*") r.method = "";
    if (r.container == "*") r.container = "";
    ExpectRoundTrips(r);
  }
}

TEST(FaultRuleToJson, RoundTripsASubMillisecondLatency) {
  for (const char* text : {R"({"effect":"latency","latency":"250us"})",
                           R"({"effect":"latency","latency":"1500us"})"}) {
    SCOPED_TRACE(text);
    ExpectRoundTrips(MustParse(text));
  }
}

TEST(FaultRuleToJson, LeavesOutWildcardsAndDefaults) {
  nlohmann::json j = MustParse(R"({"effect":"hang","method":"*","container":""})").ToJson();
  EXPECT_EQ(j, J(R"({"effect":"hang"})"));
}

}  // namespace
}  // namespace fakecri
