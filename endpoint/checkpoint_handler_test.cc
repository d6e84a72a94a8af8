#include "endpoint/checkpoint_handler.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "endpoint/testing/mocks.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::kit::testing::FakeClock;

using ::testing::_;
using ::testing::DoAll;
using ::testing::Return;
using ::testing::SaveArg;
using ::testing::StrictMock;

// 2024-10-15T03:18:00Z, the docs page's time.
const WallTime kT0 = WallTime(std::chrono::seconds(1728962280));

class CheckpointHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
    namer_ = std::make_unique<ArchiveNamer>(dir_.path(), &clock_, /*unique=*/false);
  }

  CheckpointRequest Req(std::vector<std::string> timeouts = {}) {
    CheckpointRequest r;
    r.ns = "default";
    r.pod = "web";
    r.container = "nginx";
    r.timeout_values = std::move(timeouts);
    return r;
  }

  void ExpectFound(bool running = true) {
    EXPECT_CALL(runtime_, FindPod("default", "web"))
        .WillOnce(Return(std::optional<PodRef>(PodRef{"sb1", "default", "web", "u1"})));
    EXPECT_CALL(runtime_, FindContainer(_, "nginx"))
        .WillOnce(Return(std::optional<ContainerRef>(ContainerRef{"c1", "nginx", running})));
  }

  HttpAnswer Handle(const CheckpointRequest& r) {
    CheckpointHandler h(&runtime_, namer_.get(), options_);
    return h.Handle(r);
  }

  kit::testing::TempDir dir_;
  FakeClock clock_{kT0};
  StrictMock<MockRuntimeClient> runtime_;
  std::unique_ptr<ArchiveNamer> namer_;
  CheckpointHandlerOptions options_;
};

TEST_F(CheckpointHandlerTest, SuccessAnswersJsonWithTheKubeletsArchiveName) {
  ExpectFound();
  std::string location;
  int64_t timeout = -7;
  EXPECT_CALL(runtime_, Checkpoint("c1", _, _, _))
      .WillOnce(DoAll(SaveArg<1>(&location), SaveArg<2>(&timeout), Return(absl::OkStatus())));
  HttpAnswer a = Handle(Req());
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "application/json");
  EXPECT_FALSE(a.nosniff);
  EXPECT_EQ(location, dir_.path() + "/checkpoint-web_default-nginx-2024-10-15T03:18:00Z.tar");
  EXPECT_EQ(a.body, "{\"items\":[\"" + location + "\"]}");
  // No timeout in the query: 0 goes to the CRI client, which applies the
  // timeout rule (ComputeCriTimeout, tests/runtime_client_test.cc).
  EXPECT_EQ(timeout, 0);
}

TEST_F(CheckpointHandlerTest, UnknownPodIs404) {
  EXPECT_CALL(runtime_, FindPod(_, _)).WillOnce(Return(std::optional<PodRef>()));
  HttpAnswer a = Handle(Req());
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body, "pod does not exist");
}

TEST_F(CheckpointHandlerTest, UnknownContainerIs404NamingIt) {
  EXPECT_CALL(runtime_, FindPod(_, _))
      .WillOnce(Return(std::optional<PodRef>(PodRef{"sb1", "default", "web", "u1"})));
  EXPECT_CALL(runtime_, FindContainer(_, _)).WillOnce(Return(std::optional<ContainerRef>()));
  HttpAnswer a = Handle(Req());
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body, "container nginx does not exist");
}

TEST_F(CheckpointHandlerTest, UnparsableTimeoutIs404EvenIfAnEarlierOneParses) {
  ExpectFound();
  HttpAnswer a = Handle(Req({"5", "30s"}));  // client-go appends timeout=30s
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body, "cannot parse value of timeout parameter");
}

