#ifndef BENCH_CRI_SETUP_H_
#define BENCH_CRI_SETUP_H_

// Making pods and containers through CRI calls, the same way in fake-cri and in
// containerd, so that both runtimes hold the same objects when measured. Pods
// are host-network (no CNI here) and have no hostname, as the kubelet makes
// them for hostNetwork pods. Functions are thread-safe as gRPC stubs are.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "proto/cri_runtime_v1.grpc.pb.h"

namespace bench {

using Annotations = std::map<std::string, std::string>;

// Annotations that make a fake-cri container checkpoint with no modelled
// latency: only the real work of writing the archive remains.
Annotations ZeroLatency(const std::string& working_set);

// A channel to a CRI unix socket ("unix:///path"), connected or an error.
absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectCri(const std::string& endpoint);

// Runs a sandbox namespace/name and creates `containers` containers in it
// (named c0, c1, ...; image busybox, `sleep 3600`), started when `start`.
// Returns the container ids in order.
struct Pod {
  std::string sandbox_id;
  std::vector<std::string> container_ids;
};
absl::StatusOr<Pod> MakePod(runtime::v1::RuntimeService::Stub* stub, const std::string& ns,
                            const std::string& name, int containers, bool start,
                            const Annotations& annotations = {});

// Stops and removes a sandbox made by MakePod (and with it its containers).
void RemovePod(runtime::v1::RuntimeService::Stub* stub, const std::string& sandbox_id);

}  // namespace bench

#endif  // BENCH_CRI_SETUP_H_
