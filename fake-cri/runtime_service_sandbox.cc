// Sandboxes and the runtime's configuration. Each text is containerd
// 1.6.20's; the file named beside it is under pkg/cri/server/ at that tag.
#include <arpa/inet.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "fake-cri/runtime_service.h"
#include "fake-cri/runtime_service_convert.h"

namespace fakecri {

namespace v1 = runtime::v1;

namespace {

void FillSandboxMetadata(const Sandbox& s, v1::PodSandboxMetadata* m) {
  m->set_name(s.name);
  m->set_uid(s.uid);
  m->set_namespace_(s.ns);
  m->set_attempt(s.attempt);
}

// A stable pod IP in 10.88.0.0/16 (the usual CNI bridge range) derived from the id.
std::string PodIp(const std::string& id) {
  size_t h = std::hash<std::string>{}(id);
  return absl::StrCat("10.88.", (h >> 8) % 256, ".", 2 + h % 250);
}

// Go's net.ParseCIDR, as far as telling a good CIDR from a bad one.
bool IsCidr(const std::string& s) {
  const size_t slash = s.find('/');
  if (slash == std::string::npos || slash + 1 == s.size()) return false;
  const std::string ip = s.substr(0, slash), bits = s.substr(slash + 1);
  if (bits.find_first_not_of("0123456789") != std::string::npos || bits.size() > 3) return false;
  unsigned char buf[16];
  const bool v4 = ::inet_pton(AF_INET, ip.c_str(), buf) == 1;
  if (!v4 && ::inet_pton(AF_INET6, ip.c_str(), buf) != 1) return false;
  return std::stoi(bits) <= (v4 ? 32 : 128);
}

}  // namespace

grpc::Status RuntimeServiceImpl::UpdateRuntimeConfig(grpc::ServerContext* ctx,
                                                     const v1::UpdateRuntimeConfigRequest* req,
                                                     v1::UpdateRuntimeConfigResponse*) {
  return gate_->Serve(ctx, "UpdateRuntimeConfig", "", [&](const GateCall&) -> absl::Status {
    // update_runtime_config.go: the pod CIDRs are checked (getRoutes), and
    // without a CNI config template (containerd's default) nothing else happens.
    const std::string& cidrs = req->runtime_config().network_config().pod_cidr();
    for (absl::string_view c : absl::StrSplit(cidrs, ',', absl::SkipEmpty())) {
      const std::string cidr(absl::StripAsciiWhitespace(c));
      if (!IsCidr(cidr)) {
        return absl::UnknownError(absl::StrCat("get routes: invalid CIDR address: ", cidr));
      }
    }
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::RunPodSandbox(grpc::ServerContext* ctx,
                                               const v1::RunPodSandboxRequest* req,
                                               v1::RunPodSandboxResponse* resp) {
  return gate_->Serve(ctx, "RunPodSandbox", "", [&](const GateCall&) -> absl::Status {
    const auto& cfg = req->config();
    // sandbox_run.go: the metadata, the name, then the runtime handler.
    if (!cfg.has_metadata()) return absl::UnknownError("sandbox config must include metadata");
    const std::string& handler = req->runtime_handler();
    Sandbox s;
    s.name = cfg.metadata().name();
    s.uid = cfg.metadata().uid();
    s.ns = cfg.metadata().namespace_();
    s.attempt = cfg.metadata().attempt();
    s.labels = ToLabels(cfg.labels());
    s.annotations = ToLabels(cfg.annotations());
    s.hostname = cfg.hostname();
    s.log_directory = cfg.log_directory();
    s.runtime_handler = handler;
    const auto& ns = cfg.linux().security_context().namespace_options();
    s.namespaces = {ns.network(), ns.pid(), ns.ipc(), ns.target_id()};
    if (!handler.empty() &&
        std::find(options_.runtime_handlers.begin(), options_.runtime_handlers.end(), handler) ==
            options_.runtime_handlers.end()) {
      // containerd reserves the name first: a taken name is the answer then.
      for (const Sandbox& other : store_->ListSandboxes({})) {
        if (other.name == s.name && other.ns == s.ns && other.uid == s.uid &&
            other.attempt == s.attempt) {
          return store_->AddSandbox(s).status();
        }
      }
      return absl::UnknownError(absl::StrCat("failed to get sandbox runtime: no runtime for \"",
                                             handler, "\" is configured"));
    }
    auto id = store_->AddSandbox(std::move(s));
    if (!id.ok()) return id.status();
    resp->set_pod_sandbox_id(*id);
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::StopPodSandbox(grpc::ServerContext* ctx,
                                                const v1::StopPodSandboxRequest* req,
                                                v1::StopPodSandboxResponse*) {
  return gate_->Serve(ctx, "StopPodSandbox", "", [&](const GateCall&) -> absl::Status {
    const std::string& id = req->pod_sandbox_id();
    auto s =
        FindSandbox(id, absl::StrCat("an error occurred when try to find sandbox \"", id, "\""));
    if (!s.ok()) return s.status();  // sandbox_stop.go
    return store_->StopSandbox(s->id);
  });
}

grpc::Status RuntimeServiceImpl::RemovePodSandbox(grpc::ServerContext* ctx,
                                                  const v1::RemovePodSandboxRequest* req,
                                                  v1::RemovePodSandboxResponse*) {
  return gate_->Serve(ctx, "RemovePodSandbox", "", [&](const GateCall&) -> absl::Status {
    const std::string& id = req->pod_sandbox_id();
    auto s =
        FindSandbox(id, absl::StrCat("an error occurred when try to find sandbox \"", id, "\""));
    // sandbox_remove.go: an unknown sandbox is already removed.
    if (absl::IsNotFound(s.status())) return absl::OkStatus();
    if (!s.ok()) return s.status();
    for (const Container& c : store_->ListContainers({"", {}, s->id, {}})) {
      faults_->ClearForContainer(c.id);
    }
    return store_->RemoveSandbox(s->id);
  });
}

grpc::Status RuntimeServiceImpl::PodSandboxStatus(grpc::ServerContext* ctx,
                                                  const v1::PodSandboxStatusRequest* req,
                                                  v1::PodSandboxStatusResponse* resp) {
  return gate_->Serve(ctx, "PodSandboxStatus", "", [&](const GateCall&) -> absl::Status {
    // sandbox_status.go: this one text names no id.
    auto s = FindSandbox(req->pod_sandbox_id(), "an error occurred when try to find sandbox");
    if (!s.ok()) return s.status();
    auto* st = resp->mutable_status();
    st->set_id(s->id);
    FillSandboxMetadata(*s, st->mutable_metadata());
    st->set_state(ToProto(s->state));
    st->set_created_at(s->created_at);
    // getIPs: no IP for a pod on the node's network, nor once its network is gone.
    const bool host = s->namespaces.network == kNamespaceNode;
    st->mutable_network()->set_ip(host || s->state != SandboxState::kReady ? "" : PodIp(s->id));
    // toCRISandboxStatus echoes the config's namespace options; the kubelet
    // compares them with the pod's and recreates a sandbox that differs.
    auto* opts = st->mutable_linux()->mutable_namespaces()->mutable_options();
    opts->set_network(static_cast<v1::NamespaceMode>(s->namespaces.network));
    opts->set_pid(static_cast<v1::NamespaceMode>(s->namespaces.pid));
    opts->set_ipc(static_cast<v1::NamespaceMode>(s->namespaces.ipc));
    CopyMap(s->labels, st->mutable_labels());
    CopyMap(s->annotations, st->mutable_annotations());
    st->set_runtime_handler(s->runtime_handler);
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::ListPodSandbox(grpc::ServerContext* ctx,
                                                const v1::ListPodSandboxRequest* req,
                                                v1::ListPodSandboxResponse* resp) {
  return gate_->Serve(ctx, "ListPodSandbox", "", [&](const GateCall&) {
    SandboxFilter f;
    if (req->has_filter()) {
      // sandbox_list.go normalizePodSandboxFilter: a prefix that resolves is the id.
      f.id = req->filter().id();
      if (auto full = store_->ResolveSandbox(f.id); full.ok()) f.id = *full;
      if (req->filter().has_state()) {
        f.state = req->filter().state().state() == v1::SANDBOX_READY ? SandboxState::kReady
                                                                     : SandboxState::kNotReady;
      }
      f.label_selector = ToLabels(req->filter().label_selector());
    }
    store_->VisitSandboxes(f, [&](const Sandbox& s) {
      auto* item = resp->add_items();
      item->set_id(s.id);
      FillSandboxMetadata(s, item->mutable_metadata());
      item->set_state(ToProto(s.state));
      item->set_created_at(s.created_at);
      CopyMap(s.labels, item->mutable_labels());
      CopyMap(s.annotations, item->mutable_annotations());
      item->set_runtime_handler(s.runtime_handler);
    });
    return absl::OkStatus();
  });
}

}  // namespace fakecri