TEST_F(CheckpointHandlerTest, LastTimeoutWins) {
  ExpectFound();
  int64_t timeout = 0;
  EXPECT_CALL(runtime_, Checkpoint(_, _, _, _))
      .WillOnce(DoAll(SaveArg<2>(&timeout), Return(absl::OkStatus())));
  EXPECT_EQ(Handle(Req({"oops", "300"})).status, 200);
  EXPECT_EQ(timeout, 300);
}

TEST_F(CheckpointHandlerTest, ContainerNotRunningIs500) {
  ExpectFound(/*running=*/false);
  HttpAnswer a = Handle(Req());
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body, "checkpointing of default/web/nginx failed (container nginx not found)");
}

TEST_F(CheckpointHandlerTest, NegativeTimeoutGoesToTheCriClientWhichRejectsIt) {
  // The kubelet's CRI client rejects it (inside the instrumented call, so it is
  // counted), after the running-container lookup and the archive name.
  ExpectFound();
  std::string location;
  EXPECT_CALL(runtime_, Checkpoint("c1", _, -1, _))
      .WillOnce(DoAll(SaveArg<1>(&location), Return(KubeletError(kNegativeTimeoutText))));
  HttpAnswer a = Handle(Req({"-1"}));
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body,
            "checkpointing of default/web/nginx failed (CheckpointContainer requires the timeout "
            "value to be > 0)");
  EXPECT_EQ(location, dir_.path() + "/checkpoint-web_default-nginx-2024-10-15T03:18:00Z.tar");
}

TEST_F(CheckpointHandlerTest, NegativeTimeoutOnAStoppedContainerIsNotFound) {
  ExpectFound(/*running=*/false);
  HttpAnswer a = Handle(Req({"-1"}));
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body, "checkpointing of default/web/nginx failed (container nginx not found)");
}

TEST_F(CheckpointHandlerTest, RuntimeErrorIs500WithGrpcGoText) {
  ExpectFound();
  EXPECT_CALL(runtime_, Checkpoint(_, _, _, _))
      .WillOnce(Return(absl::UnimplementedError("method CheckpointContainer not implemented")));
  HttpAnswer a = Handle(Req());
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body,
            "checkpointing of default/web/nginx failed (rpc error: code = Unimplemented desc = "
            "method CheckpointContainer not implemented)");
}

TEST_F(CheckpointHandlerTest, RuntimeDownWhileLookingUpIs500WithUnavailable) {
  EXPECT_CALL(runtime_, FindPod(_, _))
      .WillOnce(Return(absl::UnavailableError("connection refused")));
  HttpAnswer a = Handle(Req());
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body,
            "checkpointing of default/web/nginx failed (rpc error: code = Unavailable desc = "
            "connection refused)");
}

// Two checkpoints of nginx; returns the locations the runtime was given.
std::vector<std::string> TwoCheckpoints(MockRuntimeClient& runtime, CheckpointHandler& h,
                                        const CheckpointRequest& r) {
  EXPECT_CALL(runtime, FindPod(_, _))
      .Times(2)
      .WillRepeatedly(Return(std::optional<PodRef>(PodRef{"sb1", "default", "web", "u1"})));
  EXPECT_CALL(runtime, FindContainer(_, _))
      .Times(2)
      .WillRepeatedly(Return(std::optional<ContainerRef>(ContainerRef{"c1", "nginx", true})));
  std::vector<std::string> locations;
  EXPECT_CALL(runtime, Checkpoint(_, _, _, _))
      .Times(2)
      .WillRepeatedly(
          [&](const std::string&, const std::string& loc, int64_t, const std::function<bool()>&) {
            locations.push_back(loc);
            return absl::OkStatus();
          });
  EXPECT_EQ(h.Handle(r).status, 200);
  EXPECT_EQ(h.Handle(r).status, 200);
  return locations;
}

