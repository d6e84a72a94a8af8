#include "conformance/framework/cri_session.h"

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/grpc_codes.h"
#include "common/units.h"
#include "grpcpp/create_channel.h"

namespace conformance {

namespace v1 = runtime::v1;

namespace {

absl::Status FromGrpc(const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

// A DNS label: lower-case letters, digits and '-', at most 63 characters.
std::string PodName(const std::string& label, const std::string& id) {
  std::string name;
  for (char c : label) {
    unsigned char u = static_cast<unsigned char>(c);
    name += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '-';
  }
  name = name.substr(0, 63 - 1 - 8);
  while (!name.empty() && name.back() == '-') name.pop_back();
  return (name.empty() ? "pod" : name) + "-" + id.substr(0, 8);
}

// 8-4-4-4-12 hex digits, as Kubernetes pod uids are spelled.
std::string PodUid(const std::string& id) {
  return id.substr(0, 8) + "-" + id.substr(8, 4) + "-" + id.substr(12, 4) + "-" + id.substr(16, 4) +
         "-" + id.substr(20, 12);
}

}  // namespace

std::string GrpcText(const absl::Status& status) {
  return kit::GrpcErrorText(static_cast<int>(status.code()), std::string(status.message()));
}

CriSession::CriSession(TestContext& t, const RuntimeTarget& target)
    : t_(t),
      channel_(grpc::CreateChannel(target.endpoint, grpc::InsecureChannelCredentials())),
      runtime_(v1::RuntimeService::NewStub(channel_)),
      images_(v1::ImageService::NewStub(channel_)),
      runtime_handler_(target.runtime_handler) {}

std::chrono::system_clock::time_point CriSession::Deadline() const {
  std::chrono::milliseconds left = t_.Remaining();
  if (cleanup_) left = std::max<std::chrono::milliseconds>(left, kCleanupBudget);
  return std::chrono::system_clock::now() + left;
}

void CriSession::Prepare(grpc::ClientContext* ctx) const { ctx->set_deadline(Deadline()); }

absl::StatusOr<v1::VersionResponse> CriSession::Version() {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::VersionRequest req;
  req.set_version("v1");
  v1::VersionResponse resp;
  absl::Status s = FromGrpc(runtime_->Version(&ctx, req, &resp));
  if (!s.ok()) return s;
  return resp;
}

absl::StatusOr<std::string> CriSession::RunPodSandbox(const v1::PodSandboxConfig& config) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::RunPodSandboxRequest req;
  *req.mutable_config() = config;
  req.set_runtime_handler(runtime_handler_);
  v1::RunPodSandboxResponse resp;
  absl::Status s = FromGrpc(runtime_->RunPodSandbox(&ctx, req, &resp));
  if (!s.ok()) return s;
  if (resp.pod_sandbox_id().empty()) return absl::InternalError("RunPodSandbox answered no id");
  return resp.pod_sandbox_id();
}

absl::Status CriSession::StopPodSandbox(const std::string& pod_id) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::StopPodSandboxRequest req;
  req.set_pod_sandbox_id(pod_id);
  v1::StopPodSandboxResponse resp;
  return FromGrpc(runtime_->StopPodSandbox(&ctx, req, &resp));
}

absl::Status CriSession::RemovePodSandbox(const std::string& pod_id) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::RemovePodSandboxRequest req;
  req.set_pod_sandbox_id(pod_id);
  v1::RemovePodSandboxResponse resp;
  return FromGrpc(runtime_->RemovePodSandbox(&ctx, req, &resp));
}

absl::StatusOr<v1::ImageStatusResponse> CriSession::ImageStatus(const std::string& image) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::ImageStatusRequest req;
  req.mutable_image()->set_image(image);
  v1::ImageStatusResponse resp;
  absl::Status s = FromGrpc(images_->ImageStatus(&ctx, req, &resp));
  if (!s.ok()) return s;
  return resp;
}

absl::StatusOr<std::string> CriSession::PullImage(const std::string& image,
                                                  const v1::PodSandboxConfig& sandbox) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::PullImageRequest req;
  req.mutable_image()->set_image(image);
  *req.mutable_sandbox_config() = sandbox;
  v1::PullImageResponse resp;
  absl::Status s = FromGrpc(images_->PullImage(&ctx, req, &resp));
  if (!s.ok()) return s;
  return resp.image_ref();
}

