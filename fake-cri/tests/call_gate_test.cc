// Faults are decided and applied in one place for every method (CallGate):
// each served CRI method, of the runtime and of the image service, against
// each fault effect, over a real unix socket. An effect is either applied or
// refused when the rule is added; nothing is counted as injected without
// taking effect.
#include "fake-cri/call_gate.h"

#include <functional>
#include <map>

#include "fake-cri/fault_rules.h"
#include "fake-cri/tests/fake_cri_env.h"

namespace fakecri {
namespace {

namespace v1 = runtime::v1;
using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

// One call of each method with an empty request.
using Call = std::function<grpc::Status(CriClient&, grpc::ClientContext*)>;

template <typename Req, typename Resp, typename Stub>
Call Unary(grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
           std::unique_ptr<Stub> CriClient::*stub) {
  return [method, stub](CriClient& c, grpc::ClientContext* ctx) {
    Resp resp;
    return ((*(c.*stub)).*method)(ctx, Req(), &resp);
  };
}

const std::map<std::string, Call>& Calls() {
  using R = v1::RuntimeService::Stub;
  using I = v1::ImageService::Stub;
  static const auto* calls = new std::map<std::string, Call>{
      {"Version", Unary(&R::Version, &CriClient::runtime)},
      {"RunPodSandbox", Unary(&R::RunPodSandbox, &CriClient::runtime)},
      {"StopPodSandbox", Unary(&R::StopPodSandbox, &CriClient::runtime)},
      {"RemovePodSandbox", Unary(&R::RemovePodSandbox, &CriClient::runtime)},
      {"PodSandboxStatus", Unary(&R::PodSandboxStatus, &CriClient::runtime)},
      {"ListPodSandbox", Unary(&R::ListPodSandbox, &CriClient::runtime)},
      {"CreateContainer", Unary(&R::CreateContainer, &CriClient::runtime)},
      {"StartContainer", Unary(&R::StartContainer, &CriClient::runtime)},
      {"StopContainer", Unary(&R::StopContainer, &CriClient::runtime)},
      {"RemoveContainer", Unary(&R::RemoveContainer, &CriClient::runtime)},
      {"ListContainers", Unary(&R::ListContainers, &CriClient::runtime)},
      {"ContainerStatus", Unary(&R::ContainerStatus, &CriClient::runtime)},
      {"UpdateContainerResources", Unary(&R::UpdateContainerResources, &CriClient::runtime)},
      {"ReopenContainerLog", Unary(&R::ReopenContainerLog, &CriClient::runtime)},
      {"ExecSync", Unary(&R::ExecSync, &CriClient::runtime)},
      {"Exec", Unary(&R::Exec, &CriClient::runtime)},
      {"Attach", Unary(&R::Attach, &CriClient::runtime)},
      {"PortForward", Unary(&R::PortForward, &CriClient::runtime)},
      {"ContainerStats", Unary(&R::ContainerStats, &CriClient::runtime)},
      {"ListContainerStats", Unary(&R::ListContainerStats, &CriClient::runtime)},
      {"UpdateRuntimeConfig", Unary(&R::UpdateRuntimeConfig, &CriClient::runtime)},
      {"Status", Unary(&R::Status, &CriClient::runtime)},
      {"CheckpointContainer", Unary(&R::CheckpointContainer, &CriClient::runtime)},
      {"ListImages", Unary(&I::ListImages, &CriClient::images)},
      {"ImageStatus", Unary(&I::ImageStatus, &CriClient::images)},
      {"PullImage", Unary(&I::PullImage, &CriClient::images)},
      {"RemoveImage", Unary(&I::RemoveImage, &CriClient::images)},
      {"ImageFsInfo", Unary(&I::ImageFsInfo, &CriClient::images)},
  };
  return *calls;
}

constexpr const char* kErrorEffects[] = {"unimplemented-unknown-method",
                                         "unimplemented",
                                         "crio-no-criu",
                                         "containerd-no-criu",
                                         "containerd-2.4-no-criu",
                                         "not-found",
                                         "not-running",
                                         "checkpoint-conflict",
                                         "error"};
constexpr const char* kArchiveEffects[] = {
    "disk-full",         "crash",     "archive-mode-0644", "no-archive",
    "archive-elsewhere", "not-a-tar", "missing-entry"};

class CallGateTest : public FakeCriTest {
 protected:
  void SetUp() override { StartServer(DefaultOptions()); }