TEST_F(CheckpointHandlerTest, TwoCheckpointsInOneSecondShareTheKubeletsName) {
  CheckpointHandler h(&runtime_, namer_.get(), options_);
  std::vector<std::string> locations = TwoCheckpoints(runtime_, h, Req());
  const std::string name = dir_.path() + "/checkpoint-web_default-nginx-2024-10-15T03:18:00Z.tar";
  EXPECT_EQ(locations, (std::vector<std::string>{name, name}));
  EXPECT_EQ(clock_.sleeps().size(), 0u);
}

TEST_F(CheckpointHandlerTest, UniqueArchiveNamesGiveTheSecondTheNextSecond) {
  ArchiveNamer unique(dir_.path(), &clock_, /*unique=*/true);
  CheckpointHandler h(&runtime_, &unique, options_);
  std::vector<std::string> locations = TwoCheckpoints(runtime_, h, Req());
  ASSERT_EQ(locations.size(), 2u);
  EXPECT_EQ(locations[0], dir_.path() + "/checkpoint-web_default-nginx-2024-10-15T03:18:00Z.tar");
  EXPECT_EQ(locations[1], dir_.path() + "/checkpoint-web_default-nginx-2024-10-15T03:18:01Z.tar");
  EXPECT_EQ(clock_.sleeps().size(), 1u);  // waited for the next second, once
}

TEST_F(CheckpointHandlerTest, SuccessBodyIsTheKubeletsUnescapedSprintf) {
  // A root dir with a quote and a backslash in it (names cannot hold them).
  const std::string odd = dir_.Join("we\"ird\\");
  ASSERT_EQ(::mkdir(odd.c_str(), 0700), 0);
  ArchiveNamer namer(odd, &clock_, /*unique=*/false);
  ExpectFound();
  EXPECT_CALL(runtime_, Checkpoint(_, _, _, _)).WillOnce(Return(absl::OkStatus()));
  CheckpointHandler h(&runtime_, &namer, options_);
  HttpAnswer a = h.Handle(Req());
  ASSERT_EQ(a.status, 200);
  // fmt.Sprintf("{\"items\":[\"%s\"]}", location): invalid JSON here, as on a kubelet.
  EXPECT_EQ(a.body,
            "{\"items\":[\"" + odd + "/checkpoint-web_default-nginx-2024-10-15T03:18:00Z.tar\"]}");
  EXPECT_FALSE(nlohmann::json::accept(a.body));
}

// Names no Kubernetes object can have are not in the kubelet's pod manager:
// its 404s, and nothing reaches the runtime (StrictMock: no call expected).
TEST_F(CheckpointHandlerTest, NamesNoPodCanHaveAre404WithoutAskingTheRuntime) {
  const std::string nul("we\0b", 4);
  const std::string pod_names[] = {
      nul, "Web", "web_1", "-web", "web-", "a..b", "", std::string(254, 'a'), "caf\xc3\xa9"};
  for (const std::string& pod : pod_names) {
    CheckpointRequest r = Req();
    r.pod = pod;
    HttpAnswer a = Handle(r);
    EXPECT_EQ(a.status, 404) << pod;
    EXPECT_EQ(a.body, "pod does not exist") << pod;
  }
  for (const std::string& ns :
       {nul, std::string("Default"), std::string(64, 'a'), std::string("a.b")}) {
    CheckpointRequest r = Req();
    r.ns = ns;
    EXPECT_EQ(Handle(r).body, "pod does not exist") << ns;
  }
  EXPECT_TRUE(dir_.Entries().empty());
}

TEST_F(CheckpointHandlerTest, AContainerNameNoContainerCanHaveIs404AfterThePodLookup) {
  const std::string nul("ngi\0nx", 6);
  for (const std::string& name : {nul, std::string("Nginx"), std::string(64, 'a')}) {
    EXPECT_CALL(runtime_, FindPod("default", "web"))
        .WillOnce(Return(std::optional<PodRef>(PodRef{"sb1", "default", "web", "u1"})));
    CheckpointRequest r = Req();
    r.container = name;
    HttpAnswer a = Handle(r);
    EXPECT_EQ(a.status, 404);
    EXPECT_EQ(a.body, "container " + name + " does not exist");
  }
}

