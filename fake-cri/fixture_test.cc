#include "fake-cri/fixture.h"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_cri_clock.h"

namespace fakecri {
namespace {

using FakeClock = ::kit::testing::FakeCriClock;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

constexpr char kFile[] = "node.json";

// Every key the parser knows, at every level.
constexpr char kFullFixture[] = R"({
  "runtime": {
    "checkpoint": {
      "fixed_cost": "250ms",
      "throughput": "512Mi",
      "jitter": 0.1,
      "seed": 7,
      "default_timeout": "90s"
    },
    "faults": [
      {"method": "CheckpointContainer", "effect": "latency", "latency": "2s"}
    ]
  },
  "pods": [
    {
      "namespace": "shop",
      "name": "web-7d4b9c",
      "uid": "2f1c7a52-6b0e-4d7a-9c8e-3a5b1d0e9f11",
      "labels": {"app": "web"},
      "annotations": {"kubernetes.io/config.source": "api"},
      "state": "ready",
      "containers": [
        {
          "name": "nginx",
          "image": "docker.io/library/nginx:1.25",
          "state": "running",
          "exit_code": 0,
          "attempt": 2,
          "working_set_bytes": "48Mi",
          "command": ["/docker-entrypoint.sh", "nginx"],
          "args": ["-g", "daemon off;"],
          "labels": {"tier": "front"},
          "annotations": {"note": "x"},
          "checkpoint": {"fixed_cost": "1s", "throughput": 1048576},
          "faults": [{"method": "CheckpointContainer", "effect": "crio-no-criu"}]
        },
        {"name": "sidecar", "image": "busybox", "state": "created"},
        {"name": "migrate", "image": "postgres:16", "state": "exited", "exit_code": 3},
        {"name": "done", "image": "busybox", "state": "exited", "exit_code": 0}
      ]
    },
    {
      "namespace": "shop",
      "name": "drained",
      "state": "notready",
      "containers": [
        {"name": "old", "image": "busybox", "state": "exited", "exit_code": 1}
      ]
    }
  ]
})";

Fixture MustParse(const std::string& text) {
  auto fx = ParseFixture(text, kFile);
  EXPECT_TRUE(fx.ok()) << fx.status();
  return fx.ok() ? *std::move(fx) : Fixture{};
}

// The message of a parse that must fail; checks it is INVALID_ARGUMENT and names the file.
std::string ParseError(const std::string& text) {
  auto fx = ParseFixture(text, kFile);
  EXPECT_FALSE(fx.ok()) << "parsed: " << text;
  if (fx.ok()) return "";
  EXPECT_EQ(fx.status().code(), absl::StatusCode::kInvalidArgument);
  std::string msg(fx.status().message());
  EXPECT_THAT(msg, StartsWith(std::string(kFile) + ": ")) << msg;
  return msg;
}

// A one-pod fixture whose only container is `container` (a JSON object's text).
std::string WithContainer(const std::string& container) {
  return R"({"pods":[{"namespace":"ns","name":"p","containers":[)" + container + "]}]}";
}

// A one-pod fixture with extra pod keys.
std::string WithPod(const std::string& pod_keys) {
  return R"({"pods":[{"namespace":"ns","name":"p")" + (pod_keys.empty() ? "" : "," + pod_keys) +
         "}]}";
}

// ---------------------------------------------------------------------------
// ParseFixture: good input

