#ifndef FAKE_CRI_RUNTIME_SERVICE_H_
#define FAKE_CRI_RUNTIME_SERVICE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "fake-cri/call_gate.h"
#include "fake-cri/checkpointer.h"
#include "fake-cri/clock.h"
#include "fake-cri/counters.h"
#include "fake-cri/exec_runner.h"
#include "fake-cri/fault_rules.h"
#include "fake-cri/image_service.h"
#include "fake-cri/profiles/runtime_profile.h"
#include "fake-cri/store.h"
#include "fake-cri/streaming/stream_server.h"
#include "proto/cri_runtime_v1.grpc.pb.h"

namespace fakecri {

// The gRPC edge of runtime.v1.RuntimeService: turns requests into Store,
// ExecRunner, StreamServer and Checkpointer calls and absl::Status into
// grpc::Status (codes are equal). Outside CheckpointContainer (which the
// runtime profile decides) every answer, text and code is containerd
// 1.6.20's (pkg/cri/server/*.go at that tag, cited beside each text), measured
// against Debian's containerd by ci/containerd/cri-diff. Every call passes the
// CallGate (counted, faults applied). Methods not declared in our proto reach
// no handler and gRPC answers UNIMPLEMENTED. Thread-safe.
class RuntimeServiceImpl final : public runtime::v1::RuntimeService::Service {
 public:
  struct Options {
    // Whose Version answer to give. REQUIRES: not null. Default: the default profile.
    const RuntimeProfile* profile = FindRuntimeProfile(kDefaultRuntimeProfile);
    // Working set of a CRI-created container without the annotation. Default: 64 MiB.
    uint64_t default_working_set_bytes = 64ULL << 20;
    // The runtime handlers RunPodSandbox accepts ("" is the default one).
    // Default: containerd's default configuration's only one, runc.
    std::vector<std::string> runtime_handlers = {"runc"};
  };
  RuntimeServiceImpl(Store* store, Checkpointer* checkpointer, FaultRules* faults, CallGate* gate,
                     Clock* clock, ImageServiceImpl* images, const ExecRunner* exec,
                     StreamServer* streams, Options options);

  grpc::Status Version(grpc::ServerContext*, const runtime::v1::VersionRequest*,
                       runtime::v1::VersionResponse*) override;
  grpc::Status Status(grpc::ServerContext*, const runtime::v1::StatusRequest*,
                      runtime::v1::StatusResponse*) override;
  grpc::Status RunPodSandbox(grpc::ServerContext*, const runtime::v1::RunPodSandboxRequest*,
                             runtime::v1::RunPodSandboxResponse*) override;
  grpc::Status StopPodSandbox(grpc::ServerContext*, const runtime::v1::StopPodSandboxRequest*,
                              runtime::v1::StopPodSandboxResponse*) override;
  grpc::Status RemovePodSandbox(grpc::ServerContext*, const runtime::v1::RemovePodSandboxRequest*,
                                runtime::v1::RemovePodSandboxResponse*) override;
  grpc::Status PodSandboxStatus(grpc::ServerContext*, const runtime::v1::PodSandboxStatusRequest*,
                                runtime::v1::PodSandboxStatusResponse*) override;
  grpc::Status ListPodSandbox(grpc::ServerContext*, const runtime::v1::ListPodSandboxRequest*,
                              runtime::v1::ListPodSandboxResponse*) override;
  grpc::Status CreateContainer(grpc::ServerContext*, const runtime::v1::CreateContainerRequest*,
                               runtime::v1::CreateContainerResponse*) override;
  grpc::Status StartContainer(grpc::ServerContext*, const runtime::v1::StartContainerRequest*,
                              runtime::v1::StartContainerResponse*) override;
  grpc::Status StopContainer(grpc::ServerContext*, const runtime::v1::StopContainerRequest*,
                             runtime::v1::StopContainerResponse*) override;
  grpc::Status RemoveContainer(grpc::ServerContext*, const runtime::v1::RemoveContainerRequest*,
                               runtime::v1::RemoveContainerResponse*) override;
  grpc::Status ListContainers(grpc::ServerContext*, const runtime::v1::ListContainersRequest*,
                              runtime::v1::ListContainersResponse*) override;
  grpc::Status ContainerStatus(grpc::ServerContext*, const runtime::v1::ContainerStatusRequest*,
                               runtime::v1::ContainerStatusResponse*) override;
  grpc::Status UpdateContainerResources(grpc::ServerContext*,
                                        const runtime::v1::UpdateContainerResourcesRequest*,
                                        runtime::v1::UpdateContainerResourcesResponse*) override;
  grpc::Status ReopenContainerLog(grpc::ServerContext*,
                                  const runtime::v1::ReopenContainerLogRequest*,
                                  runtime::v1::ReopenContainerLogResponse*) override;
  grpc::Status ExecSync(grpc::ServerContext*, const runtime::v1::ExecSyncRequest*,
                        runtime::v1::ExecSyncResponse*) override;
  grpc::Status Exec(grpc::ServerContext*, const runtime::v1::ExecRequest*,
                    runtime::v1::ExecResponse*) override;
  grpc::Status Attach(grpc::ServerContext*, const runtime::v1::AttachRequest*,
                      runtime::v1::AttachResponse*) override;
  grpc::Status PortForward(grpc::ServerContext*, const runtime::v1::PortForwardRequest*,
                           runtime::v1::PortForwardResponse*) override;
  grpc::Status UpdateRuntimeConfig(grpc::ServerContext*,
                                   const runtime::v1::UpdateRuntimeConfigRequest*,
                                   runtime::v1::UpdateRuntimeConfigResponse*) override;
  grpc::Status ContainerStats(grpc::ServerContext*, const runtime::v1::ContainerStatsRequest*,
                              runtime::v1::ContainerStatsResponse*) override;
  grpc::Status ListContainerStats(grpc::ServerContext*,
                                  const runtime::v1::ListContainerStatsRequest*,
                                  runtime::v1::ListContainerStatsResponse*) override;
  grpc::Status CheckpointContainer(grpc::ServerContext*,
                                   const runtime::v1::CheckpointContainerRequest*,
                                   runtime::v1::CheckpointContainerResponse*) override;

 private:
  // The id a request names (a prefix resolves), or the lookup's error wrapped
  // in `prefix` (`<prefix>: <error>`, the error's code kept, as Go's %w and
  // containerd's errdefs.ToGRPC do).
  absl::StatusOr<Container> FindContainer(const std::string& id, const std::string& prefix) const;
  absl::StatusOr<Sandbox> FindSandbox(const std::string& id, const std::string& prefix) const;
  void FillStats(const Container& c, runtime::v1::ContainerStats* out);

  Store* store_;
  Checkpointer* checkpointer_;
  FaultRules* faults_;
  CallGate* gate_;
  Clock* clock_;
  ImageServiceImpl* images_;
  const ExecRunner* exec_;
  StreamServer* streams_;
  Options options_;
};

// `inner` with `prefix: ` in front of its message, its code kept.
absl::Status Wrapped(const absl::Status& inner, const std::string& prefix);

}  // namespace fakecri

#endif  // FAKE_CRI_RUNTIME_SERVICE_H_
