#include "bench/cri_setup.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"

namespace bench {
namespace {

namespace v1 = runtime::v1;

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  return ctx;
}

absl::Status FromGrpc(const char* what, const grpc::Status& s) {
  if (s.ok()) return absl::OkStatus();
  return absl::UnknownError(absl::StrCat(what, ": ", s.error_message()));
}

// Our proto declares no `linux` field, so the host-network setting travels as an
// unknown field with upstream's numbers (read from the runtime.v1 descriptor in
// Debian's containerd binary, ci/upstream-cri/extract_cri_descriptor.py):
// PodSandboxConfig.linux = 8, LinuxPodSandboxConfig.security_context = 2,
// LinuxSandboxSecurityContext.namespace_options = 1, NamespaceOption.network = 1,
// NamespaceMode NODE = 2.
void SetHostNetwork(v1::PodSandboxConfig* config) {
  const std::string namespace_option = {0x08, 0x02};            // network = NODE
  const std::string security_context = std::string{0x0a, 0x02} + namespace_option;
  const std::string linux_config = std::string{0x12, 0x04} + security_context;
  config->GetReflection()->MutableUnknownFields(config)->AddLengthDelimited(8, linux_config);
}

v1::PodSandboxConfig SandboxConfig(const std::string& ns, const std::string& name,
                                   const Annotations& annotations) {
  v1::PodSandboxConfig config;
  config.mutable_metadata()->set_name(name);
  config.mutable_metadata()->set_namespace_(ns);
  config.mutable_metadata()->set_uid(absl::StrCat("bench-", ns, "-", name));
  (*config.mutable_labels())["io.kubernetes.pod.name"] = name;
  (*config.mutable_labels())["io.kubernetes.pod.namespace"] = ns;
  for (const auto& [k, v] : annotations) (*config.mutable_annotations())[k] = v;
  SetHostNetwork(&config);
  return config;
}

}  // namespace

Annotations ZeroLatency(const std::string& working_set) {
  return {{"fake-cri.io/working-set-bytes", working_set},
          {"fake-cri.io/checkpoint-fixed-cost", "0s"},
          {"fake-cri.io/checkpoint-throughput", "1000Ti"}};
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectCri(const std::string& endpoint) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    return absl::UnavailableError(absl::StrCat("cannot connect to ", endpoint));
  }
  return channel;
}

absl::StatusOr<Pod> MakePod(v1::RuntimeService::Stub* stub, const std::string& ns,
                            const std::string& name, int containers, bool start,
                            const Annotations& annotations) {
  v1::RunPodSandboxRequest run;
  *run.mutable_config() = SandboxConfig(ns, name, annotations);
  v1::RunPodSandboxResponse ran;
  if (auto s = FromGrpc("RunPodSandbox", stub->RunPodSandbox(Ctx().get(), run, &ran)); !s.ok()) {
    return s;
  }
  Pod pod{ran.pod_sandbox_id(), {}};
  for (int i = 0; i < containers; ++i) {
    v1::CreateContainerRequest create;
    create.set_pod_sandbox_id(pod.sandbox_id);
    *create.mutable_sandbox_config() = run.config();
    v1::ContainerConfig* c = create.mutable_config();
    const std::string cname = absl::StrCat("c", i);
    c->mutable_metadata()->set_name(cname);
    c->mutable_image()->set_image("busybox");
    c->add_command("sleep");
    c->add_args("3600");
    (*c->mutable_labels())["io.kubernetes.container.name"] = cname;
    (*c->mutable_labels())["io.kubernetes.pod.name"] = name;
    (*c->mutable_labels())["io.kubernetes.pod.namespace"] = ns;
    v1::CreateContainerResponse created;
    if (auto s = FromGrpc("CreateContainer", stub->CreateContainer(Ctx().get(), create, &created));
        !s.ok()) {
      return s;
    }
    if (start) {
      v1::StartContainerRequest st;
      st.set_container_id(created.container_id());
      v1::StartContainerResponse started;
      if (auto s = FromGrpc("StartContainer", stub->StartContainer(Ctx().get(), st, &started));
          !s.ok()) {
        return s;
      }
    }
    pod.container_ids.push_back(created.container_id());
  }
  return pod;
}

void RemovePod(v1::RuntimeService::Stub* stub, const std::string& sandbox_id) {
  v1::StopPodSandboxRequest stop;
  stop.set_pod_sandbox_id(sandbox_id);
  v1::StopPodSandboxResponse stopped;
  stub->StopPodSandbox(Ctx().get(), stop, &stopped);
  v1::RemovePodSandboxRequest rm;
  rm.set_pod_sandbox_id(sandbox_id);
  v1::RemovePodSandboxResponse removed;
  stub->RemovePodSandbox(Ctx().get(), rm, &removed);
}

}  // namespace bench
