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

// linux.security_context.namespace_options.network = NODE: no CNI needed.
void SetHostNetwork(v1::PodSandboxConfig* config) {
  config->mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(
      v1::NODE);
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
