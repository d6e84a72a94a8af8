// Containers: their lifecycle, status and lists. Sandboxes are in
// runtime_service_sandbox.cc, exec, logs, resources and streaming in
// runtime_service_exec.cc, stats in runtime_service_stats.cc. Each text is containerd 1.6.20's; the
// file named beside it is under pkg/cri/server/ at that tag.
#include "fake-cri/runtime_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "fake-cri/annotations.h"
#include "fake-cri/container_log.h"
#include "fake-cri/runtime_service_convert.h"

namespace fakecri {

namespace v1 = runtime::v1;

namespace {

// Go's filepath.Join: the parts joined with "/" and the result cleaned.
std::string JoinPath(const std::string& a, const std::string& b) {
  const std::string joined = a.empty() ? b : b.empty() ? a : a + "/" + b;
  const bool absolute = !joined.empty() && joined[0] == '/';
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(joined, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == ".." && !out.empty() && out.back() != "..") {
      out.pop_back();
    } else if (part != ".." || !absolute) {
      out.emplace_back(part);
    }
  }
  const std::string path = absl::StrJoin(out, "/");
  return absolute ? "/" + path : path.empty() ? "." : path;
}

}  // namespace

absl::Status Wrapped(const absl::Status& inner, const std::string& prefix) {
  return absl::Status(inner.code(), absl::StrCat(prefix, ": ", inner.message()));
}

RuntimeServiceImpl::RuntimeServiceImpl(Store* store, Checkpointer* checkpointer, FaultRules* faults,
                                       CallGate* gate, Clock* clock, ImageServiceImpl* images,
                                       const ExecRunner* exec, StreamServer* streams,
                                       Options options)
    : store_(store),
      checkpointer_(checkpointer),
      faults_(faults),
      gate_(gate),
      clock_(clock),
      images_(images),
      exec_(exec),
      streams_(streams),
      options_(std::move(options)) {}

absl::StatusOr<Container> RuntimeServiceImpl::FindContainer(const std::string& id,
                                                            const std::string& prefix) const {
  auto full = store_->ResolveContainer(id);
  if (!full.ok()) return Wrapped(full.status(), prefix);
  auto c = store_->GetContainer(*full);
  if (!c.ok()) return Wrapped(absl::NotFoundError("not found"), prefix);  // removed meanwhile
  return c;
}

absl::StatusOr<Sandbox> RuntimeServiceImpl::FindSandbox(const std::string& id,
                                                        const std::string& prefix) const {
  auto full = store_->ResolveSandbox(id);
  if (!full.ok()) return Wrapped(full.status(), prefix);
  auto s = store_->GetSandbox(*full);
  if (!s.ok()) return Wrapped(absl::NotFoundError("not found"), prefix);
  return s;
}

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
    // A node whose network plugin works (status.go: both conditions).
    for (const char* type : {"RuntimeReady", "NetworkReady"}) {
      auto* c = resp->mutable_status()->add_conditions();
      c->set_type(type);
      c->set_status(true);
    }
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::CreateContainer(grpc::ServerContext* ctx,
                                                 const v1::CreateContainerRequest* req,
                                                 v1::CreateContainerResponse* resp) {
  return gate_->Serve(ctx, "CreateContainer", "", [&](const GateCall&) -> absl::Status {
    // container_create.go: the sandbox, its task, the metadata, the name, the image.
    const std::string& sid = req->pod_sandbox_id();
    auto sandbox = FindSandbox(sid, absl::StrCat("failed to find sandbox id \"", sid, "\""));
    if (!sandbox.ok()) return sandbox.status();
    const auto& cfg = req->config();
    if (!cfg.has_metadata()) return absl::UnknownError("container config must include metadata");
    auto image = images_->store()->Resolve(cfg.image().image());
    if (!image.ok()) {
      return Wrapped(image.status(),
                     absl::StrCat("failed to resolve image \"", cfg.image().image(), "\""));
    }
    Container c;
    c.sandbox_id = sandbox->id;
    c.name = cfg.metadata().name();
    c.attempt = cfg.metadata().attempt();
    c.image = cfg.image().image();
    c.image_ref = image->id;
    c.command.assign(cfg.command().begin(), cfg.command().end());
    c.args.assign(cfg.args().begin(), cfg.args().end());
    c.labels = ToLabels(cfg.labels());
    c.annotations = ToLabels(cfg.annotations());
    c.tty = cfg.tty();
    // The log directory of the request's sandbox config, as containerd takes it.
    const std::string& log_dir =
        req->has_sandbox_config() ? req->sandbox_config().log_directory() : sandbox->log_directory;
    if (!log_dir.empty() && !cfg.log_path().empty()) c.log_path = JoinPath(log_dir, cfg.log_path());
    c.resources.MergeFrom(FromProto(cfg.linux().resources()));
    c.resources.oom_score_adj = cfg.linux().resources().oom_score_adj();
    c.working_set_bytes = options_.default_working_set_bytes;
    std::vector<FaultRule> rules;
    if (absl::Status s = ApplySimulationAnnotations(sandbox->annotations, &c, &rules); !s.ok()) {
      return s;
    }
    // The reserved name takes the pod's part from the request's sandbox config.
    std::string reserved_as;
    if (req->has_sandbox_config()) {
      const auto& md = req->sandbox_config().metadata();
      reserved_as = absl::StrCat(md.name(), "_", md.namespace_(), "_", md.uid());
    }
    auto id = store_->AddContainer(std::move(c), reserved_as);
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
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "StartContainer", id, [&](const GateCall&) -> absl::Status {
    auto c = FindContainer(
        id, absl::StrCat("an error occurred when try to find container \"", id, "\""));
    if (!c.ok()) return c.status();  // container_start.go
    if (absl::Status s = store_->BeginStart(c->id); !s.ok()) return s;
    // The task's IO: the log file, opened (made) as containerd opens it, and
    // what the process writes when it starts.
    const int64_t now = clock_->WallNanos();
    std::string entries;
    if (c->tty) {
      entries = FormatCriLog(now, "stdout", c->process.stdout_text + c->process.stderr_text);
    } else {
      entries = FormatCriLog(now, "stdout", c->process.stdout_text) +
                FormatCriLog(now, "stderr", c->process.stderr_text);
    }
    absl::Status io = AppendContainerLog(c->log_path, entries);
    if (!io.ok()) {
      io = Wrapped(io,
                   "failed to create containerd task: failed to create container loggers: "
                   "failed to create and open log file");
    }
    store_->FinishStart(c->id, io);
    return io;
  });
}

grpc::Status RuntimeServiceImpl::StopContainer(grpc::ServerContext* ctx,
                                               const v1::StopContainerRequest* req,
                                               v1::StopContainerResponse*) {
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "StopContainer", id, [&](const GateCall&) -> absl::Status {
    auto c = FindContainer(
        id, absl::StrCat("an error occurred when try to find container \"", id, "\""));
    if (!c.ok()) return c.status();  // container_stop.go
    const int64_t timeout_s = std::clamp<int64_t>(req->timeout(), 0, INT64_MAX / 1'000'000'000);
    return store_->StopContainer(c->id, timeout_s * 1'000'000'000,
                                 [ctx] { return ctx->IsCancelled(); });
  });
}

grpc::Status RuntimeServiceImpl::RemoveContainer(grpc::ServerContext* ctx,
                                                 const v1::RemoveContainerRequest* req,
                                                 v1::RemoveContainerResponse*) {
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "RemoveContainer", id, [&](const GateCall&) -> absl::Status {
    auto c = FindContainer(
        id, absl::StrCat("an error occurred when try to find container \"", id, "\""));
    // container_remove.go: an unknown container is already removed; a running one is killed.
    if (absl::IsNotFound(c.status())) return absl::OkStatus();
    if (!c.ok()) return c.status();
    faults_->ClearForContainer(c->id);
    (void)store_->StopContainer(c->id);
    return store_->RemoveContainer(c->id);
  });
}

