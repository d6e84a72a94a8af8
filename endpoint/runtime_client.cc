#include "endpoint/runtime_client.h"

#include <condition_variable>
#include <mutex>

#include "absl/strings/cord.h"
#include "endpoint/metrics.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"
#include "proto/cri_runtime_v1.grpc.pb.h"

namespace endpoint {
namespace {

namespace v1 = runtime::v1;

constexpr char kPodNameLabel[] = "io.kubernetes.pod.name";
constexpr char kPodNamespaceLabel[] = "io.kubernetes.pod.namespace";
constexpr char kPodUidLabel[] = "io.kubernetes.pod.uid";
constexpr char kContainerNameLabel[] = "io.kubernetes.container.name";

std::string Label(const google::protobuf::Map<std::string, std::string>& labels, const char* key) {
  auto it = labels.find(key);
  return it == labels.end() ? "" : it->second;
}

absl::Status FromGrpc(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

constexpr char kKubeletErrorPayload[] = "type.checkpoint-kit/kubelet-error";

// now + d as a gRPC deadline, a far one "no deadline" rather than an overflow.
// REQUIRES: d > 0.
std::chrono::system_clock::time_point DeadlineAfter(std::chrono::system_clock::time_point now,
                                                    std::chrono::nanoseconds d) {
  using TimePoint = std::chrono::system_clock::time_point;
  const auto room = std::chrono::duration_cast<std::chrono::nanoseconds>(TimePoint::max() - now);
  if (d >= room) return TimePoint::max();
  return now + std::chrono::duration_cast<TimePoint::duration>(d);
}

class GrpcRuntimeClient final : public RuntimeClient {
 public:
  GrpcRuntimeClient(const std::string& endpoint, std::chrono::nanoseconds request_timeout,
                    Metrics* metrics)
      : request_timeout_(request_timeout), metrics_(metrics) {
    // Reconnect quickly after the runtime comes back (retries 100 ms, then up
    // to 1 s apart). gRPC also takes GRPC_ARG_MIN_RECONNECT_BACKOFF_MS as the
    // time one connection attempt may take up to the server's SETTINGS frame;
    // at 100 ms a busy runtime failed first calls with "connection attempt
    // timed out before receiving SETTINGS frame", so it keeps gRPC's 20 s.
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 20000);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    args.SetMaxReceiveMessageSize(16 << 20);  // as the kubelet
    stub_ = v1::RuntimeService::NewStub(
        grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args));
  }

  absl::StatusOr<std::optional<PodRef>> FindPod(const std::string& ns,
                                                const std::string& name) override {
    // First the runtime's own filter on the labels the kubelet gives every
    // sandbox: one sandbox to parse instead of every pod on the node (most of
    // a checkpoint's cost here: bench/README.md, figure 4). Only when none
    // carries them, every sandbox, matched by metadata too (crictl's pods).
    v1::ListPodSandboxRequest by_labels;
    auto& selector = *by_labels.mutable_filter()->mutable_label_selector();
    selector[kPodNamespaceLabel] = ns;
    selector[kPodNameLabel] = name;
    const v1::ListPodSandboxRequest* requests[] = {&by_labels, &kEveryPod};
    for (const v1::ListPodSandboxRequest* req : requests) {
      v1::ListPodSandboxResponse resp;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + request_timeout_);
      grpc::Status s =
          Timed("list_podsandbox", [&] { return stub_->ListPodSandbox(&ctx, *req, &resp); });
      if (!s.ok()) return FromGrpc(s);
      const v1::PodSandbox* best = nullptr;
      for (const auto& p : resp.items()) {
        bool by_metadata = p.metadata().namespace_() == ns && p.metadata().name() == name;
        bool by_label =
            Label(p.labels(), kPodNamespaceLabel) == ns && Label(p.labels(), kPodNameLabel) == name;
        if (!by_metadata && !by_label) continue;
        auto rank = [](const v1::PodSandbox& x) {
          return std::make_pair(x.state() == v1::SANDBOX_READY, x.created_at());
        };
        if (!best || rank(p) > rank(*best)) best = &p;
      }
      if (!best) continue;
      PodRef ref;
      ref.sandbox_id = best->id();
      ref.ns = ns;
      ref.name = name;
      ref.uid = best->metadata().uid().empty() ? Label(best->labels(), kPodUidLabel)
                                               : best->metadata().uid();
      return std::optional<PodRef>(ref);
    }
    return std::optional<PodRef>();
  }