absl::StatusOr<std::string> CriSession::CreateContainer(const std::string& pod_id,
                                                        const v1::ContainerConfig& config,
                                                        const v1::PodSandboxConfig& sandbox) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::CreateContainerRequest req;
  req.set_pod_sandbox_id(pod_id);
  *req.mutable_config() = config;
  *req.mutable_sandbox_config() = sandbox;
  v1::CreateContainerResponse resp;
  absl::Status s = FromGrpc(runtime_->CreateContainer(&ctx, req, &resp));
  if (!s.ok()) return s;
  if (resp.container_id().empty()) return absl::InternalError("CreateContainer answered no id");
  return resp.container_id();
}

absl::Status CriSession::StartContainer(const std::string& container_id) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::StartContainerRequest req;
  req.set_container_id(container_id);
  v1::StartContainerResponse resp;
  return FromGrpc(runtime_->StartContainer(&ctx, req, &resp));
}

absl::Status CriSession::StopContainer(const std::string& container_id, int64_t timeout_seconds) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::StopContainerRequest req;
  req.set_container_id(container_id);
  req.set_timeout(timeout_seconds);
  v1::StopContainerResponse resp;
  return FromGrpc(runtime_->StopContainer(&ctx, req, &resp));
}

absl::Status CriSession::RemoveContainer(const std::string& container_id) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::RemoveContainerRequest req;
  req.set_container_id(container_id);
  v1::RemoveContainerResponse resp;
  return FromGrpc(runtime_->RemoveContainer(&ctx, req, &resp));
}

absl::StatusOr<v1::ContainerStatus> CriSession::ContainerStatus(const std::string& container_id) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::ContainerStatusRequest req;
  req.set_container_id(container_id);
  v1::ContainerStatusResponse resp;
  absl::Status s = FromGrpc(runtime_->ContainerStatus(&ctx, req, &resp));
  if (!s.ok()) return s;
  return resp.status();
}

absl::Status CriSession::CheckpointContainer(const std::string& container_id,
                                             const std::string& location) {
  grpc::ClientContext ctx;
  Prepare(&ctx);
  v1::CheckpointContainerRequest req;
  req.set_container_id(container_id);
  req.set_location(location);
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t_.Remaining()).count();
  req.set_timeout(std::max<int64_t>(1, seconds));
  v1::CheckpointContainerResponse resp;
  return FromGrpc(runtime_->CheckpointContainer(&ctx, req, &resp));
}

