#include "fake-cri/store.h"

#include "absl/strings/str_cat.h"
#include "common/units.h"

namespace fakecri {
namespace {

bool LabelsMatch(const Labels& have, const Labels& selector) {
  for (const auto& [k, v] : selector) {
    auto it = have.find(k);
    if (it == have.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

const char* ContainerStateName(ContainerState s) {
  switch (s) {
    case ContainerState::kCreated: return "CONTAINER_CREATED";
    case ContainerState::kRunning: return "CONTAINER_RUNNING";
    case ContainerState::kExited: return "CONTAINER_EXITED";
    case ContainerState::kUnknown: return "CONTAINER_UNKNOWN";
  }
  return "CONTAINER_UNKNOWN";
}

absl::StatusOr<std::string> Store::AddSandbox(Sandbox sandbox) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sandbox.name.empty() || sandbox.ns.empty() || sandbox.uid.empty()) {
    return absl::InvalidArgumentError("sandbox metadata needs a name, a namespace and a uid");
  }
  for (const auto& [id, s] : sandboxes_) {
    if (s.name == sandbox.name && s.ns == sandbox.ns && s.uid == sandbox.uid &&
        s.attempt == sandbox.attempt) {
      return absl::AlreadyExistsError(absl::StrCat(
          "failed to reserve sandbox name \"", sandbox.name, "_", sandbox.ns, "_", sandbox.uid, "_",
          sandbox.attempt, "\": name is reserved for \"", id, "\""));
    }
  }
  if (sandbox.id.empty()) sandbox.id = kit::NewId();
  if (sandboxes_.count(sandbox.id)) {
    return absl::AlreadyExistsError(absl::StrCat("sandbox id \"", sandbox.id, "\" is taken"));
  }
  if (sandbox.created_at == 0) sandbox.created_at = clock_->WallNanos();
  std::string id = sandbox.id;
  sandboxes_[id] = std::move(sandbox);
  return id;
}

absl::Status Store::StopSandbox(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sandboxes_.find(id);
  if (it == sandboxes_.end()) {
    return absl::NotFoundError(
        absl::StrCat("an error occurred when try to find sandbox \"", id, "\": not found"));
  }
  for (auto& [cid, c] : containers_) {
    if (c.sandbox_id == id) (void)StopContainerLocked(c);
  }
  it->second.state = SandboxState::kNotReady;
  return absl::OkStatus();
}

absl::Status Store::RemoveSandbox(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sandboxes_.erase(id) == 0) return absl::OkStatus();
  for (auto it = containers_.begin(); it != containers_.end();) {
    it = it->second.sandbox_id == id ? containers_.erase(it) : std::next(it);
  }
  return absl::OkStatus();
}

absl::StatusOr<Sandbox> Store::GetSandbox(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sandboxes_.find(id);
  if (it == sandboxes_.end()) {
    return absl::NotFoundError(
        absl::StrCat("an error occurred when try to find sandbox \"", id, "\": not found"));
  }
  return it->second;
}

std::vector<Sandbox> Store::ListSandboxes(const SandboxFilter& filter) const {
  std::vector<Sandbox> out;
  VisitSandboxes(filter, [&](const Sandbox& s) { out.push_back(s); });
  return out;
}

void Store::VisitSandboxes(const SandboxFilter& filter,
                           const std::function<void(const Sandbox&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, s] : sandboxes_) {
    if (!filter.id.empty() && id != filter.id) continue;
    if (filter.state && s.state != *filter.state) continue;
    if (!LabelsMatch(s.labels, filter.label_selector)) continue;
    fn(s);
  }
}

absl::StatusOr<std::string> Store::AddContainer(Container container) {
  std::lock_guard<std::mutex> lock(mu_);
  auto sit = sandboxes_.find(container.sandbox_id);
  if (sit == sandboxes_.end()) {
    return absl::NotFoundError(absl::StrCat("an error occurred when try to find sandbox \"",
                                            container.sandbox_id, "\": not found"));
  }
  const Sandbox& sb = sit->second;
  if (sb.state != SandboxState::kReady) {
    return absl::FailedPreconditionError(
        absl::StrCat("sandbox \"", sb.id, "\" is not ready: cannot create container \"",
                     container.name, "\""));
  }
  if (container.name.empty()) return absl::InvalidArgumentError("container metadata needs a name");
  for (const auto& [id, c] : containers_) {
    if (c.sandbox_id == container.sandbox_id && c.name == container.name &&
        c.attempt == container.attempt) {
      return absl::AlreadyExistsError(absl::StrCat(
          "failed to reserve container name \"", container.name, "_", sb.name, "_", sb.ns, "_",
          sb.uid, "_", container.attempt, "\": name is reserved for \"", id, "\""));
    }
  }
  if (container.id.empty()) container.id = kit::NewId();
  if (containers_.count(container.id)) {
    return absl::AlreadyExistsError(absl::StrCat("container id \"", container.id, "\" is taken"));
  }
  if (container.created_at == 0) container.created_at = clock_->WallNanos();
  std::string id = container.id;
  containers_[id] = std::move(container);
  return id;
}

absl::Status Store::StartContainer(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(id);
  if (it == containers_.end()) {
    return absl::NotFoundError(
        absl::StrCat("an error occurred when try to find container \"", id, "\": not found"));
  }
  Container& c = it->second;
  if (c.state != ContainerState::kCreated) {
    return absl::FailedPreconditionError(absl::StrCat("container \"", id, "\" is in ",
                                                      ContainerStateName(c.state),
                                                      " state, only CONTAINER_CREATED can start"));
  }
  c.state = ContainerState::kRunning;
  c.started_at = clock_->WallNanos();
  return absl::OkStatus();
}

absl::Status Store::StopContainerLocked(Container& c) {
  if (c.state != ContainerState::kRunning) return absl::OkStatus();
  c.state = ContainerState::kExited;
  c.finished_at = clock_->WallNanos();
  // A process stopped by the runtime dies of SIGTERM/SIGKILL: 137 as containerd reports.
  c.exit_code = 137;
  c.reason = "Error";
  return absl::OkStatus();
}

absl::Status Store::StopContainer(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(id);
  if (it == containers_.end()) {
    return absl::NotFoundError(
        absl::StrCat("an error occurred when try to find container \"", id, "\": not found"));
  }
  return StopContainerLocked(it->second);
}

absl::Status Store::RemoveContainer(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  containers_.erase(id);
  return absl::OkStatus();
}

void Store::SetExitCode(const std::string& id, int32_t exit_code, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(id);
  if (it == containers_.end()) return;
  it->second.exit_code = exit_code;
  it->second.reason = reason;
}

absl::StatusOr<Container> Store::GetContainer(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(id);
  if (it == containers_.end()) {
    return absl::NotFoundError(
        absl::StrCat("an error occurred when try to find container \"", id, "\": not found"));
  }
  return it->second;
}

std::vector<Container> Store::ListContainers(const ContainerFilter& filter) const {
  std::vector<Container> out;
  VisitContainers(filter, [&](const Container& c) { out.push_back(c); });
  return out;
}

void Store::VisitContainers(const ContainerFilter& filter,
                            const std::function<void(const Container&)>& fn) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, c] : containers_) {
    if (!filter.id.empty() && id != filter.id) continue;
    if (filter.state && c.state != *filter.state) continue;
    if (!filter.sandbox_id.empty() && c.sandbox_id != filter.sandbox_id) continue;
    if (!LabelsMatch(c.labels, filter.label_selector)) continue;
    fn(c);
  }
}

}  // namespace fakecri