TEST(ParseFixture, ReadsRuntimeSettings) {
  Fixture fx = MustParse(kFullFixture);
  EXPECT_EQ(fx.runtime.fixed_cost_ns, 250'000'000);
  EXPECT_EQ(fx.runtime.throughput, 512.0 * 1024 * 1024);
  EXPECT_EQ(fx.runtime.jitter, 0.1);
  EXPECT_EQ(fx.runtime.seed, 7u);
  EXPECT_EQ(fx.runtime.default_timeout_ns, 90'000'000'000);
  ASSERT_EQ(fx.faults.size(), 1u);
  EXPECT_EQ(fx.faults[0].effect, FaultEffect::kLatency);
  EXPECT_EQ(fx.faults[0].method, "CheckpointContainer");
  EXPECT_EQ(fx.faults[0].latency_ns, 2'000'000'000);
}

TEST(ParseFixture, ReadsPods) {
  Fixture fx = MustParse(kFullFixture);
  ASSERT_EQ(fx.pods.size(), 2u);
  const Sandbox& web = fx.pods[0].sandbox;
  EXPECT_EQ(web.ns, "shop");
  EXPECT_EQ(web.name, "web-7d4b9c");
  EXPECT_EQ(web.uid, "2f1c7a52-6b0e-4d7a-9c8e-3a5b1d0e9f11");
  EXPECT_THAT(web.labels, ElementsAre(Pair("app", "web")));
  EXPECT_THAT(web.annotations, ElementsAre(Pair("kubernetes.io/config.source", "api")));
  EXPECT_EQ(web.state, SandboxState::kReady);
  EXPECT_EQ(fx.pods[1].sandbox.state, SandboxState::kNotReady);
  EXPECT_EQ(fx.pods[1].sandbox.uid, "");
}

TEST(ParseFixture, ReadsContainers) {
  Fixture fx = MustParse(kFullFixture);
  ASSERT_EQ(fx.pods.size(), 2u);
  ASSERT_EQ(fx.pods[0].containers.size(), 4u);
  const FixtureContainer& nginx = fx.pods[0].containers[0];
  const Container& c = nginx.container;
  EXPECT_EQ(c.name, "nginx");
  EXPECT_EQ(c.image, "docker.io/library/nginx:1.25");
  EXPECT_EQ(c.state, ContainerState::kRunning);
  EXPECT_EQ(c.attempt, 2u);
  EXPECT_EQ(c.working_set_bytes, 48u * 1024 * 1024);
  EXPECT_THAT(c.command, ElementsAre("/docker-entrypoint.sh", "nginx"));
  EXPECT_THAT(c.args, ElementsAre("-g", "daemon off;"));
  EXPECT_THAT(c.labels, ElementsAre(Pair("tier", "front")));
  EXPECT_THAT(c.annotations, ElementsAre(Pair("note", "x")));
  EXPECT_EQ(c.latency.fixed_cost_ns, 1'000'000'000);
  EXPECT_EQ(c.latency.throughput_bytes_per_second, 1048576.0);
  ASSERT_EQ(nginx.faults.size(), 1u);
  EXPECT_EQ(nginx.faults[0].effect, FaultEffect::kCrioNoCriu);

  EXPECT_EQ(fx.pods[0].containers[1].container.state, ContainerState::kCreated);
  EXPECT_EQ(fx.pods[0].containers[2].container.state, ContainerState::kExited);
  EXPECT_EQ(fx.pods[0].containers[2].container.exit_code, 3);
}

TEST(ParseFixture, DefaultsContainersToRunningAndPodsToReady) {
  Fixture fx = MustParse(WithContainer(R"({"name":"c","image":"i"})"));
  ASSERT_EQ(fx.pods.size(), 1u);
  EXPECT_EQ(fx.pods[0].sandbox.state, SandboxState::kReady);
  ASSERT_EQ(fx.pods[0].containers.size(), 1u);
  const Container& c = fx.pods[0].containers[0].container;
  EXPECT_EQ(c.state, ContainerState::kRunning);
  EXPECT_EQ(c.attempt, 0u);
  EXPECT_FALSE(c.latency.fixed_cost_ns.has_value());
  EXPECT_FALSE(c.latency.throughput_bytes_per_second.has_value());
  EXPECT_FALSE(fx.runtime.fixed_cost_ns.has_value());
  EXPECT_FALSE(fx.runtime.default_timeout_ns.has_value());
}

TEST(ParseFixture, AcceptsAnEmptyObject) {
  Fixture fx = MustParse("{}");
  EXPECT_THAT(fx.pods, IsEmpty());
  EXPECT_THAT(fx.faults, IsEmpty());
}

TEST(ParseFixture, AllowsTheSamePodNameInAnotherNamespace) {
  MustParse(R"({"pods":[{"namespace":"a","name":"p"},{"namespace":"b","name":"p"}]})");
}

TEST(ParseFixture, AllowsTheSameContainerNameInAnotherPod) {
  MustParse(R"({"pods":[
      {"namespace":"a","name":"p","containers":[{"name":"c","image":"i"}]},
      {"namespace":"a","name":"q","containers":[{"name":"c","image":"i"}]}]})");
}

TEST(ParseFixture, AllowsAContainerFaultWithAWildcardContainer) {
  Fixture fx = MustParse(
      WithContainer(R"({"name":"c","image":"i","faults":[{"effect":"hang","container":"*"}]})"));
  ASSERT_EQ(fx.pods.size(), 1u);
  ASSERT_EQ(fx.pods[0].containers.size(), 1u);
  EXPECT_EQ(fx.pods[0].containers[0].faults.size(), 1u);
}

// ---------------------------------------------------------------------------
// ParseFixture: bad input. Every message reads `<file>: <JSON path>: <problem>`.

TEST(ParseFixture, RejectsBadJsonWithLineAndColumn) {
  std::string msg = ParseError("{\n  \"pods\": [\n    }\n}");
  EXPECT_THAT(msg, StartsWith("node.json: $: not valid JSON: "));
  EXPECT_THAT(msg, HasSubstr("line 3"));
  EXPECT_THAT(msg, HasSubstr("column"));
  EXPECT_THAT(msg, Not(HasSubstr("[json.exception")));
}

TEST(ParseFixture, RejectsEmptyText) {
  EXPECT_THAT(ParseError(""), StartsWith("node.json: $: not valid JSON"));
}

TEST(ParseFixture, RejectsATopLevelThatIsNotAnObject) {
  EXPECT_EQ(ParseError("[]"), "node.json: $: expected an object, got array");
  EXPECT_EQ(ParseError("\"pods\""), "node.json: $: expected an object, got string");
}

TEST(ParseFixture, RejectsAnUnknownTopLevelKey) {
  EXPECT_EQ(ParseError(R"({"podz":[]})"), "node.json: $.podz: unknown key");
}

TEST(ParseFixture, RejectsAnUnknownRuntimeKey) {
  EXPECT_EQ(ParseError(R"({"runtime":{"fualts":[]}})"), "node.json: $.runtime.fualts: unknown key");
}

TEST(ParseFixture, RejectsAnUnknownRuntimeCheckpointKey) {
  EXPECT_EQ(ParseError(R"({"runtime":{"checkpoint":{"speed":"fast"}}})"),
            "node.json: $.runtime.checkpoint.speed: unknown key");
}

TEST(ParseFixture, RejectsAnUnknownPodKey) {
  EXPECT_EQ(ParseError(WithPod(R"("nodeName":"n1")")),
            "node.json: $.pods[0].nodeName: unknown key");
}

TEST(ParseFixture, RejectsAnUnknownContainerKey) {
  std::string text = R"({"pods":[{"namespace":"ns","name":"p","containers":[
      {"name":"a","image":"i"},{"name":"b","imag":"i","image":"i"}]}]})";
  EXPECT_EQ(ParseError(text), "node.json: $.pods[0].containers[1].imag: unknown key");
}

