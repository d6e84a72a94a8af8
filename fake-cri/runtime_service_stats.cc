// ContainerStats and ListContainerStats, shaped as containerd 1.6.20's
// (pkg/cri/server/container_stats*.go at that tag): cpu and memory only for a
// running container (the task's metrics), the writable layer for every one.
#include "absl/strings/str_cat.h"
#include "fake-cri/runtime_service.h"
#include "fake-cri/runtime_service_convert.h"

namespace fakecri {

namespace v1 = runtime::v1;

void RuntimeServiceImpl::FillStats(const Container& c, v1::ContainerStats* out) {
  const int64_t now = clock_->WallNanos();
  auto* attrs = out->mutable_attributes();
  attrs->set_id(c.id);
  attrs->mutable_metadata()->set_name(c.name);
  attrs->mutable_metadata()->set_attempt(c.attempt);
  CopyMap(c.labels, attrs->mutable_labels());
  CopyMap(c.annotations, attrs->mutable_annotations());
  auto* fs = out->mutable_writable_layer();
  fs->set_timestamp(now);
  fs->mutable_fs_id()->set_mountpoint(ImageServiceImpl::kImageFsPath);
  fs->mutable_used_bytes()->set_value(64 * 1024);
  fs->mutable_inodes_used()->set_value(16);
  if (c.state != ContainerState::kRunning) return;
  // The simulated memory: the number the latency model uses.
  const uint64_t ws = c.working_set_bytes;
  auto* mem = out->mutable_memory();
  mem->set_timestamp(now);
  mem->mutable_working_set_bytes()->set_value(ws);
  // getAvailableBytes: the limit's headroom, 0 without a limit.
  const uint64_t limit = c.resources.memory_limit_in_bytes > 0
                             ? static_cast<uint64_t>(c.resources.memory_limit_in_bytes)
                             : 0;
  mem->mutable_available_bytes()->set_value(limit > ws ? limit - ws : 0);
  mem->mutable_usage_bytes()->set_value(ws);
  mem->mutable_rss_bytes()->set_value(ws);
  mem->mutable_page_faults()->set_value(ws / 4096);
  mem->mutable_major_page_faults()->set_value(0);
  auto* cpu = out->mutable_cpu();
  cpu->set_timestamp(now);
  // 5% of a core since start.
  const uint64_t cpu_ns = now > c.started_at ? static_cast<uint64_t>(now - c.started_at) / 20 : 0;
  cpu->mutable_usage_core_nano_seconds()->set_value(cpu_ns);
  cpu->mutable_usage_nano_cores()->set_value(50'000'000);
}

grpc::Status RuntimeServiceImpl::ContainerStats(grpc::ServerContext* ctx,
                                                const v1::ContainerStatsRequest* req,
                                                v1::ContainerStatsResponse* resp) {
  const std::string& id = req->container_id();
  return gate_->Serve(ctx, "ContainerStats", id, [&](const GateCall&) -> absl::Status {
    auto c = FindContainer(id, "failed to find container");
    if (!c.ok()) return c.status();
    // A container without a task has no metrics: containerd's text for the empty answer.
    if (c->state != ContainerState::kRunning) {
      return absl::UnknownError("unexpected metrics response: []");
    }
    FillStats(*c, resp->mutable_stats());
    return absl::OkStatus();
  });
}

grpc::Status RuntimeServiceImpl::ListContainerStats(grpc::ServerContext* ctx,
                                                    const v1::ListContainerStatsRequest* req,
                                                    v1::ListContainerStatsResponse* resp) {
  return gate_->Serve(ctx, "ListContainerStats", "", [&](const GateCall&) {
    ContainerFilter f;
    // normalizeContainerStatsFilter: prefixes that resolve are the ids.
    f.id = req->filter().id();
    if (auto full = store_->ResolveContainer(f.id); full.ok()) f.id = *full;
    f.sandbox_id = req->filter().pod_sandbox_id();
    if (auto full = store_->ResolveSandbox(f.sandbox_id); full.ok()) f.sandbox_id = *full;
    f.label_selector = ToLabels(req->filter().label_selector());
    store_->VisitContainers(f, [&](const Container& c) { FillStats(c, resp->add_stats()); });
    return absl::OkStatus();
  });
}

}  // namespace fakecri
