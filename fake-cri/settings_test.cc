#include "fake-cri/settings.h"

#include "fake-cri/annotations.h"
#include "fake-cri/fixture.h"
#include "fake-cri/flags.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fakecri {
namespace {

using ::testing::HasSubstr;

// The same value through each door ends up the same.
TEST(Settings, FlagFixtureAndAnnotationParseAlike) {
  auto flags = ParseFlags({"--checkpoint-fixed-cost", "1.5s", "--checkpoint-throughput", "256Mi"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  auto fixture = ParseFixture(
      R"({"runtime":{"checkpoint":{"fixed_cost":"1.5s","throughput":"256Mi"}},
          "pods":[{"namespace":"a","name":"p","containers":[{"name":"c","image":"i",
            "checkpoint":{"fixed_cost":"1.5s","throughput":"256Mi"}}]}]})",
      "node.json");
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  Container annotated;
  annotated.annotations = {{kFixedCostAnnotation, "1.5s"}, {kThroughputAnnotation, "256Mi"}};
  std::vector<FaultRule> rules;
  ASSERT_TRUE(ApplySimulationAnnotations({}, &annotated, &rules).ok());

  const Container& in_fixture = fixture->pods[0].containers[0].container;
  for (const auto& [fixed, throughput] :
       {std::pair{flags->settings.fixed_cost_ns, flags->settings.throughput},
        std::pair{fixture->runtime.fixed_cost_ns, fixture->runtime.throughput},
        std::pair{in_fixture.latency.fixed_cost_ns, in_fixture.latency.throughput_bytes_per_second},
        std::pair{annotated.latency.fixed_cost_ns,
                  annotated.latency.throughput_bytes_per_second}}) {
    EXPECT_EQ(fixed, 1'500'000'000);
    EXPECT_EQ(throughput, 256.0 * 1024 * 1024);
  }
}

TEST(Settings, EveryFlagSettingHasAKeyAndParsesItsOwnExample) {
  for (const SettingInfo& s : AllSettings()) {
    if (!*s.flag) continue;
    EXPECT_EQ(FindSettingByFlag(s.flag), &s);
  }
  Settings out;
  EXPECT_TRUE(SetSettingFromText(*FindSettingByFlag("--criu"), "false", &out).ok());
  EXPECT_EQ(out.criu, false);
  EXPECT_TRUE(SetSettingFromText(*FindSettingByFlag("--seed"), "42", &out).ok());
  EXPECT_EQ(out.seed, 42u);
  EXPECT_TRUE(SetSettingFromText(*FindSettingByFlag("--checkpoint-jitter"), "0.25", &out).ok());
  EXPECT_EQ(out.jitter, 0.25);
  EXPECT_TRUE(SetSettingFromText(*FindSettingByFlag("--runtime-profile"), "cri-o", &out).ok());
  EXPECT_EQ(out.profile, "cri-o");
  EXPECT_TRUE(SetSettingFromText(*FindSettingByFlag("--flavor"), "containerd-2.0", &out).ok());
  EXPECT_EQ(out.layout, ArchiveFlavor::kContainerd20);
}

TEST(Settings, OutOfRangeNumbersAreClearErrorsNeverWrapped) {
  Settings out;
  absl::Status s = SetSetting("working_set_bytes", nlohmann::json(18446744073709551615ULL), &out);
  EXPECT_THAT(std::string(s.message()), HasSubstr("more than the 1 PiB"));
  s = SetSetting("checkpoint.throughput", nlohmann::json(-1), &out);
  EXPECT_FALSE(s.ok());
  s = SetSetting("checkpoint.jitter", nlohmann::json(1.0), &out);
  EXPECT_EQ(s.message(), "must be at least 0 and less than 1");
  s = SetSetting("checkpoint.seed", nlohmann::json(-3), &out);
  EXPECT_EQ(s.message(), "must not be negative");
  s = SetSettingFromText(*FindSettingByFlag("--criu"), "maybe", &out);
  EXPECT_EQ(s.message(), "expected true or false");
  s = SetSettingFromText(*FindSettingByFlag("--runtime-profile"), "docker", &out);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("unknown runtime profile \"docker\" (one of containerd-1.6.0"));
}

TEST(Settings, FixtureNumbersBeyondJsonAreAStartUpErrorNotAnAbort) {
  auto fx = ParseFixture(R"({"runtime":{"checkpoint":{"jitter":1e400}}})", "node.json");
  ASSERT_FALSE(fx.ok());
  EXPECT_THAT(std::string(fx.status().message()),
              HasSubstr("node.json: $: not valid JSON: number overflow"));
  fx = ParseFixture(R"({"pods":[{"namespace":"a","name":"p","containers":[{"name":"c",
      "image":"i","working_set_bytes":18446744073709551615}]}]})",
                    "node.json");
  ASSERT_FALSE(fx.ok());
  EXPECT_THAT(std::string(fx.status().message()),
              HasSubstr("$.pods[0].containers[0].working_set_bytes: 18446744073709551615 bytes "
                        "is more than the 1 PiB"));
  fx = ParseFixture(R"({"pods":[{"namespace":"a","name":"p","containers":[{"name":"c",
      "image":"i","attempt":18446744073709551615}]}]})",
                    "node.json");
  ASSERT_FALSE(fx.ok());
  EXPECT_THAT(std::string(fx.status().message()),
              HasSubstr("attempt: 18446744073709551615 is too large"));
}