TEST(ParseFixture, RejectsRuntimeOnlyCheckpointKeysOnAContainer) {
  for (const char* key : {"jitter", "seed", "default_timeout"}) {
    std::string text =
        WithContainer(std::string(R"({"name":"c","image":"i","checkpoint":{")") + key + R"(":1}})");
    EXPECT_EQ(ParseError(text), std::string("node.json: $.pods[0].containers[0].checkpoint.") +
                                    key + ": unknown key");
  }
}

TEST(ParseFixture, RejectsAnUnknownKeyInARuntimeFault) {
  EXPECT_EQ(ParseError(R"({"runtime":{"faults":[{"effect":"hang"},{"effect":"hang","when":1}]}})"),
            "node.json: $.runtime.faults[1].when: unknown key");
}

TEST(ParseFixture, RejectsAStringWhereAnIntegerBelongs) {
  EXPECT_EQ(ParseError(WithContainer(R"({"name":"c","image":"i","exit_code":"3"})")),
            "node.json: $.pods[0].containers[0].exit_code: expected an integer, got string");
  EXPECT_EQ(ParseError(WithContainer(R"({"name":"c","image":"i","attempt":"1"})")),
            "node.json: $.pods[0].containers[0].attempt: expected an integer, got string");
  EXPECT_EQ(ParseError(R"({"runtime":{"checkpoint":{"seed":"7"}}})"),
            "node.json: $.runtime.checkpoint.seed: expected an integer, got string");
}

TEST(ParseFixture, RejectsAnArrayWhereAnObjectBelongs) {
  EXPECT_EQ(ParseError(R"({"runtime":[]})"), "node.json: $.runtime: expected an object, got array");
  EXPECT_EQ(ParseError(R"({"runtime":{"checkpoint":[]}})"),
            "node.json: $.runtime.checkpoint: expected an object, got array");
  EXPECT_EQ(ParseError(R"({"pods":[[]]})"), "node.json: $.pods[0]: expected an object, got array");
  EXPECT_EQ(ParseError(WithPod(R"("labels":["app"])")),
            "node.json: $.pods[0].labels: expected an object, got array");
  EXPECT_EQ(ParseError(WithContainer("[]")),
            "node.json: $.pods[0].containers[0]: expected an object, got array");
  EXPECT_EQ(ParseError(WithContainer(R"({"name":"c","image":"i","annotations":[]})")),
            "node.json: $.pods[0].containers[0].annotations: expected an object, got array");
}

TEST(ParseFixture, RejectsAnObjectWhereAnArrayBelongs) {
  EXPECT_EQ(ParseError(R"({"pods":{}})"), "node.json: $.pods: expected an array, got object");
  EXPECT_EQ(ParseError(WithPod(R"("containers":{})")),
            "node.json: $.pods[0].containers: expected an array, got object");
  EXPECT_EQ(ParseError(R"({"runtime":{"faults":{}}})"),
            "node.json: $.runtime.faults: expected an array, got object");
  EXPECT_EQ(ParseError(WithContainer(R"({"name":"c","image":"i","command":"sh"})")),
            "node.json: $.pods[0].containers[0].command: expected an array, got string");
}

TEST(ParseFixture, RejectsALabelValueThatIsNotAString) {
  EXPECT_EQ(ParseError(WithPod(R"("labels":{"app":"web","replicas":3})")),
            "node.json: $.pods[0].labels.replicas: expected a string, got number");
  EXPECT_EQ(ParseError(WithContainer(R"({"name":"c","image":"i","labels":{"on":true}})")),
            "node.json: $.pods[0].containers[0].labels.on: expected a string, got boolean");
}

TEST(ParseFixture, RejectsACommandElementThatIsNotAString) {
  EXPECT_EQ(ParseError(WithContainer(R"({"name":"c","image":"i","args":["-n",5]})")),
            "node.json: $.pods[0].containers[0].args[1]: expected a string, got number");
}

TEST(ParseFixture, RejectsAStringNameOfTheWrongType) {
  EXPECT_EQ(ParseError(R"({"pods":[{"namespace":"ns","name":7}]})"),
            "node.json: $.pods[0].name: expected a string, got number");
}

TEST(ParseFixture, RejectsAnUnknownContainerState) {
  EXPECT_EQ(ParseError(WithContainer(R"({"name":"c","image":"i","state":"paused"})")),
            "node.json: $.pods[0].containers[0].state: \"paused\" is not one of running, created, "
            "exited");
}

TEST(ParseFixture, RejectsAnUnknownPodState) {
  EXPECT_EQ(ParseError(WithPod(R"("state":"running")")),
            "node.json: $.pods[0].state: \"running\" is not one of ready, notready");
}

TEST(ParseFixture, RejectsABadWorkingSetQuantity) {
  EXPECT_EQ(ParseError(WithContainer(R"({"name":"c","image":"i","working_set_bytes":"48MB"})")),
            "node.json: $.pods[0].containers[0].working_set_bytes: quantity \"48MB\" has unknown "
            "suffix \"MB\" (use Ki, Mi, Gi, Ti, k, M, G, T)");
  std::string negative =
      ParseError(WithContainer(R"({"name":"c","image":"i","working_set_bytes":-1})"));
  EXPECT_THAT(negative, StartsWith("node.json: $.pods[0].containers[0].working_set_bytes: "));
  EXPECT_THAT(negative, HasSubstr("non-negative"));
}

TEST(ParseFixture, RejectsBadRuntimeCheckpointValues) {
  EXPECT_THAT(ParseError(R"({"runtime":{"checkpoint":{"throughput":"fast"}}})"),
              StartsWith("node.json: $.runtime.checkpoint.throughput: \"fast\" is not a byte "
                         "quantity"));
  EXPECT_EQ(ParseError(R"({"runtime":{"checkpoint":{"throughput":0}}})"),
            "node.json: $.runtime.checkpoint.throughput: must be more than 0 bytes per second");
  EXPECT_EQ(ParseError(R"({"runtime":{"checkpoint":{"jitter":1}}})"),
            "node.json: $.runtime.checkpoint.jitter: must be at least 0 and less than 1");
  EXPECT_EQ(ParseError(R"({"runtime":{"checkpoint":{"jitter":-0.1}}})"),
            "node.json: $.runtime.checkpoint.jitter: must be at least 0 and less than 1");
  EXPECT_EQ(ParseError(R"({"runtime":{"checkpoint":{"default_timeout":"0"}}})"),
            "node.json: $.runtime.checkpoint.default_timeout: must be more than 0");
  EXPECT_THAT(ParseError(R"({"runtime":{"checkpoint":{"fixed_cost":"300"}}})"),
              StartsWith("node.json: $.runtime.checkpoint.fixed_cost: \"300\" is not a duration "
                         "(missing unit"));
  EXPECT_EQ(ParseError(R"({"runtime":{"checkpoint":{"fixed_cost":300}}})"),
            "node.json: $.runtime.checkpoint.fixed_cost: expected a duration string like "
            "\"300ms\", got number");
}

TEST(ParseFixture, RejectsADuplicatePod) {
  EXPECT_EQ(ParseError(R"({"pods":[{"namespace":"ns","name":"p","uid":"1"},
                                   {"namespace":"other","name":"p"},
                                   {"namespace":"ns","name":"p","uid":"2"}]})"),
            "node.json: $.pods[2].name: duplicate pod \"ns/p\"");
}

