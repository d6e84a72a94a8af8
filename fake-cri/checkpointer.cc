#include "fake-cri/checkpointer.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "fake-cri/archive/atomic_file.h"
#include "fake-cri/archive/faulty_file_ops.h"
#include "fake-cri/archive/in_place_file.h"

namespace fakecri {
namespace {

std::string DirOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Where the archive-elsewhere fault puts the archive: beside the location.
std::string Misplaced(const std::string& location) {
  auto slash = location.rfind('/');
  if (slash == std::string::npos) return "misplaced-" + location;
  return absl::StrCat(location.substr(0, slash + 1), "misplaced-", location.substr(slash + 1));
}

std::string Millis(int64_t ns) {
  return absl::StrCat(ns / 1'000'000, ".", (ns / 100'000) % 10, "ms");
}

}  // namespace

SteadyTime AddSaturating(SteadyTime t, int64_t ns) {
  if (ns >= (SteadyTime::max() - t).count()) return SteadyTime::max();
  return t + Nanos(ns);
}

struct Checkpointer::Run {
  Run(const CheckpointCall& c, const RuntimeProfile& p) : call(c), profile(p) {
    args.id = c.container_id;
    args.location = c.location;
    args.method = "CheckpointContainer";
  }
  const CheckpointCall& call;
  const RuntimeProfile& profile;
  TextArgs args;
  Container container;
  Sandbox sandbox;
  SteadyTime start{};
  SteadyTime deadline = SteadyTime::max();  // only for profiles that stop at it
  std::function<bool()> stop;               // shutdown, or the client gone
  int64_t modelled_ns = 0;
  int64_t fixed_cost_ns = 0;
  SteadyTime target{};

  absl::Status Interrupted(Clock* clock) const {
    if (stop()) return absl::CancelledError("checkpoint cancelled: the client went away");
    if (clock->Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("checkpoint of container \"", container.id,
                                                      "\" did not finish before its deadline"));
    }
    return absl::OkStatus();
  }
};

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
      kit::LogLine(kit::LogLevel::kError,
                   "fault crash: the runtime dies in the middle of an archive");
      ::kill(::getpid(), SIGKILL);
    };
  }
}

void Checkpointer::Shutdown() {
  shutting_down_ = true;
  busy_cv_.notify_all();
}

bool Checkpointer::Enter(const std::string& id, SteadyTime deadline,
                         const std::function<bool()>& stop) {
  std::unique_lock<std::mutex> lock(busy_mu_);
  switch (options_.profile->same_container) {
    case SameContainer::kRunTogether:
      break;
    case SameContainer::kRefuse:
      if (busy_[id] > 0) return false;
      break;
    case SameContainer::kWait:
      while (busy_[id] > 0) {
        if (stop() || clock_->Now() >= deadline) return false;
        busy_cv_.wait_for(lock, std::chrono::milliseconds(5));
      }
      break;
  }
  ++busy_[id];
  return true;
}

void Checkpointer::Leave(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(busy_mu_);
    if (--busy_[id] == 0) busy_.erase(id);
  }
  busy_cv_.notify_all();
}

absl::Status Checkpointer::Checkpoint(const CheckpointCall& call) {
  const RuntimeProfile& p = *options_.profile;
  Run run(call, p);
  switch (p.support) {
    case CheckpointSupport::kMethodMissing:
    case CheckpointSupport::kNotImplemented:
      return Render(p.unsupported, run.args);
    case CheckpointSupport::kCriu:
      if (!options_.criu && p.criu_checked_first) return Render(p.no_criu, run.args);
      break;
    case CheckpointSupport::kSimulated:
      break;
  }

  absl::StatusOr<Container> c = store_->GetContainer(call.container_id);
  if (!c.ok()) {
    return absl::IsNotFound(c.status()) ? Render(p.unknown_id, run.args) : c.status();
  }
  if (c->state != ContainerState::kRunning) {
    run.args.state = ContainerStateName(c->state);
    return Render(p.not_running, run.args);
  }
  if (p.support == CheckpointSupport::kCriu && !options_.criu) return Render(p.no_criu, run.args);
  absl::StatusOr<Sandbox> sb = store_->GetSandbox(c->sandbox_id);
  if (!sb.ok()) return sb.status();
  run.args.full_id = c->id;
  run.container = *std::move(c);
  run.sandbox = *std::move(sb);

  if (p.honours_request_timeout) {
    if (call.timeout_seconds < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("timeout must not be negative, got ", call.timeout_seconds));
    }
    const int64_t timeout_ns =
        call.timeout_seconds > 0
            ? std::min<int64_t>(call.timeout_seconds, INT64_MAX / 1'000'000'000) * 1'000'000'000
            : options_.default_timeout_ns;
    run.deadline = AddSaturating(call.received, timeout_ns);
  }
  if (p.stops_at_deadline) {
    if (call.rpc_deadline) run.deadline = std::min(run.deadline, *call.rpc_deadline);
    run.stop = [this, &call] {
      return shutting_down_.load() || (call.cancelled && call.cancelled());
    };
  } else {
    // A real runtime carries on when its caller gives up; only its own end stops it.
    run.stop = [this] { return shutting_down_.load(); };
  }
  return p.write == ArchiveWrite::kAtomic ? CheckpointAtomic(run) : CheckpointInPlace(run);
}

