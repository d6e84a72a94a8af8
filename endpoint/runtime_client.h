#ifndef ENDPOINT_RUNTIME_CLIENT_H_
#define ENDPOINT_RUNTIME_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "endpoint/clock.h"

namespace endpoint {

class Metrics;

struct PodRef {
  std::string sandbox_id;
  std::string ns, name, uid;
};

struct ContainerRef {
  std::string id;
  std::string name;
  bool running = false;
};

// What the endpoint needs of a CRI runtime. An error status is a failed CRI
// call and carries the runtime's gRPC code and message unchanged; "not there"
// is an empty optional, not an error. Implementations are thread-safe.
class RuntimeClient {
 public:
  virtual ~RuntimeClient() = default;
  // The pod sandbox whose metadata (or io.kubernetes.pod.* labels) match; with
  // several, the newest ready one (else the newest). Those carrying the
  // kubelet's labels are asked for first (the runtime filters them); the
  // rest only when none does.
  virtual absl::StatusOr<std::optional<PodRef>> FindPod(const std::string& ns,
                                                        const std::string& name) = 0;
  // The container of that name (metadata, or the io.kubernetes.container.name
  // label) in the pod; a running one if any, else the newest. As FindPod, by
  // the label first.
  virtual absl::StatusOr<std::optional<ContainerRef>> FindContainer(const PodRef& pod,
                                                                    const std::string& name) = 0;
  // A shortcut for steps 5-6: the container named `name` of pod ns/pod found
  // in one call by the labels the kubelet gives every container
  // (io.kubernetes.pod.namespace, .pod.name, .container.name); a running one
  // if any, else the newest. Empty when none carries them: the caller then
  // asks FindPod and FindContainer, which also tell a missing pod from a
  // missing container. Default: no shortcut (always empty).
  virtual absl::StatusOr<std::optional<ContainerRef>> FindLabeledContainer(
      const std::string& /*ns*/, const std::string& /*pod*/, const std::string& /*name*/) {
    return std::optional<ContainerRef>();
  }
  // The kubelet's CheckpointContainer through its CRI client: `timeout_seconds`
  // is the HTTP request's `timeout` (0 when absent, possibly negative); the
  // client rejects a negative one itself (a KubeletError, no RPC sent), else
  // applies the CRI timeout rule (ComputeCriTimeout) and sends
  // CheckpointContainer{container_id, location, timeout}. `cancelled` is
  // polled and cancels the call when it turns true.
  virtual absl::Status Checkpoint(const std::string& container_id, const std::string& location,
                                  int64_t timeout_seconds,
                                  const std::function<bool()>& cancelled) = 0;
};

// The CRI timeout rule of the kubelet's CRI client, (*remoteRuntimeService).
// CheckpointContainer (pkg/kubelet/cri/remote/remote_runtime.go up to 1.30,
// k8s.io/cri-client pkg/remote_runtime.go from 1.31; the same in every version
// 1.25-1.36): defaultTimeout = int64(D / time.Second), so 0 when D < 1 s. A
// request timeout above defaultTimeout is kept and is the deadline, in
// seconds (Go's Duration arithmetic: it wraps past ~292 years, and a wrapped,
// negative deadline has already expired); otherwise the request carries
// defaultTimeout and the deadline is D itself. REQUIRES: timeout_seconds >= 0.
struct CriTimeout {
  int64_t request_timeout_seconds;
  std::chrono::nanoseconds deadline;  // from the call's start
};
CriTimeout ComputeCriTimeout(int64_t timeout_seconds,
                             std::chrono::nanoseconds runtime_request_timeout);

// The text the CRI client answers a negative timeout with.
inline constexpr absl::string_view kNegativeTimeoutText =
    "CheckpointContainer requires the timeout value to be > 0";

// An error the kubelet makes itself rather than receives from the runtime: it
// prints as its bare text, where a gRPC status prints as grpc-go renders it.
absl::Status KubeletError(absl::string_view text);
bool IsKubeletError(const absl::Status& status);

// The real thing: CRI runtime.v1 over a unix socket; `request_timeout` is the
// kubelet's --runtime-request-timeout D, which bounds the lookups and enters
// the checkpoint's timeout rule. The channel reconnects by itself (backoff
// 100 ms to 1 s), so a restarted runtime is found again within a second. A
// deadline we set renders as grpc-go renders it ("context deadline exceeded"),
// as does a cancellation ("context canceled"). Every CRI call, the rejected
// negative-timeout checkpoint included, is recorded in `metrics` (may be null)
// as the kubelet's instrumentedRuntimeService records it.
std::unique_ptr<RuntimeClient> NewGrpcRuntimeClient(const std::string& endpoint,
                                                    std::chrono::nanoseconds request_timeout,
                                                    Metrics* metrics);

}  // namespace endpoint

#endif  // ENDPOINT_RUNTIME_CLIENT_H_