TEST(ParseFixture, RejectsADuplicateContainerNameInAPod) {
  std::string text = R"({"pods":[{"namespace":"ns","name":"p","containers":[
      {"name":"c","image":"i"},{"name":"d","image":"i"},{"name":"c","image":"j","attempt":1}]}]})";
  EXPECT_EQ(ParseError(text),
            "node.json: $.pods[0].containers[2].name: duplicate container name \"c\" in this pod");
}

TEST(ParseFixture, RejectsAContainerFaultThatNamesAContainer) {
  EXPECT_EQ(
      ParseError(WithContainer(
          R"({"name":"c","image":"i","faults":[{"effect":"hang"},{"effect":"hang","container":"d"}]})")),
      "node.json: $.pods[0].containers[0].faults[1].container: not allowed here (the rule is "
      "for this container)");
}

TEST(ParseFixture, RejectsABadContainerFaultNamingItsPath) {
  EXPECT_THAT(ParseError(WithContainer(R"({"name":"c","image":"i","faults":[{"effect":"boom"}]})")),
              StartsWith("node.json: $.pods[0].containers[0].faults[0].effect: unknown effect "
                         "\"boom\""));
}

TEST(ParseFixture, RejectsAPodWithoutANamespace) {
  EXPECT_EQ(ParseError(R"({"pods":[{"name":"p"}]})"),
            "node.json: $.pods[0].namespace: missing (every pod has a namespace)");
}