std::unique_ptr<SuitePod> SuitePod::Start(CriSession* cri, TestContext& t, const std::string& label,
                                          const SetupFailure& on_failure) {
  // Built before anything is made, so that an early end (it throws) runs the
  // destructor over whatever exists by then.
  std::unique_ptr<SuitePod> pod(new SuitePod(cri, t));
  const RuntimeTarget& target = t.runtime();
  const std::string id = kit::NewId();
  pod->ref_ = ContainerRef{kNamespace, PodName(label, id), kContainerName};

  char tmpl[] = "/tmp/checkpoint-conformance-logs.XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) pod->EndSetup(on_failure, "cannot make a log dir in /tmp");
  pod->log_dir_ = tmpl;

  // As the kubelet makes a hostNetwork pod: metadata, the io.kubernetes.pod.*
  // labels, a log directory, no hostname (the sandbox shares the node's UTS
  // namespace; runc refuses to set one), network namespace NODE.
  v1::PodSandboxConfig sandbox;
  auto* meta = sandbox.mutable_metadata();
  meta->set_name(pod->ref_.pod);
  meta->set_namespace_(pod->ref_.ns);
  meta->set_uid(PodUid(id));
  meta->set_attempt(0);
  sandbox.set_log_directory(pod->log_dir_);
  auto& pod_labels = *sandbox.mutable_labels();
  pod_labels["io.kubernetes.pod.name"] = meta->name();
  pod_labels["io.kubernetes.pod.namespace"] = meta->namespace_();
  pod_labels["io.kubernetes.pod.uid"] = meta->uid();
  sandbox.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(
      v1::NODE);

  const std::string& image = target.image;
  auto present = cri->ImageStatus(image);
  if (!present.ok()) {
    pod->EndSetup(on_failure, "ImageStatus " + image + " failed: " + GrpcText(present.status()));
  }
  if (!present->has_image()) {
    auto pulled = cri->PullImage(image, sandbox);
    if (!pulled.ok()) {
      pod->EndSetup(on_failure, "image " + image + " is not present on the runtime and PullImage " +
                                    "failed: " + GrpcText(pulled.status()) +
                                    "; make it present (crictl pull, ctr -n k8s.io images import) "
                                    "or pass --image with one that is");
    }
    t.Note("pulled " + image + " (" + *pulled + ")");
  }

  auto pod_id = cri->RunPodSandbox(sandbox);
  if (!pod_id.ok()) {
    pod->EndSetup(on_failure, "RunPodSandbox of a host-network pod " + pod->ref_.ns + "/" +
                                  pod->ref_.pod + " failed: " + GrpcText(pod_id.status()));
  }
  pod->pod_id_ = *pod_id;

  v1::ContainerConfig container;
  container.mutable_metadata()->set_name(kContainerName);
  container.mutable_metadata()->set_attempt(0);
  container.mutable_image()->set_image(image);
  container.add_command("sleep");
  container.add_command("3600");
  container.set_log_path(std::string(kContainerName) + ".log");
  auto& labels = *container.mutable_labels();
  labels = pod_labels;
  labels["io.kubernetes.container.name"] = kContainerName;
  auto container_id = cri->CreateContainer(pod->pod_id_, container, sandbox);
  if (!container_id.ok()) {
    pod->EndSetup(on_failure, "CreateContainer (image " + image +
                                  ", sleep 3600) failed: " + GrpcText(container_id.status()));
  }
  pod->container_id_ = *container_id;

  if (absl::Status s = cri->StartContainer(pod->container_id_); !s.ok()) {
    pod->EndSetup(on_failure, "StartContainer failed: " + GrpcText(s));
  }
  auto status = cri->ContainerStatus(pod->container_id_);
  if (!status.ok()) {
    pod->EndSetup(on_failure,
                  "ContainerStatus of the started container failed: " + GrpcText(status.status()));
  }
  if (status->state() != v1::CONTAINER_RUNNING) {
    pod->EndSetup(on_failure, "the started container is " +
                                  v1::ContainerState_Name(status->state()) +
                                  ", not CONTAINER_RUNNING (reason \"" + status->reason() +
                                  "\", message \"" + status->message() + "\")");
  }
  t.Note("pod " + pod->ref_.Slash() + ": sandbox " + pod->pod_id_ + ", container " +
         pod->container_id_);
  return pod;
}

void SuitePod::EndSetup(const SetupFailure& on_failure, const std::string& why) {
  std::string what = "cannot run the suite's pod: " + why;
  if (on_failure.fail) t_.Fail(what);
  t_.Skip("precondition: " + what + " (" + on_failure.owner_id + " fails)");
}

SuitePod::~SuitePod() {
  cri_->SetCleanup(true);
  auto note = [this](const std::string& call, const absl::Status& s) {
    // NotFound: already gone, which is what we want.
    if (!s.ok() && s.code() != absl::StatusCode::kNotFound) {
      t_.Note("clean-up: " + call + " failed: " + GrpcText(s));
    }
  };
  if (!container_id_.empty()) {
    note("StopContainer " + container_id_, cri_->StopContainer(container_id_, 0));
    note("RemoveContainer " + container_id_, cri_->RemoveContainer(container_id_));
  }
  if (!pod_id_.empty()) {
    note("StopPodSandbox " + pod_id_, cri_->StopPodSandbox(pod_id_));
    note("RemovePodSandbox " + pod_id_, cri_->RemovePodSandbox(pod_id_));
  }
  cri_->SetCleanup(false);
  if (!log_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(log_dir_, ignored);
  }
}

TempDir::TempDir(TestContext& t, const std::string& prefix) {
  const std::string& base = t.runtime().checkpoint_dir;
  std::string tmpl = base + "/" + prefix + ".XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    t.Fail("cannot make a temp dir in " + base + ": " + std::strerror(errno) +
           " (--checkpoint-dir)");
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

}  // namespace conformance