  absl::StatusOr<std::optional<ContainerRef>> FindContainer(const PodRef& pod,
                                                            const std::string& name) override {
    // As FindPod: the kubelet's container-name label first, then every
    // container of the pod, matched by metadata too.
    v1::ListContainersRequest by_label;
    by_label.mutable_filter()->set_pod_sandbox_id(pod.sandbox_id);
    (*by_label.mutable_filter()->mutable_label_selector())[kContainerNameLabel] = name;
    v1::ListContainersRequest every;
    every.mutable_filter()->set_pod_sandbox_id(pod.sandbox_id);
    const v1::ListContainersRequest* requests[] = {&by_label, &every};
    for (const v1::ListContainersRequest* req : requests) {
      v1::ListContainersResponse resp;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + request_timeout_);
      grpc::Status s =
          Timed("list_containers", [&] { return stub_->ListContainers(&ctx, *req, &resp); });
      if (!s.ok()) return FromGrpc(s);
      const v1::Container* best = nullptr;
      for (const auto& c : resp.containers()) {
        if (c.pod_sandbox_id() != pod.sandbox_id) continue;  // a runtime that ignores the filter
        if (c.metadata().name() != name && Label(c.labels(), kContainerNameLabel) != name) continue;
        auto rank = [](const v1::Container& x) {
          return std::make_pair(x.state() == v1::CONTAINER_RUNNING, x.created_at());
        };
        if (!best || rank(c) > rank(*best)) best = &c;
      }
      if (!best) continue;
      ContainerRef ref;
      ref.id = best->id();
      ref.name = name;
      ref.running = best->state() == v1::CONTAINER_RUNNING;
      return std::optional<ContainerRef>(ref);
    }
    return std::optional<ContainerRef>();
  }

  absl::StatusOr<std::optional<ContainerRef>> FindLabeledContainer(
      const std::string& ns, const std::string& pod, const std::string& name) override {
    v1::ListContainersRequest req;
    auto& selector = *req.mutable_filter()->mutable_label_selector();
    selector[kPodNamespaceLabel] = ns;
    selector[kPodNameLabel] = pod;
    selector[kContainerNameLabel] = name;
    v1::ListContainersResponse resp;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + request_timeout_);
    grpc::Status s =
        Timed("list_containers", [&] { return stub_->ListContainers(&ctx, req, &resp); });
    if (!s.ok()) return FromGrpc(s);
    const v1::Container* best = nullptr;
    for (const auto& c : resp.containers()) {
      if (Label(c.labels(), kPodNamespaceLabel) != ns || Label(c.labels(), kPodNameLabel) != pod ||
          Label(c.labels(), kContainerNameLabel) != name) {
        continue;  // a runtime that ignores the filter
      }
      auto rank = [](const v1::Container& x) {
        return std::make_pair(x.state() == v1::CONTAINER_RUNNING, x.created_at());
      };
      if (!best || rank(c) > rank(*best)) best = &c;
    }
    if (!best) return std::optional<ContainerRef>();
    ContainerRef ref;
    ref.id = best->id();
    ref.name = name;
    ref.running = best->state() == v1::CONTAINER_RUNNING;
    return std::optional<ContainerRef>(ref);
  }

  absl::Status Checkpoint(const std::string& container_id, const std::string& location,
                          int64_t timeout_seconds,
                          const std::function<bool()>& cancelled) override {
    // instrumentedRuntimeService.CheckpointContainer: recordOperation (total,
    // duration) and recordError around the whole CRI client call, so the
    // client's own rejection of a negative timeout counts as a failed one.
    auto start = std::chrono::steady_clock::now();
    if (timeout_seconds < 0) {
      Record("checkpoint_container", start, /*ok=*/false);
      return KubeletError(kNegativeTimeoutText);
    }
    const CriTimeout t = ComputeCriTimeout(timeout_seconds, request_timeout_);
    if (t.deadline.count() <= 0) {
      // A wrapped Duration: context.WithTimeout has already expired, and
      // grpc-go fails the call before sending anything.
      Record("checkpoint_container", start, /*ok=*/false);
      return absl::DeadlineExceededError("context deadline exceeded");
    }
    v1::CheckpointContainerRequest req;
    req.set_container_id(container_id);
    req.set_location(location);
    req.set_timeout(t.request_timeout_seconds);
    v1::CheckpointContainerResponse resp;
    grpc::ClientContext ctx;
    const auto deadline = DeadlineAfter(std::chrono::system_clock::now(), t.deadline);
    ctx.set_deadline(deadline);
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    bool we_cancelled = false;
    stub_->async()->CheckpointContainer(&ctx, &req, &resp, [&](grpc::Status s) {
      std::lock_guard<std::mutex> lock(mu);
      status = std::move(s);
      done = true;
      cv.notify_all();
    });
    {
      std::unique_lock<std::mutex> lock(mu);
      while (!cv.wait_for(lock, std::chrono::milliseconds(10), [&] { return done; })) {
        if (!we_cancelled && cancelled && cancelled()) {
          we_cancelled = true;
          ctx.TryCancel();
        }
      }
    }
    Record("checkpoint_container", start, status.ok());
    if (status.ok()) return absl::OkStatus();
    // grpc-go's texts for a context that expired or was cancelled on our side,
    // which is what a kubelet would print.
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
        std::chrono::system_clock::now() >= deadline &&
        status.error_message() == "Deadline Exceeded") {
      return absl::DeadlineExceededError("context deadline exceeded");
    }
    if (status.error_code() == grpc::StatusCode::CANCELLED && we_cancelled) {
      return absl::CancelledError("context canceled");
    }
    return FromGrpc(status);
  }

 private:
  template <typename Call>
  grpc::Status Timed(const char* operation, Call call) {
    auto start = std::chrono::steady_clock::now();
    grpc::Status s = call();
    Record(operation, start, s.ok());
    return s;
  }
  void Record(const char* operation, std::chrono::steady_clock::time_point start, bool ok) {
    if (!metrics_) return;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    metrics_->RecordRuntimeOperation(operation, seconds, !ok);
  }

  const v1::ListPodSandboxRequest kEveryPod;
  std::chrono::nanoseconds request_timeout_;
  Metrics* metrics_;
  std::unique_ptr<v1::RuntimeService::Stub> stub_;
};

}  // namespace

