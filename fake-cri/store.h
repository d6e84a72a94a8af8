#ifndef FAKE_CRI_STORE_H_
#define FAKE_CRI_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fake-cri/clock.h"
#include "fake-cri/latency_model.h"
#include "fake-cri/process_spec.h"

namespace fakecri {

using Labels = std::map<std::string, std::string>;

enum class SandboxState { kReady, kNotReady };
enum class ContainerState { kCreated, kRunning, kExited, kUnknown };
const char* ContainerStateName(ContainerState s);  // CONTAINER_RUNNING, ...

// The CRI's NamespaceMode numbers (POD 0, CONTAINER 1, NODE 2, TARGET 3).
inline constexpr int kNamespaceNode = 2;
struct NamespaceOptions {
  int network = 0, pid = 0, ipc = 0;
  std::string target_id;
};

struct Sandbox {
  std::string id;
  std::string name, uid, ns;
  uint32_t attempt = 0;
  SandboxState state = SandboxState::kReady;
  int64_t created_at = 0;  // ns
  Labels labels, annotations;
  std::string runtime_handler, hostname, log_directory;
  // linux.security_context.namespace_options of the config, which containerd
  // echoes in PodSandboxStatus (the kubelet compares it with the pod's spec).
  NamespaceOptions namespaces;
};

// A container's Linux resources (the CRI's LinuxContainerResources), as
// containerd keeps them in the OCI spec and reports them in ContainerStatus.
struct LinuxResources {
  int64_t cpu_period = 0, cpu_quota = 0, cpu_shares = 0;
  int64_t memory_limit_in_bytes = 0, memory_swap_limit_in_bytes = 0;
  int64_t oom_score_adj = 0;
  std::string cpuset_cpus, cpuset_mems;
  std::vector<std::pair<std::string, uint64_t>> hugepage_limits;  // page size, limit
  Labels unified;

  // Applies `update` as containerd's WithResources does
  // (pkg/cri/opts/spec_linux.go@v1.6.20): fields left 0 or empty keep their
  // value; a memory limit without a swap limit sets the swap limit to it (the
  // swap controller is present on the nodes measured); hugepage limits are
  // appended; unified entries are merged. oom_score_adj is not a resource
  // there and is left alone.
  void MergeFrom(const LinuxResources& update);
};

// A container and what the simulation needs to know of it.
struct Container {
  std::string id;
  std::string sandbox_id;
  std::string name;
  uint32_t attempt = 0;
  std::string image, image_ref;  // as the config named it; the image id (sha256:...)
  std::vector<std::string> command, args;
  ContainerState state = ContainerState::kCreated;
  int64_t created_at = 0, started_at = 0, finished_at = 0;  // ns
  int32_t exit_code = 0;
  // Set only when containerd sets it (StartError, OOMKilled); ContainerStatus
  // derives Completed / Error from the exit code otherwise.
  std::string reason, message;
  Labels labels, annotations;
  std::string log_path;
  bool tty = false;
  uint64_t working_set_bytes = 0;
  LatencyOverride latency;
  // What the container did to its root filesystem (paths inside it): files it
  // added or changed, and files it deleted. CRI-O archives carry
  // rootfs-diff.tar and deleted.files only when these are not empty.
  std::vector<std::string> rootfs_changes, rootfs_deletions;
  ProcessSpec process;
  LinuxResources resources;

  // The simulated process (the store's own bookkeeping).
  SteadyTime exit_at = SteadyTime::max();  // when it exits by itself, or after SIGTERM
  int32_t exit_code_at_exit = 0;
  bool oom_at_exit = false;
  bool starting = false;
  bool term_sent = false;     // a StopContainer with a timeout sent SIGTERM
  std::string reserved_name;  // name_pod_namespace_uid_attempt, held until removed
};

struct SandboxFilter {
  std::string id;
  std::optional<SandboxState> state;
  Labels label_selector;
};

struct ContainerFilter {
  std::string id;
  std::optional<ContainerState> state;
  std::string sandbox_id;
  Labels label_selector;
};

// Sandboxes and containers with containerd's state machine (CREATED ->
// RUNNING -> EXITED) and error texts (pkg/cri/server, pkg/cri/store@v1.6.20):
// unknown ids are NOT_FOUND, removing an unknown id succeeds, stopping a
// sandbox kills its containers, removing one stops and removes them, names are
// reserved as containerd reserves them.
//
// Containers run the simulated process of their ProcessSpec: it exits by
// itself `exit_after` after it started, and on SIGTERM as it says. Time comes
// from the Clock and durations are divided by `time_scale`; a process's exit
// is applied when the store is next read (no thread runs per container), with
// finished_at the moment it exited. Thread-safe; getters return copies.
class Store {
 public:
  // REQUIRES: time_scale > 0.
  explicit Store(Clock* clock, double time_scale = 1) : clock_(clock), time_scale_(time_scale) {}