void Checkpointer::Model(Run& run) {
  run.start = clock_->Now();
  const LatencyParams params = run.container.latency.ApplyTo(options_.latency);
  const double u = params.jitter > 0 ? jitter_.Next() : 0;
  run.fixed_cost_ns = params.fixed_cost_ns;
  run.modelled_ns = ModelledCheckpointNanos(run.container.working_set_bytes, params, u);
  run.target = AddSaturating(
      run.start, static_cast<int64_t>(std::min(9.2e18, run.modelled_ns / options_.time_scale)));
}

absl::Status Checkpointer::WriteArchive(Run& run, ByteSink* sink,
                                        const std::function<absl::Status()>& check) {
  const ArchiveFaults& f = run.call.faults;
  if (f.not_a_tar) {
    return sink->Append(std::string("fake-cri fault not-a-tar: this is not a tar archive\n"));
  }
  ArchiveSpec spec;
  spec.container = run.container;
  spec.sandbox = run.sandbox;
  spec.runtime_version = run.profile.version.runtime_version;
  spec.checkpointed_at_ns = clock_->WallNanos();
  spec.fixed_cost_ns = run.fixed_cost_ns;
  spec.modelled_ns = run.modelled_ns;
  spec.flavor = options_.flavor;
  spec.pages = options_.pages;
  spec.omit.insert(f.missing_entries.begin(), f.missing_entries.end());
  return WriteCheckpointArchive(spec, sink, check);
}

absl::Status Checkpointer::Finish(const Run& run, const absl::Status& result, uint64_t bytes) {
  const Container& c = run.container;
  std::string outcome = "OK";
  if (!result.ok()) {
    outcome = absl::StrCat(absl::StatusCodeToString(result.code()), ": ", result.message());
    counters_->checkpoints_failed++;
  } else if (run.call.faults.no_archive) {
    outcome = "OK (fault no-archive: nothing written)";
  } else {
    counters_->checkpoints_written++;
    counters_->bytes_written += bytes;
  }
  kit::LogLine(kit::LogLevel::kInfo,
               absl::StrCat("checkpoint container=", c.id.substr(0, 13), " name=", run.sandbox.ns,
                            "/", run.sandbox.name, "/", c.name, " location=", run.call.location,
                            " bytes=", bytes, " modelled=", Millis(run.modelled_ns), " actual=",
                            Millis((clock_->Now() - run.start).count()), " outcome=", outcome));
  return result;
}

absl::Status Checkpointer::CheckpointAtomic(Run& run) {
  // The reference profile checks the location before it starts.
  const std::string& loc = run.call.location;
  if (loc.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint location \"", absl::CEscape(loc), "\" contains a NUL byte"));
  }
  if (loc.empty() || loc[0] != '/' || loc.back() == '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint location \"", loc, "\" is not an absolute file path"));
  }
  struct stat st;
  if (!ops_->Stat(DirOf(loc), &st).ok() || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("directory of checkpoint location \"", loc,
                     "\" does not exist (the caller creates it; the runtime does not)"));
  }
  if (ops_->Lstat(loc, &st).ok()) {
    return absl::AlreadyExistsError(
        absl::StrCat("checkpoint location \"", loc, "\" already exists; refusing to overwrite it"));
  }
  const std::string id = run.container.id;
  if (!Enter(id, run.deadline, run.stop)) {
    if (run.stop())
      return absl::CancelledError("checkpoint cancelled while waiting for the container");
    return absl::DeadlineExceededError(absl::StrCat(
        "deadline passed while another checkpoint of container \"", id, "\" was running"));
  }
  // The model paces the checkpoint from the moment it has the container: time
  // spent waiting for another checkpoint of it does not count.
  return Held(run, &Checkpointer::WriteAtomic);
}

