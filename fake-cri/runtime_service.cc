#include "fake-cri/runtime_service.h"

#include "absl/strings/str_cat.h"
#include "fake-cri/annotations.h"
#include "common/log.h"

namespace fakecri {

namespace v1 = runtime::v1;

namespace {

Labels ToLabels(const google::protobuf::Map<std::string, std::string>& m) {
  return Labels(m.begin(), m.end());
}

void CopyMap(const Labels& from, google::protobuf::Map<std::string, std::string>* to) {
  for (const auto& [k, v] : from) (*to)[k] = v;
}

v1::ContainerState ToProto(ContainerState s) { return static_cast<v1::ContainerState>(s); }

v1::PodSandboxState ToProto(SandboxState s) {
  return s == SandboxState::kReady ? v1::SANDBOX_READY : v1::SANDBOX_NOTREADY;
}

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

}  // namespace

RuntimeServiceImpl::RuntimeServiceImpl(Store* store, Checkpointer* checkpointer, FaultRules* faults,
                                       CallGate* gate, Clock* clock, ImageServiceImpl* images,
                                       Options options)
    : store_(store),
      checkpointer_(checkpointer),
      faults_(faults),
      gate_(gate),
      clock_(clock),
      images_(images),
      options_(std::move(options)) {}

grpc::Status RuntimeServiceImpl::Version(grpc::ServerContext* ctx, const v1::VersionRequest*,
                                         v1::VersionResponse* resp) {
  return gate_->Serve(ctx, "Version", "", [&](const GateCall&) {
    const RuntimeProfile& p = *options_.profile;
    resp->set_version(p.version.version);
    resp->set_runtime_name(p.version.runtime_name);
    resp->set_runtime_version(p.version.runtime_version);
    resp->set_runtime_api_version(p.version.runtime_api_version);
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::Status(grpc::ServerContext* ctx, const v1::StatusRequest*,
                                        v1::StatusResponse* resp) {
  return gate_->Serve(ctx, "Status", "", [&](const GateCall&) {
    for (const char* type : {"RuntimeReady", "NetworkReady"}) {
      auto* c = resp->mutable_status()->add_conditions();
      c->set_type(type);
      c->set_status(true);
    }
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::RunPodSandbox(grpc::ServerContext* ctx,
                                               const v1::RunPodSandboxRequest* req,
                                               v1::RunPodSandboxResponse* resp) {
  return gate_->Serve(ctx, "RunPodSandbox", "", [&](const GateCall&) -> absl::Status {
    const auto& cfg = req->config();
    Sandbox s;
    s.name = cfg.metadata().name();
    s.uid = cfg.metadata().uid();
    s.ns = cfg.metadata().namespace_();
    s.attempt = cfg.metadata().attempt();
    s.labels = ToLabels(cfg.labels());
    s.annotations = ToLabels(cfg.annotations());
    s.hostname = cfg.hostname();
    s.log_directory = cfg.log_directory();
    s.runtime_handler = req->runtime_handler();
    auto id = store_->AddSandbox(std::move(s));
    if (!id.ok()) return id.status();
    resp->set_pod_sandbox_id(*id);
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::StopPodSandbox(grpc::ServerContext* ctx,
                                                const v1::StopPodSandboxRequest* req,
                                                v1::StopPodSandboxResponse*) {
  return gate_->Serve(ctx, "StopPodSandbox", "", [&](const GateCall&) {
    return store_->StopSandbox(req->pod_sandbox_id());
  });
}

grpc::Status RuntimeServiceImpl::RemovePodSandbox(grpc::ServerContext* ctx,
                                                  const v1::RemovePodSandboxRequest* req,
                                                  v1::RemovePodSandboxResponse*) {
  return gate_->Serve(ctx, "RemovePodSandbox", "", [&](const GateCall&) {
    for (const Container& c : store_->ListContainers({"", {}, req->pod_sandbox_id(), {}})) {
      faults_->ClearForContainer(c.id);
    }
    return store_->RemoveSandbox(req->pod_sandbox_id());
  });
}

grpc::Status RuntimeServiceImpl::PodSandboxStatus(grpc::ServerContext* ctx,
                                                  const v1::PodSandboxStatusRequest* req,
                                                  v1::PodSandboxStatusResponse* resp) {
  return gate_->Serve(ctx, "PodSandboxStatus", "", [&](const GateCall&) -> absl::Status {
    auto s = store_->GetSandbox(req->pod_sandbox_id());
    if (!s.ok()) return s.status();
    auto* st = resp->mutable_status();
    st->set_id(s->id);
    FillSandboxMetadata(*s, st->mutable_metadata());
    st->set_state(ToProto(s->state));
    st->set_created_at(s->created_at);
    st->mutable_network()->set_ip(PodIp(s->id));
    CopyMap(s->labels, st->mutable_labels());
    CopyMap(s->annotations, st->mutable_annotations());
    st->set_runtime_handler(s->runtime_handler);
    resp->set_timestamp(clock_->WallNanos());
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::ListPodSandbox(grpc::ServerContext* ctx,
                                                const v1::ListPodSandboxRequest* req,
                                                v1::ListPodSandboxResponse* resp) {
  return gate_->Serve(ctx, "ListPodSandbox", "", [&](const GateCall&) {
    SandboxFilter f;
    if (req->has_filter()) {
      f.id = req->filter().id();
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

grpc::Status RuntimeServiceImpl::CreateContainer(grpc::ServerContext* ctx,
                                                 const v1::CreateContainerRequest* req,
                                                 v1::CreateContainerResponse* resp) {
  return gate_->Serve(ctx, "CreateContainer", "", [&](const GateCall&) -> absl::Status {
    auto sandbox = store_->GetSandbox(req->pod_sandbox_id());
    if (!sandbox.ok()) return sandbox.status();
    const auto& cfg = req->config();
    if (cfg.image().image().empty()) {
      return absl::InvalidArgumentError("container config has no image");
    }
    Container c;
    c.sandbox_id = req->pod_sandbox_id();
    c.name = cfg.metadata().name();
    c.attempt = cfg.metadata().attempt();
    c.image = cfg.image().image();
    // Like a runtime whose image store already has the image: record it.
    c.image_ref = images_->Record(c.image);
    c.command.assign(cfg.command().begin(), cfg.command().end());
    c.args.assign(cfg.args().begin(), cfg.args().end());
    c.labels = ToLabels(cfg.labels());
    c.annotations = ToLabels(cfg.annotations());
    if (!cfg.log_path().empty()) {
      c.log_path = sandbox->log_directory.empty() ? cfg.log_path()
                                                  : sandbox->log_directory + "/" + cfg.log_path();
    }
    c.working_set_bytes = options_.default_working_set_bytes;
    std::vector<FaultRule> rules;
    if (absl::Status s = ApplySimulationAnnotations(sandbox->annotations, &c, &rules); !s.ok()) {
      return s;
    }
    auto id = store_->AddContainer(std::move(c));
    if (!id.ok()) return id.status();
    for (FaultRule& r : rules) {
      r.container = *id;
      if (auto added = faults_->Add(r); !added.ok()) return added.status();
    }
    resp->set_container_id(*id);
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::StartContainer(grpc::ServerContext* ctx,
                                                const v1::StartContainerRequest* req,
                                                v1::StartContainerResponse*) {
  return gate_->Serve(ctx, "StartContainer", req->container_id(),
               [&](const GateCall&) { return store_->StartContainer(req->container_id()); });
}

grpc::Status RuntimeServiceImpl::StopContainer(grpc::ServerContext* ctx,
                                               const v1::StopContainerRequest* req,
                                               v1::StopContainerResponse*) {
  return gate_->Serve(ctx, "StopContainer", req->container_id(),
               [&](const GateCall&) { return store_->StopContainer(req->container_id()); });
}

grpc::Status RuntimeServiceImpl::RemoveContainer(grpc::ServerContext* ctx,
                                                 const v1::RemoveContainerRequest* req,
                                                 v1::RemoveContainerResponse*) {
  return gate_->Serve(ctx, "RemoveContainer", req->container_id(), [&](const GateCall&) {
    faults_->ClearForContainer(req->container_id());
    return store_->RemoveContainer(req->container_id());
  });
}

grpc::Status RuntimeServiceImpl::ListContainers(grpc::ServerContext* ctx,
                                                const v1::ListContainersRequest* req,
                                                v1::ListContainersResponse* resp) {
  return gate_->Serve(ctx, "ListContainers", "", [&](const GateCall&) {
    ContainerFilter f;
    if (req->has_filter()) {
      f.id = req->filter().id();
      f.sandbox_id = req->filter().pod_sandbox_id();
      if (req->filter().has_state()) {
        f.state = static_cast<ContainerState>(req->filter().state().state());
      }
      f.label_selector = ToLabels(req->filter().label_selector());
    }
    store_->VisitContainers(f, [&](const Container& c) {
      auto* item = resp->add_containers();
      item->set_id(c.id);
      item->set_pod_sandbox_id(c.sandbox_id);
      item->mutable_metadata()->set_name(c.name);
      item->mutable_metadata()->set_attempt(c.attempt);
      item->mutable_image()->set_image(c.image);
      item->set_image_ref(c.image_ref);
      item->set_image_id(c.image_ref);
      item->set_state(ToProto(c.state));
      item->set_created_at(c.created_at);
      CopyMap(c.labels, item->mutable_labels());
      CopyMap(c.annotations, item->mutable_annotations());
    });
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::ContainerStatus(grpc::ServerContext* ctx,
                                                 const v1::ContainerStatusRequest* req,
                                                 v1::ContainerStatusResponse* resp) {
  return gate_->Serve(ctx, "ContainerStatus", req->container_id(),
               [&](const GateCall&) -> absl::Status {
                 auto c = store_->GetContainer(req->container_id());
                 if (!c.ok()) return c.status();
                 auto* st = resp->mutable_status();
                 st->set_id(c->id);
                 st->mutable_metadata()->set_name(c->name);
                 st->mutable_metadata()->set_attempt(c->attempt);
                 st->set_state(ToProto(c->state));
                 st->set_created_at(c->created_at);
                 st->set_started_at(c->started_at);
                 st->set_finished_at(c->finished_at);
                 st->set_exit_code(c->exit_code);
                 st->mutable_image()->set_image(c->image);
                 st->set_image_ref(c->image_ref);
                 st->set_image_id(c->image_ref);
                 st->set_reason(c->reason);
                 CopyMap(c->labels, st->mutable_labels());
                 CopyMap(c->annotations, st->mutable_annotations());
                 st->set_log_path(c->log_path);
                 return absl::OkStatus();
               });
}

void RuntimeServiceImpl::FillStats(const Container& c, v1::ContainerStats* out) {
  const int64_t now = clock_->WallNanos();
  auto* attrs = out->mutable_attributes();
  attrs->set_id(c.id);
  attrs->mutable_metadata()->set_name(c.name);
  attrs->mutable_metadata()->set_attempt(c.attempt);
  CopyMap(c.labels, attrs->mutable_labels());
  CopyMap(c.annotations, attrs->mutable_annotations());
  const bool running = c.state == ContainerState::kRunning;
  // The simulated memory: the number the latency model uses.
  const uint64_t ws = running ? c.working_set_bytes : 0;
  auto* mem = out->mutable_memory();
  mem->set_timestamp(now);
  mem->mutable_working_set_bytes()->set_value(ws);
  mem->mutable_usage_bytes()->set_value(ws);
  mem->mutable_rss_bytes()->set_value(ws);
  auto* cpu = out->mutable_cpu();
  cpu->set_timestamp(now);
  // 5% of a core since start.
  uint64_t cpu_ns = running && now > c.started_at ? static_cast<uint64_t>(now - c.started_at) / 20 : 0;
  cpu->mutable_usage_core_nano_seconds()->set_value(cpu_ns);
  cpu->mutable_usage_nano_cores()->set_value(running ? 50'000'000 : 0);
  auto* fs = out->mutable_writable_layer();
  fs->set_timestamp(now);
  fs->mutable_fs_id()->set_mountpoint("/var/lib/fake-cri/containers");
  fs->mutable_used_bytes()->set_value(64 * 1024);
  fs->mutable_inodes_used()->set_value(16);
}

grpc::Status RuntimeServiceImpl::ContainerStats(grpc::ServerContext* ctx,
                                                const v1::ContainerStatsRequest* req,
                                                v1::ContainerStatsResponse* resp) {
  return gate_->Serve(ctx, "ContainerStats", req->container_id(),
               [&](const GateCall&) -> absl::Status {
                 auto c = store_->GetContainer(req->container_id());
                 if (!c.ok()) return c.status();
                 FillStats(*c, resp->mutable_stats());
                 return absl::OkStatus();
               });
}

grpc::Status RuntimeServiceImpl::ListContainerStats(grpc::ServerContext* ctx,
                                                    const v1::ListContainerStatsRequest* req,
                                                    v1::ListContainerStatsResponse* resp) {
  return gate_->Serve(ctx, "ListContainerStats", "", [&](const GateCall&) {
    ContainerFilter f;
    f.id = req->filter().id();
    f.sandbox_id = req->filter().pod_sandbox_id();
    f.label_selector = ToLabels(req->filter().label_selector());
    for (const Container& c : store_->ListContainers(f)) FillStats(c, resp->add_stats());
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::CheckpointContainer(grpc::ServerContext* ctx,
                                                     const v1::CheckpointContainerRequest* req,
                                                     v1::CheckpointContainerResponse*) {
  return gate_->Serve(ctx, "CheckpointContainer", req->container_id(), [&](const GateCall& d) {
    CheckpointCall call;
    call.container_id = req->container_id();
    call.location = req->location();
    call.timeout_seconds = req->timeout();
    if (ctx->deadline() != std::chrono::system_clock::time_point::max()) {
      call.rpc_deadline = clock_->Now() + (ctx->deadline() - std::chrono::system_clock::now());
    }
    call.cancelled = [ctx] { return ctx->IsCancelled(); };
    call.received = d.received;
    call.faults = d.archive;
    return checkpointer_->Checkpoint(call);
  });
}

}  // namespace fakecri