grpc::Status RuntimeServiceImpl::ListContainers(grpc::ServerContext* ctx,
                                                const v1::ListContainersRequest* req,
                                                v1::ListContainersResponse* resp) {
  return gate_->Serve(ctx, "ListContainers", "", [&](const GateCall&) {
    ContainerFilter f;
    if (req->has_filter()) {
      // container_list.go: prefixes that resolve are the ids.
      f.id = req->filter().id();
      if (auto full = store_->ResolveContainer(f.id); full.ok()) f.id = *full;
      f.sandbox_id = req->filter().pod_sandbox_id();
      if (auto full = store_->ResolveSandbox(f.sandbox_id); full.ok()) f.sandbox_id = *full;
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
      item->mutable_image()->set_image(c.image);  // the config's spelling
      item->set_image_ref(c.image_ref);           // the image id
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
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "ContainerStatus", id, [&](const GateCall&) -> absl::Status {
    auto c = FindContainer(
        id, absl::StrCat("an error occurred when try to find container \"", id, "\""));
    if (!c.ok()) return c.status();
    auto* st = resp->mutable_status();
    st->set_id(c->id);
    st->mutable_metadata()->set_name(c->name);
    st->mutable_metadata()->set_attempt(c->attempt);
    st->set_state(ToProto(c->state));
    st->set_created_at(c->created_at);
    // toCRIContainerStatus: started_at once started, finished_at once exited.
    if (c->state == ContainerState::kRunning || c->state == ContainerState::kExited) {
      st->set_started_at(c->started_at);
    }
    if (c->state == ContainerState::kExited) st->set_finished_at(c->finished_at);
    st->set_exit_code(c->exit_code);
    // container_status.go: the image's first tag and first repo digest, when
    // the image is still there; else the config's image and the image id.
    st->mutable_image()->set_image(c->image);
    st->set_image_ref(c->image_ref);
    if (auto img = images_->store()->Resolve(c->image_ref); img.ok()) {
      if (!img->repo_tags.empty()) st->mutable_image()->set_image(*img->repo_tags.begin());
      if (!img->repo_digests.empty()) st->set_image_ref(*img->repo_digests.begin());
    }
    st->set_image_id(c->image_ref);
    std::string reason = c->reason;
    if (c->state == ContainerState::kExited && reason.empty()) {
      reason = c->exit_code == 0 ? "Completed" : "Error";
    }
    st->set_reason(reason);
    st->set_message(c->message);
    CopyMap(c->labels, st->mutable_labels());
    CopyMap(c->annotations, st->mutable_annotations());
    st->set_log_path(c->log_path);
    ToProto(c->resources, st->mutable_resources()->mutable_linux());
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