CriTimeout ComputeCriTimeout(int64_t timeout_seconds,
                             std::chrono::nanoseconds runtime_request_timeout) {
  // defaultTimeout := int64(r.timeout / time.Second)
  const int64_t default_timeout = runtime_request_timeout.count() / 1000000000;
  if (timeout_seconds > default_timeout) {
    // time.Duration(options.Timeout) * time.Second, with int64 wrap-around.
    const auto ns = static_cast<int64_t>(static_cast<uint64_t>(timeout_seconds) * 1000000000u);
    return {timeout_seconds, std::chrono::nanoseconds(ns)};
  }
  return {default_timeout, runtime_request_timeout};
}

absl::Status KubeletError(absl::string_view text) {
  absl::Status s(absl::StatusCode::kUnknown, text);
  s.SetPayload(kKubeletErrorPayload, absl::Cord());
  return s;
}

bool IsKubeletError(const absl::Status& status) {
  return status.GetPayload(kKubeletErrorPayload).has_value();
}

std::unique_ptr<RuntimeClient> NewGrpcRuntimeClient(const std::string& endpoint,
                                                    std::chrono::nanoseconds request_timeout,
                                                    Metrics* metrics) {
  return std::make_unique<GrpcRuntimeClient>(endpoint, request_timeout, metrics);
}

}  // namespace endpoint
