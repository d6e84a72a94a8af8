#ifndef BENCH_CHECKPOINT_CLIENT_H_
#define BENCH_CHECKPOINT_CLIENT_H_

// The two ways a benchmark asks for a checkpoint: POST /checkpoint through the
// endpoint (HTTPS, keep-alive, bearer token), and CheckpointContainer straight
// to the runtime. Plus the node layout both use: pods of containers made
// through CRI with no modelled latency, addressed round-robin so that no
// container is asked twice within a second (the endpoint gives one container at
// most one archive name per second and makes a second request wait for the
// next).

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/bench_util.h"
#include "bench/cri_setup.h"
#include "proto/cri_runtime_v1.grpc.pb.h"

namespace httplib {
class SSLClient;
}

namespace bench {

struct EndpointAddress {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string ca_cert;  // the endpoint's serving certificate
  std::string token;
};

// --port, --ca-cert and --token, the flags every endpoint benchmark takes.
EndpointAddress EndpointAddressFromFlags(Flags& flags);

struct CheckpointResult {
  bool ok = false;
  int http_status = 0;  // 0 for direct CRI calls and transport errors
  double seconds = 0;
  std::string location;  // the archive written, when ok
  std::string error;
};

// One keep-alive HTTPS connection. Not thread-safe: one per client thread.
class EndpointClient {
 public:
  explicit EndpointClient(const EndpointAddress& address);
  ~EndpointClient();
  CheckpointResult Checkpoint(const std::string& ns, const std::string& pod,
                              const std::string& container);

 private:
  std::unique_ptr<httplib::SSLClient> client_;
  std::string auth_;
};

// CheckpointContainer on the runtime, timed the same way. Thread-safe.
CheckpointResult DirectCheckpoint(runtime::v1::RuntimeService::Stub* stub,
                                  const std::string& container_id, const std::string& location);

// `pods` pods ns=bench, name=p<pid>-<i>, each with `per_pod` running containers c<j>,
// every one with no modelled latency and the given working set.
struct Node {
  struct Target {
    std::string pod, container, container_id;
  };
  std::vector<Target> targets;  // interleaved across pods: i -> pod i % pods
};
absl::StatusOr<Node> MakeNode(runtime::v1::RuntimeService::Stub* stub, int pods, int per_pod,
                              const std::string& working_set);

// Connects to the runtime at `cri` (unix:///...) and makes a Node on it: the
// prologue of the endpoint benchmarks.
struct NodeOnCri {
  std::unique_ptr<runtime::v1::RuntimeService::Stub> stub;
  Node node;
};
absl::StatusOr<NodeOnCri> ConnectAndMakeNode(const std::string& cri, int pods, int per_pod,
                                             const std::string& working_set);

}  // namespace bench

#endif  // BENCH_CHECKPOINT_CLIENT_H_