  absl::StatusOr<std::string> Add(const nlohmann::json& rule) {
    control::v1::AddFaultRequest req;
    req.set_rule_json(rule.dump());
    control::v1::AddFaultResponse resp;
    grpc::Status s = client_->control->AddFault(Ctx().get(), req, &resp);
    if (!s.ok()) return absl::InvalidArgumentError(s.error_message());
    return resp.id();
  }
  void ClearAll() {
    control::v1::ClearFaultsResponse resp;
    ASSERT_TRUE(client_->control->ClearFaults(Ctx().get(), {}, &resp).ok());
  }
  uint64_t CallsOf(const std::string& method) {
    auto calls = Counters().calls();
    return calls.count(method) ? calls.at(method) : 0;
  }
};

TEST_F(CallGateTest, TheTableCoversEveryServedMethod) {
  for (const std::string& method : ServedCriMethods()) {
    EXPECT_EQ(Calls().count(method), 1u) << method << " has no row in this test";
  }
  EXPECT_EQ(Calls().size(), ServedCriMethods().size());
}

TEST_F(CallGateTest, ErrorEffectsAnswerForEveryMethod) {
  for (const auto& [method, call] : Calls()) {
    for (const char* effect : kErrorEffects) {
      nlohmann::json rule = {{"method", method}, {"effect", effect}};
      if (std::string(effect) == "error") {
        rule["code"] = "ResourceExhausted";
        rule["message"] = "injected into " + method;
      }
      ASSERT_TRUE(Add(rule).ok()) << method << " " << effect;
      auto parsed = ParseFaultRule(rule, "$");
      ASSERT_TRUE(parsed.ok());
      const absl::Status want = FaultError(*parsed, method, "");
      const uint64_t before = CallsOf(method);
      grpc::Status got = call(*client_, Ctx().get());
      EXPECT_EQ(static_cast<int>(got.error_code()), static_cast<int>(want.code()))
          << method << " " << effect;
      EXPECT_EQ(got.error_message(), want.message()) << method << " " << effect;
      EXPECT_EQ(CallsOf(method), before + 1) << method;
      ClearAll();
    }
  }
}

TEST_F(CallGateTest, LatencyDelaysEveryMethod) {
  for (const auto& [method, call] : Calls()) {
    ASSERT_TRUE(Add({{"method", method}, {"effect", "latency"}, {"latency", "60ms"}}).ok());
    const auto start = Steady::now();
    (void)call(*client_, Ctx().get());  // the body's own answer does not matter here
    EXPECT_GE(Steady::now() - start, milliseconds(60)) << method;
    ClearAll();
  }
}

TEST_F(CallGateTest, HangHoldsEveryMethodUntilTheDeadline) {
  for (const auto& [method, call] : Calls()) {
    ASSERT_TRUE(Add({{"method", method}, {"effect", "hang"}}).ok());
    const auto start = Steady::now();
    grpc::Status s = call(*client_, Ctx(milliseconds(150)).get());
    EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << method;
    EXPECT_GE(Steady::now() - start, milliseconds(150)) << method;
    ClearAll();
  }
}

TEST_F(CallGateTest, ArchiveEffectsAreRefusedForEveryOtherMethod) {
  for (const auto& [method, call] : Calls()) {
    for (const char* effect : kArchiveEffects) {
      nlohmann::json rule = {{"method", method}, {"effect", effect}};
      if (std::string(effect) == "missing-entry") rule["entry"] = "spec.dump";
      if (std::string(effect) == "disk-full" || std::string(effect) == "crash") {
        rule["after_bytes"] = "1Ki";
      }
      absl::StatusOr<std::string> added = Add(rule);
      EXPECT_EQ(added.ok(), method == "CheckpointContainer") << method << " " << effect;
      ClearAll();
    }
  }
}

TEST_F(CallGateTest, RulesForMethodsTheRuntimeDoesNotServeAreRefused) {
  absl::StatusOr<std::string> added = Add({{"method", "ExecSyncc"}, {"effect", "hang"}});
  ASSERT_FALSE(added.ok());
  EXPECT_NE(added.status().message().find("\"ExecSyncc\" is not a CRI method this runtime serves"),
            std::string::npos)
      << added.status();
}

}  // namespace
}  // namespace fakecri