TEST_F(CheckpointHandlerTest, LongestValidNamesStillReachTheRuntime) {
  CheckpointRequest r = Req();
  r.ns = std::string(63, 'n');
  r.pod = std::string(61, 'p') + "." + std::string(191, 'q');  // 253
  r.container = std::string(63, 'c');
  EXPECT_CALL(runtime_, FindPod(r.ns, r.pod)).WillOnce(Return(std::optional<PodRef>()));
  EXPECT_EQ(Handle(r).body, "pod does not exist");
}

TEST_F(CheckpointHandlerTest, ACheckpointsDirTurnedSymlinkIsRefusedWithTheTighteningFlag) {
  const std::string real = dir_.Join("real"), link = dir_.Join("checkpoints");
  ASSERT_EQ(::mkdir(real.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir(link.c_str(), 0700), 0);
  ArchiveNamer namer(link, &clock_, /*unique=*/false);
  options_.recheck_checkpoints_dir = true;
  // Still the directory start-up checked: served.
  ExpectFound();
  EXPECT_CALL(runtime_, Checkpoint(_, _, _, _)).WillOnce(Return(absl::OkStatus()));
  EXPECT_EQ(CheckpointHandler(&runtime_, &namer, options_).Handle(Req()).status, 200);
  // Replaced by a symlink after start-up: refused before the CRI call.
  ASSERT_EQ(::rmdir(link.c_str()), 0);
  ASSERT_EQ(::symlink(real.c_str(), link.c_str()), 0);
  ExpectFound();
  HttpAnswer a = CheckpointHandler(&runtime_, &namer, options_).Handle(Req());
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body, "checkpointing of default/web/nginx failed (checkpoints directory " + link +
                        " has become a symlink; with --tighten-checkpoints-dir archives are never "
                        "written through one)");
  // Without the flag the kubelet's behaviour: followed.
  options_.recheck_checkpoints_dir = false;
  ExpectFound();
  EXPECT_CALL(runtime_, Checkpoint(_, _, _, _)).WillOnce(Return(absl::OkStatus()));
  EXPECT_EQ(CheckpointHandler(&runtime_, &namer, options_).Handle(Req()).status, 200);
}

// A runtime client with the one-call shortcut of steps 5-6.
class LabeledRuntimeClient : public MockRuntimeClient {
 public:
  MOCK_METHOD((absl::StatusOr<std::optional<ContainerRef>>), FindLabeledContainer,
              (const std::string& ns, const std::string& pod, const std::string& name), (override));
};

TEST_F(CheckpointHandlerTest, TheKubeletsLabelsFindTheContainerInOneCall) {
  StrictMock<LabeledRuntimeClient> runtime;
  EXPECT_CALL(runtime, FindLabeledContainer("default", "web", "nginx"))
      .WillOnce(Return(std::optional<ContainerRef>(ContainerRef{"c1", "nginx", true})));
  EXPECT_CALL(runtime, Checkpoint("c1", _, _, _)).WillOnce(Return(absl::OkStatus()));
  // StrictMock: no FindPod, no FindContainer.
  EXPECT_EQ(CheckpointHandler(&runtime, namer_.get(), options_).Handle(Req()).status, 200);
}

TEST_F(CheckpointHandlerTest, WithoutLabelsThePodThenTheContainerTellTheTwo404sApart) {
  StrictMock<LabeledRuntimeClient> runtime;
  EXPECT_CALL(runtime, FindLabeledContainer(_, _, _))
      .Times(2)
      .WillRepeatedly(Return(std::optional<ContainerRef>()));
  EXPECT_CALL(runtime, FindPod("default", "web"))
      .WillOnce(Return(std::optional<PodRef>()))
      .WillOnce(Return(std::optional<PodRef>(PodRef{"sb1", "default", "web", "u1"})));
  EXPECT_CALL(runtime, FindContainer(_, "nginx")).WillOnce(Return(std::optional<ContainerRef>()));
  CheckpointHandler h(&runtime, namer_.get(), options_);
  EXPECT_EQ(h.Handle(Req()).body, "pod does not exist");
  EXPECT_EQ(h.Handle(Req()).body, "container nginx does not exist");
}

