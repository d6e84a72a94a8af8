#include "fake-cri/checkpointer.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "fake-cri/archive/atomic_file.h"
#include "fake-cri/archive/faulty_file_ops.h"
#include "common/log.h"

namespace fakecri {
namespace {

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string Millis(int64_t ns) {
  return absl::StrCat(ns / 1'000'000, ".", (ns / 100'000) % 10, "ms");
}

}  // namespace

Checkpointer::Checkpointer(Store* store, Clock* clock, FileOps* ops, Counters* counters,
                           CheckpointerOptions options, std::function<void()> crash)
    : store_(store),
      clock_(clock),
      ops_(ops),
      counters_(counters),
      options_(std::move(options)),
      crash_(std::move(crash)),
      jitter_(options_.jitter_seed) {
  if (!crash_) {
    crash_ = [] {
      kit::LogLine(kit::LogLevel::kError, "fault crash: the runtime dies in the middle of an archive");
      ::kill(::getpid(), SIGKILL);
    };
  }
}

void Checkpointer::Shutdown() {
  shutting_down_ = true;
  busy_cv_.notify_all();
}

bool Checkpointer::AcquireContainer(const std::string& id, SteadyTime deadline,
                                    const std::function<bool()>& stop) {
  std::unique_lock<std::mutex> lock(busy_mu_);
  while (busy_.count(id)) {
    if (stop() || clock_->Now() >= deadline) return false;
    busy_cv_.wait_for(lock, std::chrono::milliseconds(5));
  }
  busy_.insert(id);
  return true;
}

void Checkpointer::ReleaseContainer(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(busy_mu_);
    busy_.erase(id);
  }
  busy_cv_.notify_all();
}

absl::Status Checkpointer::Checkpoint(const CheckpointCall& call) {
  const SteadyTime start = clock_->Now();
  if (call.timeout_seconds < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("timeout must not be negative, got ", call.timeout_seconds));
  }
  const int64_t timeout_ns = call.timeout_seconds > 0
                                 ? std::min<int64_t>(call.timeout_seconds, INT64_MAX / 1'000'000'000) *
                                       1'000'000'000
                                 : options_.default_timeout_ns;
  SteadyTime deadline = start + Nanos(timeout_ns);
  if (call.rpc_deadline && *call.rpc_deadline < deadline) deadline = *call.rpc_deadline;
  auto stop = [&] { return shutting_down_.load() || (call.cancelled && call.cancelled()); };

  const FaultDecision& f = call.faults;
  if (f.error) return *f.error;
  if (f.hang) {
    clock_->SleepUntil(deadline, stop);
    if (stop()) return absl::CancelledError("checkpoint cancelled while hanging (fault hang)");
    return absl::DeadlineExceededError(absl::StrCat(
        "checkpoint of container \"", call.container_id, "\" did not finish before its deadline"));
  }

  absl::StatusOr<Container> c = store_->GetContainer(call.container_id);
  if (!c.ok()) return c.status();
  if (c->state != ContainerState::kRunning) {
    // containerd's text and code (a plain error: Unknown).
    return absl::UnknownError(absl::StrCat("container \"", c->id, "\" is in ",
                                           ContainerStateName(c->state),
                                           " state. only CONTAINER_RUNNING containers can be "
                                           "checkpointed"));
  }
  absl::StatusOr<Sandbox> sb = store_->GetSandbox(c->sandbox_id);
  if (!sb.ok()) return sb.status();

  const std::string& loc = call.location;
  if (loc.empty() || loc[0] != '/' || loc.back() == '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint location \"", loc, "\" is not an absolute file path"));
  }
  struct stat st;
  if (::stat(DirOf(loc).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "directory of checkpoint location \"", loc,
        "\" does not exist (the caller creates it; the runtime does not)"));
  }
  if (::lstat(loc.c_str(), &st) == 0) {
    return absl::AlreadyExistsError(absl::StrCat(
        "checkpoint location \"", loc, "\" already exists; refusing to overwrite it"));
  }