TEST(ParseFixture, RejectsAPodWithoutAName) {
  EXPECT_EQ(ParseError(R"({"pods":[{"namespace":"ns","name":""}]})"),
            "node.json: $.pods[0].name: missing (every pod has a name)");
}

TEST(ParseFixture, RejectsAContainerWithoutAName) {
  EXPECT_EQ(ParseError(WithContainer(R"({"image":"i"})")),
            "node.json: $.pods[0].containers[0].name: missing (every container has a name)");
}

TEST(ParseFixture, RejectsAContainerWithoutAnImage) {
  EXPECT_EQ(ParseError(WithContainer(R"({"name":"c"})")),
            "node.json: $.pods[0].containers[0].image: missing (every container has an image)");
}

// ---------------------------------------------------------------------------
// LoadFixture

std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  EXPECT_TRUE(out.good()) << path;
  return path;
}

TEST(LoadFixture, ReportsAMissingFileAsNotFoundNamingThePath) {
  std::string path = ::testing::TempDir() + "fixture_test_no_such_fixture.json";
  std::remove(path.c_str());
  auto fx = LoadFixture(path);
  ASSERT_FALSE(fx.ok());
  EXPECT_EQ(fx.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(fx.status().message()), StartsWith(path + ": cannot read fixture"));
}

TEST(LoadFixture, ReadsAFileFromDisk) {
  std::string path = WriteTempFile("fixture_test_good.json", kFullFixture);
  auto fx = LoadFixture(path);
  ASSERT_TRUE(fx.ok()) << fx.status();
  EXPECT_EQ(fx->pods.size(), 2u);
  std::remove(path.c_str());
}