TEST_F(CheckpointHandlerTest, ARuntimeDownDuringTheShortcutIs500) {
  StrictMock<LabeledRuntimeClient> runtime;
  EXPECT_CALL(runtime, FindLabeledContainer(_, _, _))
      .WillOnce(Return(absl::UnavailableError("connection refused")));
  HttpAnswer a = CheckpointHandler(&runtime, namer_.get(), options_).Handle(Req());
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a.body,
            "checkpointing of default/web/nginx failed (rpc error: code = Unavailable desc = "
            "connection refused)");
}

// Every gRPC code a runtime can answer maps to 500 with grpc-go's rendering.
TEST(RuntimeErrorMapping, EveryGrpcCodeIs500WithItsGoName) {
  const std::pair<absl::StatusCode, const char*> table[] = {
      {absl::StatusCode::kCancelled, "Canceled"},
      {absl::StatusCode::kUnknown, "Unknown"},
      {absl::StatusCode::kInvalidArgument, "InvalidArgument"},
      {absl::StatusCode::kDeadlineExceeded, "DeadlineExceeded"},
      {absl::StatusCode::kNotFound, "NotFound"},
      {absl::StatusCode::kAlreadyExists, "AlreadyExists"},
      {absl::StatusCode::kPermissionDenied, "PermissionDenied"},
      {absl::StatusCode::kResourceExhausted, "ResourceExhausted"},
      {absl::StatusCode::kFailedPrecondition, "FailedPrecondition"},
      {absl::StatusCode::kAborted, "Aborted"},
      {absl::StatusCode::kOutOfRange, "OutOfRange"},
      {absl::StatusCode::kUnimplemented, "Unimplemented"},
      {absl::StatusCode::kInternal, "Internal"},
      {absl::StatusCode::kUnavailable, "Unavailable"},
      {absl::StatusCode::kDataLoss, "DataLoss"},
      {absl::StatusCode::kUnauthenticated, "Unauthenticated"},
  };
  for (const auto& [code, name] : table) {
    absl::Status s(code, "m");
    EXPECT_EQ(HttpStatusForRuntimeError(s), 500) << name;
    EXPECT_EQ(RuntimeErrorText(s), std::string("rpc error: code = ") + name + " desc = m");
  }
}

TEST(RuntimeErrorMapping, KubeletErrorsPrintBare) {
  absl::Status s = KubeletError("container c not found");
  EXPECT_EQ(HttpStatusForRuntimeError(s), 500);
  EXPECT_EQ(RuntimeErrorText(s), "container c not found");
  EXPECT_EQ(RuntimeErrorText(absl::UnknownError("container c not found")),
            "rpc error: code = Unknown desc = container c not found");
}

TEST(ParseGoInt64, AcceptsWhatStrconvParseIntAccepts) {
  int64_t v = 0;
  EXPECT_TRUE(ParseGoInt64("42", &v));
  EXPECT_EQ(v, 42);
  EXPECT_TRUE(ParseGoInt64("+7", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(ParseGoInt64("-3", &v));
  EXPECT_EQ(v, -3);
  EXPECT_TRUE(ParseGoInt64("9223372036854775807", &v));
  for (const char* bad : {"", "+", "30s", " 1", "1 ", "0x10", "1.5", "9223372036854775808"}) {
    EXPECT_FALSE(ParseGoInt64(bad, &v)) << bad;
  }
}

}  // namespace
}  // namespace endpoint
