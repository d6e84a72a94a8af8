// ExecSync, the streaming URLs (Exec, Attach, PortForward), log reopening and
// resource updates. Texts are containerd 1.6.20's; the files named are under
// pkg/cri/ at that tag.
#include "absl/strings/str_cat.h"
#include "fake-cri/container_log.h"
#include "fake-cri/runtime_service.h"
#include "fake-cri/runtime_service_convert.h"

namespace fakecri {

namespace v1 = runtime::v1;

grpc::Status RuntimeServiceImpl::UpdateContainerResources(
    grpc::ServerContext* ctx, const v1::UpdateContainerResourcesRequest* req,
    v1::UpdateContainerResourcesResponse*) {
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "UpdateContainerResources", id, [&](const GateCall&) -> absl::Status {
    auto c = FindContainer(id, "failed to find container");  // server/container_update_resources.go
    if (!c.ok()) return c.status();
    if (!req->has_linux()) return absl::OkStatus();  // WithResources(nil) changes nothing
    const LinuxResources update = FromProto(req->linux());
    return store_->UpdateResources(c->id, [&](LinuxResources* r) { r->MergeFrom(update); });
  });
}

grpc::Status RuntimeServiceImpl::ReopenContainerLog(grpc::ServerContext* ctx,
                                                    const v1::ReopenContainerLogRequest* req,
                                                    v1::ReopenContainerLogResponse*) {
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "ReopenContainerLog", id, [&](const GateCall&) -> absl::Status {
    // server/container_log_reopen.go: the log file is opened again (made when
    // it was rotated away), and later output goes there.
    auto c = FindContainer(
        id, absl::StrCat("an error occurred when try to find container \"", id, "\""));
    if (!c.ok()) return c.status();
    if (c->state != ContainerState::kRunning) return absl::UnknownError("container is not running");
    if (absl::Status s = AppendContainerLog(c->log_path, ""); !s.ok()) {
      return Wrapped(s, "failed to create and open log file");
    }
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::ExecSync(grpc::ServerContext* ctx, const v1::ExecSyncRequest* req,
                                          v1::ExecSyncResponse* resp) {
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "ExecSync", id, [&](const GateCall&) -> absl::Status {
    // server/container_execsync.go: the timeout bounds the command, not the call.
    auto r = exec_->Run(id, {req->cmd().begin(), req->cmd().end()}, req->timeout(),
                        [ctx] { return ctx->IsCancelled(); });
    if (!r.ok()) return Wrapped(r.status(), "failed to exec in container");
    resp->set_stdout(r->stdout_text);
    resp->set_stderr(r->stderr_text);
    resp->set_exit_code(r->exit_code);
    return absl::OkStatus();
  });
}

namespace {

// The checks of the streaming server's GetExec and GetAttach
// (streaming/server.go validateExecRequest, validateAttachRequest).
absl::Status ValidateStreams(bool tty, bool in, bool out, bool err, const char* connective) {
  if (tty && err) return absl::InvalidArgumentError("tty and stderr cannot both be true");
  if (!in && !out && !err) {
    return absl::InvalidArgumentError(
        absl::StrCat("one of stdin, stdout, ", connective, " stderr must be set"));
  }
  return absl::OkStatus();
}

absl::Status NotRunning(const Container& c) {
  if (c.state == ContainerState::kRunning) return absl::OkStatus();
  return absl::UnknownError(
      absl::StrCat("container is in ", ContainerStateName(c.state), " state"));
}

}  // namespace

grpc::Status RuntimeServiceImpl::Exec(grpc::ServerContext* ctx, const v1::ExecRequest* req,
                                      v1::ExecResponse* resp) {
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "Exec", id, [&](const GateCall&) -> absl::Status {
    auto c = FindContainer(id, absl::StrCat("failed to find container \"", id, "\" in store"));
    if (!c.ok()) return c.status();  // server/container_exec.go
    if (absl::Status s = NotRunning(*c); !s.ok()) return s;
    if (absl::Status s =
            ValidateStreams(req->tty(), req->stdin(), req->stdout(), req->stderr(), "or");
        !s.ok()) {
      return s;
    }
    auto url = streams_->Url(ExecStreamRequest{id,
                                               {req->cmd().begin(), req->cmd().end()},
                                               req->tty(),
                                               req->stdin(),
                                               req->stdout(),
                                               req->stderr()});
    if (!url.ok()) return url.status();
    resp->set_url(*url);
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::Attach(grpc::ServerContext* ctx, const v1::AttachRequest* req,
                                        v1::AttachResponse* resp) {
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "Attach", id, [&](const GateCall&) -> absl::Status {
    auto c = FindContainer(id, "failed to find container in store");  // server/container_attach.go
    if (!c.ok()) return c.status();
    if (absl::Status s = NotRunning(*c); !s.ok()) return s;
    if (absl::Status s =
            ValidateStreams(req->tty(), req->stdin(), req->stdout(), req->stderr(), "and");
        !s.ok()) {
      return s;
    }
    auto url = streams_->Url(
        AttachStreamRequest{id, req->tty(), req->stdin(), req->stdout(), req->stderr()});
    if (!url.ok()) return url.status();
    resp->set_url(*url);
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::PortForward(grpc::ServerContext* ctx,
                                             const v1::PortForwardRequest* req,
                                             v1::PortForwardResponse* resp) {
  return gate_->Serve(ctx, "PortForward", "", [&](const GateCall&) -> absl::Status {
    const std::string& id = req->pod_sandbox_id();
    auto s = FindSandbox(id, absl::StrCat("failed to find sandbox \"", id, "\""));
    if (!s.ok()) return s.status();  // server/sandbox_portforward.go
    if (s->state != SandboxState::kReady)
      return absl::UnknownError("sandbox container is not running");
    auto url = streams_->Url(PortForwardStreamRequest{id});
    if (!url.ok()) return url.status();
    resp->set_url(*url);
    return absl::OkStatus();
  });
}

}  // namespace fakecri