  if (!AcquireContainer(c->id, deadline, stop)) {
    if (stop()) return absl::CancelledError("checkpoint cancelled while waiting for the container");
    return absl::DeadlineExceededError(
        absl::StrCat("deadline passed while another checkpoint of container \"", c->id,
                     "\" was running"));
  }
  // The model paces the checkpoint itself, from the moment it has the container:
  // time spent waiting for another checkpoint of it does not count.
  absl::Status result = Run(call, *c, *sb, clock_->Now(), deadline, stop);
  ReleaseContainer(c->id);
  return result;
}

absl::Status Checkpointer::Run(const CheckpointCall& call, const Container& c, const Sandbox& sb,
                               SteadyTime start, SteadyTime deadline,
                               const std::function<bool()>& stop) {
  const FaultDecision& f = call.faults;
  LatencyParams params = c.latency.ApplyTo(options_.latency);
  double u = params.jitter > 0 ? jitter_.Next() : 0;
  const int64_t modelled_ns = ModelledCheckpointNanos(c.working_set_bytes, params, u) +
                              f.extra_latency_ns;
  const SteadyTime target =
      start + Nanos(static_cast<int64_t>(std::llround(modelled_ns / options_.time_scale)));

  auto interrupted = [&]() -> absl::Status {
    if (stop()) return absl::CancelledError("checkpoint cancelled: the client went away");
    if (clock_->Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "checkpoint of container \"", c.id, "\" did not finish before its deadline"));
    }
    return absl::OkStatus();
  };
  auto log = [&](const std::string& outcome, uint64_t bytes) {
    kit::LogLine(kit::LogLevel::kInfo,
            absl::StrCat("checkpoint container=", c.id.substr(0, 13), " name=", sb.ns, "/", sb.name,
                         "/", c.name, " location=", call.location, " bytes=", bytes,
                         " modelled=", Millis(modelled_ns), " actual=",
                         Millis((clock_->Now() - start).count()), " outcome=", outcome));
  };
  auto fail = [&](absl::Status s, uint64_t bytes) {
    counters_->checkpoints_failed++;
    log(absl::StrCat(absl::StatusCodeToString(s.code()), ": ", s.message()), bytes);
    return s;
  };

  // Pace to the model, then answer. Used both after writing and for no-archive.
  auto pace = [&]() -> absl::Status {
    clock_->SleepUntil(std::min(target, deadline), stop);
    return interrupted();
  };

  if (f.no_archive) {
    if (absl::Status s = pace(); !s.ok()) return fail(s, 0);
    log("OK (fault no-archive: nothing written)", 0);
    return absl::OkStatus();
  }

  FaultyFileOps faulty(ops_);
  if (f.disk_full_after) faulty.LimitWrites(*f.disk_full_after);
  if (f.crash_after) faulty.LimitWrites(*f.crash_after, crash_);
  const std::string final_path =
      f.elsewhere ? absl::StrCat(DirOf(call.location), "/misplaced-",
                                 call.location.substr(call.location.rfind('/') + 1))
                  : call.location;
  absl::StatusOr<std::unique_ptr<AtomicFile>> file =
      AtomicFile::Create(&faulty, final_path, f.mode_0644 ? 0644 : 0600);
  if (!file.ok()) {
    return fail(absl::Status(file.status().code(),
                             absl::StrCat("creating checkpoint archive \"", call.location,
                                          "\": ", file.status().message())),
                0);
  }

  absl::Status written;
  if (f.not_a_tar) {
    written = (*file)->Append(std::string("fake-cri fault not-a-tar: this is not a tar archive\n"));
  } else {
    ArchiveSpec spec;
    spec.container = c;
    spec.sandbox = sb;
    spec.runtime_version = options_.runtime_version;
    spec.checkpointed_at_ns = clock_->WallNanos();
    spec.fixed_cost_ns = params.fixed_cost_ns;
    spec.modelled_ns = modelled_ns;
    spec.flavor = options_.flavor;
    spec.pages = options_.pages;
    spec.omit.insert(f.missing_entries.begin(), f.missing_entries.end());
    written = WriteCheckpointArchive(spec, file->get(), interrupted);
  }
  const uint64_t bytes = (*file)->bytes_written();
  if (!written.ok()) {
    if (absl::IsCancelled(written) || absl::IsDeadlineExceeded(written)) return fail(written, bytes);
    return fail(absl::Status(written.code(), absl::StrCat("writing checkpoint archive \"",
                                                          call.location, "\": ", written.message())),
                bytes);
  }
  if (absl::Status s = (*file)->Sync(); !s.ok()) {
    return fail(absl::Status(s.code(), absl::StrCat("syncing checkpoint archive \"",
                                                    call.location, "\": ", s.message())),
                bytes);
  }
  if (absl::Status s = pace(); !s.ok()) return fail(s, bytes);
  if (absl::Status s = (*file)->Commit(); !s.ok()) {
    return fail(absl::Status(s.code(), absl::StrCat("committing checkpoint archive \"",
                                                    call.location, "\": ", s.message())),
                bytes);
  }
  counters_->checkpoints_written++;
  counters_->bytes_written += bytes;
  log("OK", bytes);
  return absl::OkStatus();
}

}  // namespace fakecri