TEST(LoadFixture, NamesThePathInParseErrors) {
  std::string path = WriteTempFile("fixture_test_bad.json", R"({"pods":[{"name":"p"}]})");
  auto fx = LoadFixture(path);
  ASSERT_FALSE(fx.ok());
  EXPECT_EQ(fx.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(fx.status().message(),
            path + ": $.pods[0].namespace: missing (every pod has a namespace)");
  std::remove(path.c_str());
}

TEST(LoadFixture, LoadsAndPopulatesTheDefaultFixture) {
  const std::string path = KIT_SOURCE_DIR "/fixtures/default.json";
  if (!std::ifstream(path).good()) GTEST_SKIP() << path << " does not exist yet";
  auto fx = LoadFixture(path);
  ASSERT_TRUE(fx.ok()) << fx.status();
  EXPECT_FALSE(fx->pods.empty());
  FakeClock clock;
  Store store(&clock);
  FaultRules faults;
  ImageStore images;
  ASSERT_TRUE(PopulateFromFixture(&*fx, &store, &faults, &images).ok());
  size_t containers = 0;
  for (const auto& pod : fx->pods) containers += pod.containers.size();
  EXPECT_EQ(store.ListSandboxes({}).size(), fx->pods.size());
  EXPECT_EQ(store.ListContainers({}).size(), containers);
}

// ---------------------------------------------------------------------------
// PopulateFromFixture

class PopulateFromFixtureTest : public ::testing::Test {
 protected:
  void Populate(const std::string& text) {
    fixture_ = MustParse(text);
    absl::Status s = PopulateFromFixture(&fixture_, &store_, &faults_, &images_);
    ASSERT_TRUE(s.ok()) << s;
  }
  Sandbox SandboxNamed(const std::string& name) {
    auto list = store_.ListSandboxes({"", std::nullopt, {{"io.kubernetes.pod.name", name}}});
    EXPECT_EQ(list.size(), 1u) << name;
    return list.empty() ? Sandbox{} : list[0];
  }
  Container ContainerNamed(const std::string& name) {
    auto list =
        store_.ListContainers({"", std::nullopt, "", {{"io.kubernetes.container.name", name}}});
    EXPECT_EQ(list.size(), 1u) << name;
    return list.empty() ? Container{} : list[0];
  }

  FakeClock clock_;
  Store store_{&clock_};
  FaultRules faults_;
  ImageStore images_;
  Fixture fixture_;
};

TEST_F(PopulateFromFixtureTest, CreatesEveryPodAndContainer) {
  Populate(kFullFixture);
  EXPECT_EQ(store_.ListSandboxes({}).size(), 2u);
  EXPECT_EQ(store_.ListContainers({}).size(), 5u);
}

TEST_F(PopulateFromFixtureTest, PutsKubeletLabelsOnSandboxes) {
  Populate(kFullFixture);
  Sandbox web = SandboxNamed("web-7d4b9c");
  EXPECT_EQ(web.labels["io.kubernetes.pod.name"], "web-7d4b9c");
  EXPECT_EQ(web.labels["io.kubernetes.pod.namespace"], "shop");
  EXPECT_EQ(web.labels["io.kubernetes.pod.uid"], "2f1c7a52-6b0e-4d7a-9c8e-3a5b1d0e9f11");
  EXPECT_EQ(web.labels["app"], "web");
  EXPECT_EQ(web.annotations["kubernetes.io/config.source"], "api");
  EXPECT_EQ(web.log_directory,
            "/var/log/pods/shop_web-7d4b9c_2f1c7a52-6b0e-4d7a-9c8e-3a5b1d0e9f11");
}

TEST_F(PopulateFromFixtureTest, PutsKubeletLabelsOnContainers) {
  Populate(kFullFixture);
  Sandbox web = SandboxNamed("web-7d4b9c");
  Container nginx = ContainerNamed("nginx");
  EXPECT_EQ(nginx.sandbox_id, web.id);
  EXPECT_EQ(nginx.labels["io.kubernetes.pod.name"], "web-7d4b9c");
  EXPECT_EQ(nginx.labels["io.kubernetes.pod.namespace"], "shop");
  EXPECT_EQ(nginx.labels["io.kubernetes.pod.uid"], "2f1c7a52-6b0e-4d7a-9c8e-3a5b1d0e9f11");
  EXPECT_EQ(nginx.labels["io.kubernetes.container.name"], "nginx");
  EXPECT_EQ(nginx.labels["tier"], "front");
  EXPECT_EQ(nginx.log_path, web.log_directory + "/nginx/2.log");
  EXPECT_THAT(nginx.image_ref, MatchesRegex("sha256:[0-9a-f]{64}"));  // its image is on the node
}

TEST_F(PopulateFromFixtureTest, GivesAPodWithoutAUidAFreshUuid) {
  Populate(kFullFixture);
  Sandbox drained = SandboxNamed("drained");
  EXPECT_THAT(drained.uid,
              MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(drained.labels["io.kubernetes.pod.uid"], drained.uid);
}

TEST_F(PopulateFromFixtureTest, AppliesContainerStates) {
  Populate(kFullFixture);
  Container nginx = ContainerNamed("nginx");
  EXPECT_EQ(nginx.state, ContainerState::kRunning);
  EXPECT_EQ(nginx.started_at, FakeClock::kWallBase);
  EXPECT_EQ(nginx.finished_at, 0);

  Container sidecar = ContainerNamed("sidecar");
  EXPECT_EQ(sidecar.state, ContainerState::kCreated);
  EXPECT_EQ(sidecar.started_at, 0);

  Container migrate = ContainerNamed("migrate");
  EXPECT_EQ(migrate.state, ContainerState::kExited);
  EXPECT_EQ(migrate.exit_code, 3);  // the fixture's, not a stop's 137
  EXPECT_EQ(migrate.reason, "");    // ContainerStatus says Error, from the code, as containerd
  EXPECT_EQ(migrate.finished_at, FakeClock::kWallBase);

  Container done = ContainerNamed("done");
  EXPECT_EQ(done.state, ContainerState::kExited);
  EXPECT_EQ(done.exit_code, 0);
  EXPECT_EQ(done.reason, "");
}

TEST_F(PopulateFromFixtureTest, AppliesSandboxStates) {
  Populate(kFullFixture);
  EXPECT_EQ(SandboxNamed("web-7d4b9c").state, SandboxState::kReady);
  EXPECT_EQ(SandboxNamed("drained").state, SandboxState::kNotReady);
  // Stopping the not-ready sandbox leaves its exited container's exit code alone.
  Container old = ContainerNamed("old");
  EXPECT_EQ(old.state, ContainerState::kExited);
  EXPECT_EQ(old.exit_code, 1);
}

TEST_F(PopulateFromFixtureTest, TimesComeFromTheInjectedClock) {
  clock_.Advance(Nanos(12345));
  Populate(kFullFixture);
  EXPECT_EQ(SandboxNamed("web-7d4b9c").created_at, FakeClock::kWallBase + 12345);
  EXPECT_EQ(ContainerNamed("nginx").created_at, FakeClock::kWallBase + 12345);
}

TEST_F(PopulateFromFixtureTest, PointsContainerFaultsAtTheNewContainerId) {
  Populate(kFullFixture);
  Container nginx = ContainerNamed("nginx");
  auto rules = faults_.List();
  ASSERT_EQ(rules.size(), 2u);
  // The runtime's rule first, unchanged.
  EXPECT_EQ(rules[0].rule.effect, FaultEffect::kLatency);
  EXPECT_EQ(rules[0].rule.container, "");
  EXPECT_EQ(rules[1].rule.effect, FaultEffect::kCrioNoCriu);
  EXPECT_EQ(rules[1].rule.container, nginx.id);

  FaultDecision d = faults_.Decide("CheckpointContainer", nginx.id, "");
  ASSERT_TRUE(d.error.has_value());
  EXPECT_EQ(d.error->message(), "checkpoint/restore support not available");

  Container sidecar = ContainerNamed("sidecar");
  EXPECT_FALSE(faults_.Decide("CheckpointContainer", sidecar.id, "sidecar").error.has_value());
}

TEST_F(PopulateFromFixtureTest, FailsWhenAPodIsAlreadyInTheStore) {
  Populate(kFullFixture);
  absl::Status again = PopulateFromFixture(&fixture_, &store_, &faults_, &images_);
  EXPECT_EQ(again.code(), absl::StatusCode::kUnknown);
  EXPECT_THAT(std::string(again.message()), HasSubstr("failed to reserve sandbox name"));
}

}  // namespace
}  // namespace fakecri
