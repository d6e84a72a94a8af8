#ifndef ENDPOINT_RUNTIME_CLIENT_H_
#define ENDPOINT_RUNTIME_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
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
  // several, the newest ready one (else the newest).
  virtual absl::StatusOr<std::optional<PodRef>> FindPod(const std::string& ns,
                                                        const std::string& name) = 0;
  // The container of that name (metadata, or the io.kubernetes.container.name
  // label) in the pod; a running one if any, else the newest.
  virtual absl::StatusOr<std::optional<ContainerRef>> FindContainer(const PodRef& pod,
                                                                    const std::string& name) = 0;
  // CheckpointContainer{container_id, location, timeout}, bounded by `deadline`;
  // `cancelled` is polled and cancels the call when it turns true.
  virtual absl::Status Checkpoint(const std::string& container_id, const std::string& location,
                                  int64_t timeout_seconds, WallTime deadline,
                                  const std::function<bool()>& cancelled) = 0;
};

// The real thing: CRI runtime.v1 over a unix socket. Calls other than the
// checkpoint are bounded by `request_timeout`. The channel reconnects by
// itself (backoff 100 ms to 1 s), so a restarted runtime is found again within
// a second. A deadline we set renders as grpc-go renders it ("context deadline
// exceeded"), as does a cancellation ("context canceled"). Every CRI call is
// recorded in `metrics` (may be null) as the kubelet's instrumented runtime does.
std::unique_ptr<RuntimeClient> NewGrpcRuntimeClient(const std::string& endpoint,
                                                    std::chrono::nanoseconds request_timeout,
                                                    Metrics* metrics);

}  // namespace endpoint

#endif  // ENDPOINT_RUNTIME_CLIENT_H_