absl::Status Checkpointer::Held(Run& run, absl::Status (Checkpointer::*write)(Run&, uint64_t*)) {
  Model(run);
  uint64_t bytes = 0;
  absl::Status result = (this->*write)(run, &bytes);
  Leave(run.container.id);
  return Finish(run, result, bytes);
}

void Checkpointer::InjectWriteFaults(const ArchiveFaults& f, FaultyFileOps* ops) {
  if (f.disk_full_after) ops->LimitWrites(*f.disk_full_after);
  if (f.crash_after) ops->LimitWrites(*f.crash_after, crash_);
}

absl::Status Checkpointer::WriteAtomic(Run& run, uint64_t* bytes) {
  const std::string& loc = run.call.location;
  const ArchiveFaults& f = run.call.faults;
  auto check = [&] { return run.Interrupted(clock_); };
  auto pace = [&]() -> absl::Status {
    clock_->SleepUntil(std::min(run.target, run.deadline), run.stop);
    return check();
  };
  if (f.no_archive) return pace();
  FaultyFileOps faulty(ops_);
  InjectWriteFaults(f, &faulty);
  // Destroyed uncommitted (any return before Commit), the file leaves nothing.
  absl::StatusOr<std::unique_ptr<AtomicFile>> file =
      AtomicFile::Create(&faulty, f.elsewhere ? Misplaced(loc) : loc, f.mode_0644 ? 0644 : 0600);
  if (!file.ok()) {
    return absl::Status(file.status().code(), absl::StrCat("creating checkpoint archive \"", loc,
                                                           "\": ", file.status().message()));
  }
  absl::Status s = WriteArchive(run, file->get(), check);
  *bytes = (*file)->bytes_written();
  if (!s.ok()) {
    if (absl::IsCancelled(s) || absl::IsDeadlineExceeded(s)) return s;
    return absl::Status(s.code(),
                        absl::StrCat("writing checkpoint archive \"", loc, "\": ", s.message()));
  }
  if (s = (*file)->Sync(); !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("syncing checkpoint archive \"", loc, "\": ", s.message()));
  }
  if (s = pace(); !s.ok()) return s;
  if (s = (*file)->Commit(); !s.ok()) {
    return absl::Status(s.code(),
                        absl::StrCat("committing checkpoint archive \"", loc, "\": ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status Checkpointer::CheckpointInPlace(Run& run) {
  if (!Enter(run.container.id, SteadyTime::max(), run.stop)) {
    return Render(run.profile.busy, run.args);
  }
  return Held(run, &Checkpointer::WriteInPlace);
}

absl::Status Checkpointer::WriteInPlace(Run& run, uint64_t* bytes) {
  // The dump comes first: a real runtime opens the location only once CRIU is
  // done, so a missing directory is reported after the modelled time.
  clock_->SleepUntil(std::min(run.target, run.deadline), run.stop);
  auto check = [&] { return run.Interrupted(clock_); };
  if (absl::Status s = check(); !s.ok()) return s;
  const ArchiveFaults& f = run.call.faults;
  if (f.no_archive) return absl::OkStatus();
  FaultyFileOps faulty(ops_);
  InjectWriteFaults(f, &faulty);
  const std::string path = f.elsewhere ? Misplaced(run.call.location) : run.call.location;
  absl::StatusOr<std::unique_ptr<InPlaceFile>> file =
      InPlaceFile::Open(&faulty, path, f.mode_0644 ? 0644 : 0600);
  if (!file.ok()) {
    run.args.error = std::string(file.status().message());
    return Render(run.profile.open_failed, run.args);
  }
  absl::Status s = WriteArchive(run, file->get(), check);
  if (s.ok()) s = (*file)->Close();
  *bytes = (*file)->bytes_written();
  if (s.ok() || absl::IsCancelled(s) || absl::IsDeadlineExceeded(s)) return s;
  // What was written stays, as it does with a real runtime.
  run.args.error = std::string(s.message());
  return Render(run.profile.write_failed, run.args);
}

}  // namespace fakecri
