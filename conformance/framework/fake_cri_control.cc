#include "conformance/framework/fake_cri_control.h"

#include <chrono>

#include "common/grpc_codes.h"
#include "conformance/framework/target.h"
#include "grpcpp/create_channel.h"

namespace conformance {
namespace {

namespace v1 = runtime::v1;

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

absl::Status FromGrpc(const std::string& what, const grpc::Status& s) {
  return absl::UnavailableError(what + ": " +
                                kit::GrpcErrorText(s.error_code(), s.error_message()));
}

}  // namespace

FakeCriControl::FakeCriControl(const std::string& endpoint)
    : channel_(grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials())),
      runtime_(v1::RuntimeService::NewStub(channel_)),
      control_(fakecri::control::v1::Control::NewStub(channel_)) {}

absl::StatusOr<std::string> FakeCriControl::ContainerId(const ContainerRef& ref) {
  v1::ListContainersRequest req;
  auto& labels = *req.mutable_filter()->mutable_label_selector();
  labels["io.kubernetes.pod.namespace"] = ref.ns;
  labels["io.kubernetes.pod.name"] = ref.pod;
  labels["io.kubernetes.container.name"] = ref.name;
  v1::ListContainersResponse resp;
  auto ctx = Ctx();
  grpc::Status s = runtime_->ListContainers(ctx.get(), req, &resp);
  if (!s.ok()) return FromGrpc("ListContainers", s);
  const v1::Container* best = nullptr;
  for (const auto& c : resp.containers()) {
    bool running = c.state() == v1::CONTAINER_RUNNING;
    if (best == nullptr || (running && best->state() != v1::CONTAINER_RUNNING) ||
        (running == (best->state() == v1::CONTAINER_RUNNING) &&
         c.created_at() > best->created_at())) {
      best = &c;
    }
  }
  if (best == nullptr) return absl::NotFoundError("fake-cri has no container " + ref.Slash());
  return best->id();
}

absl::StatusOr<std::string> FakeCriControl::AddFault(const std::string& rule_json) {
  fakecri::control::v1::AddFaultRequest req;
  req.set_rule_json(rule_json);
  fakecri::control::v1::AddFaultResponse resp;
  auto ctx = Ctx();
  grpc::Status s = control_->AddFault(ctx.get(), req, &resp);
  if (!s.ok()) return FromGrpc("fake-cri AddFault " + rule_json, s);
  return resp.id();
}

absl::Status FakeCriControl::ClearFault(const std::string& id) {
  fakecri::control::v1::ClearFaultsRequest req;
  req.set_id(id);
  fakecri::control::v1::ClearFaultsResponse resp;
  auto ctx = Ctx();
  grpc::Status s = control_->ClearFaults(ctx.get(), req, &resp);
  if (!s.ok()) return FromGrpc("fake-cri ClearFaults", s);
  return absl::OkStatus();
}

}  // namespace conformance