  // A full id for an id or a unique prefix of one, as containerd's truncindex
  // (pkg/cri/store/truncindex@v1.6.20): "" is UNKNOWN "Prefix can't be
  // empty", two matches UNKNOWN "Multiple IDs found with provided prefix: <p>",
  // none NOT_FOUND "not found". Callers wrap the error in their method's text.
  absl::StatusOr<std::string> ResolveSandbox(const std::string& id_or_prefix) const;
  absl::StatusOr<std::string> ResolveContainer(const std::string& id_or_prefix) const;
  // The container an exec or an attach is for, which must be running, with
  // containerd's texts (pkg/cri/server/container_execsync.go and
  // container_attach.go@v1.6.20): "failed to find container "<p>" in store:
  // <why>", UNKNOWN "container is in CONTAINER_EXITED state".
  absl::StatusOr<Container> FindRunningContainer(const std::string& id_or_prefix) const;

  // Fills id (when empty) and created_at; UNKNOWN "failed to reserve sandbox
  // name ..." when the name/namespace/uid/attempt is taken.
  absl::StatusOr<std::string> AddSandbox(Sandbox sandbox);
  // Kills its running containers (SIGKILL, 137) and marks it not ready.
  absl::Status StopSandbox(const std::string& id);
  // Stops it first when it is ready, then removes it and its containers.
  absl::Status RemoveSandbox(const std::string& id);
  absl::StatusOr<Sandbox> GetSandbox(const std::string& id) const;
  std::vector<Sandbox> ListSandboxes(const SandboxFilter& filter) const;
  // Calls `fn` on each matching sandbox under the store's lock, copying nothing
  // (List* answers are built this way). REQUIRES: fn does not call the store.
  void VisitSandboxes(const SandboxFilter& filter,
                      const std::function<void(const Sandbox&)>& fn) const;

  // Fills id and created_at. The sandbox must exist and be ready. `reserved_as`
  // is the sandbox part of the reserved name (name_namespace_uid), from the
  // request's sandbox config as containerd takes it; "" = the sandbox's own.
  absl::StatusOr<std::string> AddContainer(Container container,
                                           const std::string& reserved_as = "");
  // CREATED -> RUNNING. StartContainer is BeginStart then FinishStart(ok).
  absl::Status StartContainer(const std::string& id);
  // The checks of containerd's StartContainer: UNKNOWN `failed to set starting
  // state for container "<id>": container is in <STATE> state`; in a sandbox
  // that is not ready, UNKNOWN `sandbox container "<sandbox>" is not running`,
  // after which the container is EXITED with 128 StartError and that text as
  // its message. On success the container is starting until FinishStart.
  absl::Status BeginStart(const std::string& id);
  // Ends a start: RUNNING from now (its process's clock starts), or, when
  // `io` failed, EXITED with 128 StartError and `io`'s text as the message.
  void FinishStart(const std::string& id, const absl::Status& io);
  // containerd's StopContainer: a container that is not running is left as it
  // is. With timeout_ns > 0 the process gets SIGTERM and its behaviour
  // decides (it may die at once, exit after a delay, or ignore it); after
  // timeout_ns / time_scale a process still running is killed (137). Blocks
  // until then, outside the lock; `cancelled` (the caller went away) ends the
  // wait with DEADLINE_EXCEEDED, leaving the process to its SIGTERM.
  absl::Status StopContainer(const std::string& id, int64_t timeout_ns = 0,
                             const std::function<bool()>& cancelled = {});
  // Kills a running container first (containerd 1.6 removes with force).
  absl::Status RemoveContainer(const std::string& id);
  // For fixtures: an exited container's recorded exit.
  void SetExitCode(const std::string& id, int32_t exit_code, const std::string& reason);
  // Replaces the container's resources with `fn`'s result, under the lock.
  absl::Status UpdateResources(const std::string& id,
                               const std::function<void(LinuxResources*)>& fn);
  absl::StatusOr<Container> GetContainer(const std::string& id) const;
  std::vector<Container> ListContainers(const ContainerFilter& filter) const;
  // As VisitSandboxes, for containers.
  void VisitContainers(const ContainerFilter& filter,
                       const std::function<void(const Container&)>& fn) const;

  double time_scale() const { return time_scale_; }
  // `from` plus `d` nanoseconds of the simulation as the clock runs them
  // (÷ time_scale), saturating at SteadyTime::max().
  SteadyTime After(SteadyTime from, int64_t d) const;

 private:
  void ReapLocked(Container& c) const;
  void KillLocked(Container& c, int32_t code) const;
  void ExitLocked(Container& c, int32_t code, SteadyTime when, bool oom) const;

  Clock* clock_;
  double time_scale_;
  mutable std::mutex mu_;
  std::map<std::string, Sandbox> sandboxes_;
  // Mutable: a simulated process exits by time, and reading the store brings
  // it up to date (ReapLocked).
  mutable std::map<std::string, Container> containers_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_STORE_H_
