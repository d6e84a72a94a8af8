#include "fake-cri/store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/units.h"

namespace fakecri {
namespace {

// containerd's words for an id its container store does not hold: the CRI
// method's "an error occurred when try to find container" around the store's
// "not found" (pkg/cri/server@v1.6.20).
absl::Status NoSuchContainer(const std::string& id) {
  return absl::NotFoundError(
      absl::StrCat("an error occurred when try to find container \"", id, "\": not found"));
}

// containerd's exit codes (pkg/cri/server/helpers.go@v1.6.20 and what runc
// reports for a process killed by a signal: 128 + its number).
constexpr int32_t kStartErrorExitCode = 128;  // errorStartExitCode
constexpr char kStartErrorReason[] = "StartError";
constexpr char kOomReason[] = "OOMKilled";
constexpr int32_t kSigkillExitCode = 137;
constexpr int32_t kSigtermExitCode = 143;

bool LabelsMatch(const Labels& have, const Labels& selector) {
  for (const auto& [k, v] : selector) {
    auto it = have.find(k);
    if (it == have.end() || it->second != v) return false;
  }
  return true;
}

// truncindex.Get (pkg/cri/store/truncindex/truncindex.go@v1.6.20) over the
// keys of an id-ordered map.
template <typename Map>
absl::StatusOr<std::string> ResolvePrefix(const Map& m, const std::string& prefix) {
  if (prefix.empty()) return absl::UnknownError("Prefix can't be empty");
  auto it = m.lower_bound(prefix);
  if (it == m.end() || it->first.compare(0, prefix.size(), prefix) != 0) {
    return absl::NotFoundError("not found");
  }
  auto next = std::next(it);
  if (next != m.end() && next->first.compare(0, prefix.size(), prefix) == 0) {
    return absl::UnknownError(absl::StrCat("Multiple IDs found with provided prefix: ", prefix));
  }
  return it->first;
}

absl::Status NameReserved(const char* what, const std::string& name, const std::string& holder) {
  // pkg/cri/server/{sandbox_run,container_create}.go@v1.6.20 around
  // pkg/cri/store/name_index.go's Reserve.
  return absl::UnknownError(absl::StrCat("failed to reserve ", what, " name \"", name,
                                         "\": name \"", name, "\" is reserved for \"", holder,
                                         "\""));
}

}  // namespace

const char* ContainerStateName(ContainerState s) {
  switch (s) {
    case ContainerState::kCreated:
      return "CONTAINER_CREATED";
    case ContainerState::kRunning:
      return "CONTAINER_RUNNING";
    case ContainerState::kExited:
      return "CONTAINER_EXITED";
    case ContainerState::kUnknown:
      return "CONTAINER_UNKNOWN";
  }
  return "CONTAINER_UNKNOWN";
}

void LinuxResources::MergeFrom(const LinuxResources& u) {
  if (u.cpu_period != 0) cpu_period = u.cpu_period;
  if (u.cpu_quota != 0) cpu_quota = u.cpu_quota;
  if (u.cpu_shares != 0) cpu_shares = u.cpu_shares;
  if (!u.cpuset_cpus.empty()) cpuset_cpus = u.cpuset_cpus;
  if (!u.cpuset_mems.empty()) cpuset_mems = u.cpuset_mems;
  if (u.memory_limit_in_bytes != 0) {
    memory_limit_in_bytes = u.memory_limit_in_bytes;
    if (u.memory_swap_limit_in_bytes == 0) memory_swap_limit_in_bytes = u.memory_limit_in_bytes;
  }
  if (u.memory_swap_limit_in_bytes != 0) memory_swap_limit_in_bytes = u.memory_swap_limit_in_bytes;
  hugepage_limits.insert(hugepage_limits.end(), u.hugepage_limits.begin(), u.hugepage_limits.end());
  for (const auto& [k, v] : u.unified) unified[k] = v;
}

SteadyTime Store::After(SteadyTime from, int64_t d) const {
  const double scaled = std::max(0.0, static_cast<double>(d) / time_scale_);
  const double room = static_cast<double>((SteadyTime::max() - from).count());
  if (scaled >= room) return SteadyTime::max();
  return from + Nanos(static_cast<int64_t>(scaled));
}

absl::StatusOr<std::string> Store::ResolveSandbox(const std::string& id_or_prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  return ResolvePrefix(sandboxes_, id_or_prefix);
}

absl::StatusOr<std::string> Store::ResolveContainer(const std::string& id_or_prefix) const {
  std::lock_guard<std::mutex> lock(mu_);
  return ResolvePrefix(containers_, id_or_prefix);
}

absl::StatusOr<Container> Store::FindRunningContainer(const std::string& id_or_prefix) const {
  auto id = ResolveContainer(id_or_prefix);
  if (!id.ok()) {
    return absl::Status(id.status().code(),
                        absl::StrCat("failed to find container \"", id_or_prefix,
                                     "\" in store: ", id.status().message()));
  }
  auto c = GetContainer(*id);
  if (!c.ok()) return c.status();
  if (c->state != ContainerState::kRunning) {
    return absl::UnknownError(
        absl::StrCat("container is in ", ContainerStateName(c->state), " state"));
  }
  return c;
}

void Store::ExitLocked(Container& c, int32_t code, SteadyTime when, bool oom) const {
  const SteadyTime now = clock_->Now();
  c.state = ContainerState::kExited;
  c.finished_at = clock_->WallNanos() - (when < now ? (now - when).count() : 0);
  c.exit_code = code;
  if (oom) c.reason = kOomReason;
  c.exit_at = SteadyTime::max();
}

void Store::ReapLocked(Container& c) const {
  // Most processes never exit by themselves: no clock read for them.
  if (c.state == ContainerState::kRunning && c.exit_at != SteadyTime::max() &&
      c.exit_at <= clock_->Now()) {
    ExitLocked(c, c.exit_code_at_exit, c.exit_at, c.oom_at_exit);
  }
}

void Store::KillLocked(Container& c, int32_t code) const {
  ReapLocked(c);
  if (c.state != ContainerState::kRunning) return;
  ExitLocked(c, code, clock_->Now(), false);
}

absl::StatusOr<std::string> Store::AddSandbox(Sandbox sandbox) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sandbox.name.empty() || sandbox.ns.empty() || sandbox.uid.empty()) {
    return absl::InvalidArgumentError("sandbox metadata needs a name, a namespace and a uid");
  }
  for (const auto& [id, s] : sandboxes_) {
    if (s.name == sandbox.name && s.ns == sandbox.ns && s.uid == sandbox.uid &&
        s.attempt == sandbox.attempt) {
      return NameReserved(
          "sandbox",
          absl::StrCat(sandbox.name, "_", sandbox.ns, "_", sandbox.uid, "_", sandbox.attempt), id);
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
  // pkg/cri/server/sandbox_stop.go@v1.6.20: each container stopped with timeout 0.
  for (auto& [cid, c] : containers_) {
    if (c.sandbox_id == id) KillLocked(c, kSigkillExitCode);
  }
  it->second.state = SandboxState::kNotReady;
  return absl::OkStatus();
}

absl::Status Store::RemoveSandbox(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sandboxes_.erase(id) == 0) return absl::OkStatus();
  // pkg/cri/server/sandbox_remove.go@v1.6.20: a ready sandbox is stopped
  // first, then its containers are removed (running ones killed).
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

absl::StatusOr<std::string> Store::AddContainer(Container container,
                                                const std::string& reserved_as) {
  std::lock_guard<std::mutex> lock(mu_);
  auto sit = sandboxes_.find(container.sandbox_id);
  if (sit == sandboxes_.end()) {
    return absl::NotFoundError(absl::StrCat("an error occurred when try to find sandbox \"",
                                            container.sandbox_id, "\": not found"));
  }
  const Sandbox& sb = sit->second;
  if (sb.state != SandboxState::kReady) {
    // pkg/cri/server/container_create.go@v1.6.20: the sandbox's task is gone.
    return absl::NotFoundError(
        absl::StrCat("failed to get sandbox container task: no running task found: task ", sb.id,
                     " not found: not found"));
  }
  if (container.name.empty()) return absl::InvalidArgumentError("container metadata needs a name");
  // makeContainerName: name_pod_namespace_uid_attempt, one index for the node.
  const std::string pod_part =
      reserved_as.empty() ? absl::StrCat(sb.name, "_", sb.ns, "_", sb.uid) : reserved_as;
  container.reserved_name = absl::StrCat(container.name, "_", pod_part, "_", container.attempt);
  for (const auto& [id, c] : containers_) {
    if (c.reserved_name == container.reserved_name) {
      return NameReserved("container", container.reserved_name, id);
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
  if (absl::Status s = BeginStart(id); !s.ok()) return s;
  FinishStart(id, absl::OkStatus());
  return absl::OkStatus();
}

absl::Status Store::BeginStart(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(id);
  if (it == containers_.end()) {
    return NoSuchContainer(id);
  }
  Container& c = it->second;
  ReapLocked(c);
  // pkg/cri/server/container_start.go@v1.6.20 setContainerStarting, then the sandbox.
  if (c.state != ContainerState::kCreated) {
    return absl::UnknownError(absl::StrCat("failed to set starting state for container \"", id,
                                           "\": container is in ", ContainerStateName(c.state),
                                           " state"));
  }
  if (c.starting) {
    return absl::UnknownError(absl::StrCat("failed to set starting state for container \"", id,
                                           "\": container is already in starting state"));
  }
  auto sit = sandboxes_.find(c.sandbox_id);
  if (sit == sandboxes_.end() || sit->second.state != SandboxState::kReady) {
    const std::string text =
        absl::StrCat("sandbox container \"", c.sandbox_id, "\" is not running");
    c.state = ContainerState::kExited;
    c.finished_at = clock_->WallNanos();
    c.exit_code = kStartErrorExitCode;
    c.reason = kStartErrorReason;
    c.message = text;
    return absl::UnknownError(text);
  }
  c.starting = true;
  return absl::OkStatus();
}

void Store::FinishStart(const std::string& id, const absl::Status& io) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(id);
  if (it == containers_.end()) return;
  Container& c = it->second;
  c.starting = false;
  if (!io.ok()) {
    c.state = ContainerState::kExited;
    c.finished_at = clock_->WallNanos();
    c.exit_code = kStartErrorExitCode;
    c.reason = kStartErrorReason;
    c.message = std::string(io.message());
    return;
  }
  c.state = ContainerState::kRunning;
  c.started_at = clock_->WallNanos();
  if (c.process.exit_after_ns) {
    c.exit_at = After(clock_->Now(), *c.process.exit_after_ns);
    c.exit_code_at_exit = c.process.oom_killed ? kSigkillExitCode : c.process.exit_code;
    c.oom_at_exit = c.process.oom_killed;
  }
}

absl::Status Store::StopContainer(const std::string& id, int64_t timeout_ns,
                                  const std::function<bool()>& cancelled) {
  SteadyTime wait_until;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = containers_.find(id);
    if (it == containers_.end()) {
      return NoSuchContainer(id);
    }
    Container& c = it->second;
    ReapLocked(c);
    // pkg/cri/server/container_stop.go@v1.6.20: nothing to do unless running.
    if (c.state != ContainerState::kRunning) return absl::OkStatus();
    if (timeout_ns <= 0) {
      KillLocked(c, kSigkillExitCode);
      return absl::OkStatus();
    }
    const SteadyTime now = clock_->Now();
    if (!c.term_sent) {  // containerd sends the stop signal once
      c.term_sent = true;
      switch (c.process.on_sigterm) {
        case OnSigterm::kDie:
          KillLocked(c, kSigtermExitCode);
          return absl::OkStatus();
        case OnSigterm::kExit: {
          const SteadyTime at = After(now, c.process.sigterm_delay_ns);
          if (at < c.exit_at) {
            c.exit_at = at;
            c.exit_code_at_exit = c.process.sigterm_exit_code;
            c.oom_at_exit = false;
          }
          break;
        }
        case OnSigterm::kIgnore:
          break;
      }
      ReapLocked(c);
      if (c.state != ContainerState::kRunning) return absl::OkStatus();
    }
    wait_until = std::min(c.exit_at, After(now, timeout_ns));
  }
  clock_->SleepUntil(wait_until, cancelled);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(id);
  if (it == containers_.end()) return absl::OkStatus();
  Container& c = it->second;
  ReapLocked(c);
  if (c.state != ContainerState::kRunning) return absl::OkStatus();
  if (cancelled && cancelled()) {
    // The caller went away: containerd returns ctx.Err() without SIGKILL.
    return absl::DeadlineExceededError("context deadline exceeded");
  }
  KillLocked(c, kSigkillExitCode);
  return absl::OkStatus();
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

absl::Status Store::UpdateResources(const std::string& id,
                                    const std::function<void(LinuxResources*)>& fn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(id);
  if (it == containers_.end()) return absl::NotFoundError("not found");
  fn(&it->second.resources);
  return absl::OkStatus();
}

absl::StatusOr<Container> Store::GetContainer(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = containers_.find(id);
  if (it == containers_.end()) {
    return NoSuchContainer(id);
  }
  ReapLocked(it->second);
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
  for (auto& [id, c] : containers_) {
    if (!filter.id.empty() && id != filter.id) continue;
    ReapLocked(c);
    if (filter.state && c.state != *filter.state) continue;
    if (!filter.sandbox_id.empty() && c.sandbox_id != filter.sandbox_id) continue;
    if (!LabelsMatch(c.labels, filter.label_selector)) continue;
    fn(c);
  }
}

}  // namespace fakecri