TEST(Settings, FixtureNamesNoKubernetesObjectCanHaveAreRefused) {
  for (const auto& [pod, container, want] :
       {std::tuple<std::string, std::string, std::string>{"a/b", "c",
                                                          "$.pods[0].name: contains \"/\""},
        {"..", "c", "$.pods[0].name: \"..\" is not a name"},
        {"p", "c\\u0000d", "$.pods[0].containers[0].name: contains a NUL byte"},
        {"p", std::string(254, 'x'), "$.pods[0].containers[0].name: is longer than 253 bytes"}}) {
    auto fx = ParseFixture(R"({"pods":[{"namespace":"a","name":")" + pod +
                               R"(","containers":[{"name":")" + container + R"(","image":"i"}]}]})",
                           "node.json");
    ASSERT_FALSE(fx.ok()) << pod << "/" << container;
    EXPECT_EQ(fx.status().message(), "node.json: " + want);
  }
}

TEST(Settings, FlagsOverFixtureOverProfile) {
  auto fixture = ParseFixture(
      R"({"runtime":{"profile":"cri-o","checkpoint":{"fixed_cost":"2s","throughput":"1Mi"}}})",
      "node.json");
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  auto flags = ParseFlags({"--checkpoint-fixed-cost", "3s"});
  ASSERT_TRUE(flags.ok());
  auto o = MergeOptions(*flags, &*fixture);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_STREQ(o->checkpoint.profile->name, "cri-o");
  EXPECT_EQ(o->runtime.profile, o->checkpoint.profile);
  EXPECT_EQ(o->checkpoint.latency.fixed_cost_ns, 3'000'000'000);          // flag
  EXPECT_EQ(o->checkpoint.latency.throughput_bytes_per_second, 1 << 20);  // fixture
  EXPECT_EQ(o->checkpoint.flavor, ArchiveFlavor::kCrio);                  // profile
  auto bare = MergeOptions(*ParseFlags({}), nullptr);
  ASSERT_TRUE(bare.ok());
  EXPECT_STREQ(bare->checkpoint.profile->name, kDefaultRuntimeProfile);
  EXPECT_EQ(bare->checkpoint.latency.fixed_cost_ns,
            bare->checkpoint.profile->latency.fixed_cost_ns);
}

TEST(Flags, ReadThroughTheKitsFlagParser) {
  auto f = ParseFlags({"--listen=unix:///tmp/x.sock", "--time-scale", "10", "--criu=false",
                       "--runtime-profile", "containerd-2.1", "--fault",
                       "effect=hang,method=CheckpointContainer", "--log-level=debug",
                       "--list-profiles"});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->listen, "unix:///tmp/x.sock");
  EXPECT_EQ(f->time_scale, 10);
  EXPECT_EQ(f->settings.criu, false);
  EXPECT_EQ(f->settings.profile, "containerd-2.1");
  ASSERT_EQ(f->faults.size(), 1u);
  EXPECT_EQ(f->log_level, kit::LogLevel::kDebug);
  EXPECT_TRUE(f->list_profiles);
  EXPECT_TRUE(ParseFlags({"--criu"})->settings.criu.value_or(false));

  struct Case {
    std::vector<std::string> args;
    std::string want;
  } cases[] = {
      {{"--no-such-flag"}, "unknown flag --no-such-flag (see --help)"},
      {{"--fixture"}, "--fixture: needs a value"},
      {{"--time-scale=0"}, "--time-scale=0: must be a number more than 0"},
      {{"--criu=maybe"}, "--criu=maybe: "},
      {{"--fault=effect=hang,oops"}, "--fault=effect=hang,oops: \"oops\" is not key=value"},
      {{"stray"}, "unexpected argument \"stray\""},
  };
  for (const Case& c : cases) {
    auto r = ParseFlags(c.args);
    ASSERT_FALSE(r.ok()) << c.args[0];
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.want)) << c.args[0];
  }
}

TEST(Flags, UsageListsEverySettingFlagOnce) {
  std::string usage = FlagsUsage();
  for (const SettingInfo& s : AllSettings()) {
    if (!*s.flag) continue;
    std::string line =
        std::string("  ") + s.flag + (s.kind == SettingKind::kBool ? "[=BOOL]" : " ");
    EXPECT_NE(usage.find(line), std::string::npos) << s.flag;
  }
  EXPECT_NE(usage.find("  --help "), std::string::npos);
}

TEST(Settings, CriuCanOnlyBeMissingFromARuntimeThatUsesIt) {
  auto o =
      MergeOptions(*ParseFlags({"--runtime-profile", "containerd-1.6.9", "--criu=false"}), nullptr);
  ASSERT_FALSE(o.ok());
  EXPECT_THAT(std::string(o.status().message()), HasSubstr("does not checkpoint through CRIU"));
  o = MergeOptions(*ParseFlags({"--runtime-profile", "cri-o", "--criu=false"}), nullptr);
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->checkpoint.criu);
}

}  // namespace
}  // namespace fakecri
