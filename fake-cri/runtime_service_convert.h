#ifndef FAKE_CRI_RUNTIME_SERVICE_CONVERT_H_
#define FAKE_CRI_RUNTIME_SERVICE_CONVERT_H_

// Conversions between the store's types and runtime.v1 messages, for the
// runtime service's files.

#include "fake-cri/store.h"
#include "proto/cri_runtime_v1.pb.h"

namespace fakecri {

inline Labels ToLabels(const google::protobuf::Map<std::string, std::string>& m) {
  return Labels(m.begin(), m.end());
}

inline void CopyMap(const Labels& from, google::protobuf::Map<std::string, std::string>* to) {
  for (const auto& [k, v] : from) (*to)[k] = v;
}

inline runtime::v1::ContainerState ToProto(ContainerState s) {
  return static_cast<runtime::v1::ContainerState>(s);
}

inline runtime::v1::PodSandboxState ToProto(SandboxState s) {
  return s == SandboxState::kReady ? runtime::v1::SANDBOX_READY : runtime::v1::SANDBOX_NOTREADY;
}

// The resource fields of a request (oom_score_adj is read apart: it is the
// process's, not a cgroup's).
inline LinuxResources FromProto(const runtime::v1::LinuxContainerResources& r) {
  LinuxResources out;
  out.cpu_period = r.cpu_period();
  out.cpu_quota = r.cpu_quota();
  out.cpu_shares = r.cpu_shares();
  out.memory_limit_in_bytes = r.memory_limit_in_bytes();
  out.memory_swap_limit_in_bytes = r.memory_swap_limit_in_bytes();
  out.cpuset_cpus = r.cpuset_cpus();
  out.cpuset_mems = r.cpuset_mems();
  for (const auto& h : r.hugepage_limits())
    out.hugepage_limits.emplace_back(h.page_size(), h.limit());
  out.unified = ToLabels(r.unified());
  return out;
}

// As containerd's copyResourcesToStatus (pkg/cri/server/helpers.go@v1.6.20).
inline void ToProto(const LinuxResources& r, runtime::v1::LinuxContainerResources* out) {
  out->set_cpu_period(r.cpu_period);
  out->set_cpu_quota(r.cpu_quota);
  out->set_cpu_shares(r.cpu_shares);
  out->set_memory_limit_in_bytes(r.memory_limit_in_bytes);
  out->set_memory_swap_limit_in_bytes(r.memory_swap_limit_in_bytes);
  out->set_oom_score_adj(r.oom_score_adj);
  out->set_cpuset_cpus(r.cpuset_cpus);
  out->set_cpuset_mems(r.cpuset_mems);
  for (const auto& [size, limit] : r.hugepage_limits) {
    auto* h = out->add_hugepage_limits();
    h->set_page_size(size);
    h->set_limit(limit);
  }
  CopyMap(r.unified, out->mutable_unified());
}

}  // namespace fakecri

#endif  // FAKE_CRI_RUNTIME_SERVICE_CONVERT_H_
