#ifndef FAKE_CRI_STORE_H_
#define FAKE_CRI_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fake-cri/clock.h"
#include "fake-cri/latency_model.h"

namespace fakecri {

using Labels = std::map<std::string, std::string>;

enum class SandboxState { kReady, kNotReady };
enum class ContainerState { kCreated, kRunning, kExited, kUnknown };
const char* ContainerStateName(ContainerState s);  // CONTAINER_RUNNING, ...

struct Sandbox {
  std::string id;
  std::string name, uid, ns;
  uint32_t attempt = 0;
  SandboxState state = SandboxState::kReady;
  int64_t created_at = 0;  // ns
  Labels labels, annotations;
  std::string runtime_handler, hostname, log_directory;
};

// A container and what the simulation needs to know of it.
struct Container {
  std::string id;
  std::string sandbox_id;
  std::string name;
  uint32_t attempt = 0;
  std::string image, image_ref;
  std::vector<std::string> command, args;
  ContainerState state = ContainerState::kCreated;
  int64_t created_at = 0, started_at = 0, finished_at = 0;  // ns
  int32_t exit_code = 0;
  std::string reason;
  Labels labels, annotations;
  std::string log_path;
  uint64_t working_set_bytes = 0;
  LatencyOverride latency;
  // What the container did to its root filesystem (paths inside it): files it
  // added or changed, and files it deleted. CRI-O archives carry
  // rootfs-diff.tar and deleted.files only when these are not empty.
  std::vector<std::string> rootfs_changes, rootfs_deletions;
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

// Sandboxes and containers with a real runtime's state machine
// (CREATED -> RUNNING -> EXITED) and error semantics: unknown ids are NOT_FOUND
// naming the id, removing an unknown id succeeds, stopping a sandbox stops its
// containers, removing one removes them. Names are reserved as real runtimes
// reserve them. Thread-safe; getters return copies.
class Store {
 public:
  explicit Store(Clock* clock) : clock_(clock) {}

  // Fills id (when empty) and created_at; ALREADY_EXISTS when the
  // name/namespace/uid/attempt is taken.
  absl::StatusOr<std::string> AddSandbox(Sandbox sandbox);
  absl::Status StopSandbox(const std::string& id);
  absl::Status RemoveSandbox(const std::string& id);
  absl::StatusOr<Sandbox> GetSandbox(const std::string& id) const;
  std::vector<Sandbox> ListSandboxes(const SandboxFilter& filter) const;
  // Calls `fn` on each matching sandbox under the store's lock, copying nothing
  // (List* answers are built this way). REQUIRES: fn does not call the store.
  void VisitSandboxes(const SandboxFilter& filter,
                      const std::function<void(const Sandbox&)>& fn) const;

  // Fills id and created_at. The sandbox must exist and be ready.
  absl::StatusOr<std::string> AddContainer(Container container);
  absl::Status StartContainer(const std::string& id);
  absl::Status StopContainer(const std::string& id);
  absl::Status RemoveContainer(const std::string& id);
  // For fixtures: an exited container's recorded exit.
  void SetExitCode(const std::string& id, int32_t exit_code, const std::string& reason);
  absl::StatusOr<Container> GetContainer(const std::string& id) const;
  std::vector<Container> ListContainers(const ContainerFilter& filter) const;
  // As VisitSandboxes, for containers.
  void VisitContainers(const ContainerFilter& filter,
                       const std::function<void(const Container&)>& fn) const;

 private:
  absl::Status StopContainerLocked(Container& c);
  Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, Sandbox> sandboxes_;
  std::map<std::string, Container> containers_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_STORE_H_
