// Runtime area: CRI-level checks of a runtime's CheckpointContainer, with a pod
// and container the suite makes itself (as critest does) and checkpoints into
// a temp dir of its own. docs/archive.md and docs/runtime-profiles.md (what
// real runtimes write and answer), proto/cri_runtime_v1.proto (the wire).
//
// Each archive property is failed by exactly one test; the others skip on it,
// naming that test (the rule of checks.h). Every test makes its own pod, so
// they all run in the parallel phase.

#include <algorithm>
#include <memory>
#include <string>
#include <thread>

#include "common/units.h"
#include "conformance/framework/archive_inspector.h"
#include "conformance/framework/checks.h"
#include "conformance/framework/cri_session.h"
#include "conformance/framework/requirement.h"

namespace conformance {
namespace {

namespace v1 = runtime::v1;

constexpr char kVersion[] = "runtime.version-is-runtime-api-v1";
constexpr char kRunsPod[] = "runtime.runs-the-suite-container";
constexpr char kFileAtLocation[] = "runtime.checkpoint-writes-regular-file-at-location";
constexpr char kMode0600[] = "runtime.checkpoint-archive-mode-0600";
constexpr char kPlainTar[] = "runtime.checkpoint-archive-is-plain-tar";
constexpr char kEntries[] = "runtime.checkpoint-archive-has-required-entries";
constexpr char kNamesContainer[] = "runtime.checkpoint-archive-names-the-container";
constexpr char kUnknownId[] = "runtime.checkpoint-unknown-container-fails";
constexpr char kNotRunning[] = "runtime.checkpoint-stopped-container-fails";

// Every test but kRunsPod skips when the suite's pod cannot be made.
const SuitePod::SetupFailure kSkipOnSetup{false, kRunsPod};

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "nothing" : out;
}

// Skips with the runtime's text when it says it cannot checkpoint.
void SkipIfCannotCheckpoint(TestContext& t, const absl::Status& s) {
  if (s.ok()) return;
  std::string text = GrpcText(s);
  if (IsCannotCheckpointError(text)) t.Skip("the runtime cannot checkpoint: " + text);
}

// A checkpoint of the suite's running container to <temp dir>/<kubelet-like
// name>. Members are destroyed in reverse order: the dir, then the pod, then
// the session the pod's clean-up uses.
struct Checkpoint {
  std::unique_ptr<CriSession> cri;
  std::unique_ptr<SuitePod> pod;
  std::unique_ptr<TempDir> dir;
  std::string location;
  absl::Status status;
};

// Skips when the runtime cannot checkpoint; any other answer is kept for the
// caller to judge.
std::unique_ptr<Checkpoint> CheckpointRunning(TestContext& t) {
  auto ck = std::make_unique<Checkpoint>();
  ck->cri = std::make_unique<CriSession>(t, t.runtime());
  ck->pod = SuitePod::Start(ck->cri.get(), t, t.id().substr(t.id().find('.') + 1), kSkipOnSetup);
  ck->dir = std::make_unique<TempDir>(t, "checkpoint-conformance-archive");
  const ContainerRef& c = ck->pod->ref();
  ck->location = ck->dir->path() + "/checkpoint-" + c.pod + "_" + c.ns + "-" + c.name + ".tar";
  ck->status = ck->cri->CheckpointContainer(ck->pod->container_id(), ck->location);
  SkipIfCannotCheckpoint(t, ck->status);
  return ck;
}

// The preconditions of the archive tests, each naming the test that fails for it.
void RequireArchiveFile(TestContext& t, const Checkpoint& ck) {
  if (!ck.status.ok()) {
    t.Skip("precondition: CheckpointContainer of a running container failed: " +
           GrpcText(ck.status) + " (" + kFileAtLocation + " fails)");
  }
  PathFacts f = InspectPath(ck.location);
  if (!f.exists || !f.regular) {
    t.Skip("precondition: no regular file at " + ck.location + " (" + kFileAtLocation + " fails)");
  }
}

TarFacts RequireTar(TestContext& t, const Checkpoint& ck) {
  RequireArchiveFile(t, ck);
  TarFacts tar = ReadTar(ck.location);
  if (!tar.readable) {
    t.Skip("precondition: " + ck.location + " is not a readable tar: " + tar.error + " (" +
           kPlainTar + " fails)");
  }
  return tar;
}

std::vector<std::string> MissingEntries(const TarFacts& tar) {
  std::vector<std::string> missing;
  for (const char* entry : kRequiredEntries) {
    if (!tar.contents.count(entry)) missing.push_back(entry);
  }
  return missing;
}

void VersionIsApiV1(TestContext& t) {
  CriSession cri(t, t.runtime());
  auto v = cri.Version();
  if (!v.ok()) t.Fail("Version failed: " + GrpcText(v.status()));
  t.Note("runtime " + v->runtime_name() + " " + v->runtime_version() + ", API " +
         v->runtime_api_version());
  t.Check(v->runtime_api_version() == "v1",
          "runtime_api_version is \"" + v->runtime_api_version() + "\", want \"v1\"");
}

void RunsTheSuiteContainer(TestContext& t) {
  CriSession cri(t, t.runtime());
  // Start checks that ContainerStatus reports CONTAINER_RUNNING.
  auto pod = SuitePod::Start(&cri, t, "runs-the-suite-container", SuitePod::SetupFailure{true, ""});
}

void WritesRegularFileAtLocation(TestContext& t) {
  auto ck = CheckpointRunning(t);
  if (!ck->status.ok()) {
    t.Fail("CheckpointContainer of a running container answered " + GrpcText(ck->status) +
           ", want OK");
  }
  std::string dir_error;
  std::vector<std::string> names = ListDirectory(ck->dir->path(), &dir_error);
  if (!dir_error.empty()) t.Fail("cannot list the location's directory: " + dir_error);
  PathFacts f = InspectPath(ck->location);
  if (!f.exists) {
    t.Fail("CheckpointContainer answered OK but wrote nothing at the requested location " +
           ck->location + " (its directory holds: " + Join(names) + ")");
  }
  t.Check(!f.symlink, ck->location + " is a symbolic link, want a regular file");
  t.Check(f.regular, ck->location + " is not a regular file");
  std::string base = ck->location.substr(ck->location.rfind('/') + 1);
  names.erase(std::remove(names.begin(), names.end(), base), names.end());
  t.Check(names.empty(), "besides the archive, its directory holds: " + Join(names) +
                             " (temporary or misplaced files)");
  t.Note("archive " + ck->location + ": " + std::to_string(f.size) + " bytes, uid " +
         std::to_string(f.uid));
}

void ArchiveMode0600(TestContext& t) {
  auto ck = CheckpointRunning(t);
  RequireArchiveFile(t, *ck);
  PathFacts f = InspectPath(ck->location);
  t.Check(f.mode == 0600, "the archive's mode is " + ModeText(f.mode) + ", want 0600");
}

void ArchiveIsPlainTar(TestContext& t) {
  auto ck = CheckpointRunning(t);
  RequireArchiveFile(t, *ck);
  TarFacts tar = ReadTar(ck->location);
  t.Check(tar.readable,
          ck->location + " is not a plain (uncompressed) tar that libarchive reads: " + tar.error);
  t.Note(std::to_string(tar.names.size()) + " entries");
}

void ArchiveHasRequiredEntries(TestContext& t) {
  auto ck = CheckpointRunning(t);
  TarFacts tar = RequireTar(t, *ck);
  std::vector<std::string> missing = MissingEntries(tar);
  if (!missing.empty()) {
    std::vector<std::string> first(tar.names.begin(),
                                   tar.names.begin() + std::min<size_t>(tar.names.size(), 12));
    t.Fail("the archive lacks " + Join(missing) + " (it holds " + Join(first) +
           (tar.names.size() > first.size() ? ", ..." : "") + ")");
  }
}

void ArchiveNamesTheContainer(TestContext& t) {
  auto ck = CheckpointRunning(t);
  TarFacts tar = RequireTar(t, *ck);
  std::vector<std::string> missing = MissingEntries(tar);
  if (!missing.empty()) {
    t.Skip("precondition: the archive lacks " + Join(missing) + " (" + kEntries + " fails)");
  }
  std::string why = CheckNamesContainer(tar, ck->pod->ref());
  t.Check(why.empty(), why);
}

// The directory must still be empty after a failed checkpoint.
void CheckNothingWritten(TestContext& t, const TempDir& dir) {
  std::string error;
  std::vector<std::string> names = ListDirectory(dir.path(), &error);
  if (!error.empty()) t.Fail("cannot list the location's directory: " + error);
  t.Check(names.empty(), "the failed checkpoint left " + Join(names) + " in " + dir.path());
}

void UnknownContainerFails(TestContext& t) {
  CriSession cri(t, t.runtime());
  TempDir dir(t, "checkpoint-conformance-archive");
  std::string id = kit::NewId();  // no runtime has it
  std::string location = dir.path() + "/checkpoint-unknown.tar";
  absl::Status s = cri.CheckpointContainer(id, location);
  SkipIfCannotCheckpoint(t, s);
  if (s.ok()) t.Fail("CheckpointContainer of the unknown container id " + id + " answered OK");
  t.Note("answer: " + GrpcText(s));
  CheckNothingWritten(t, dir);
}

void StoppedContainerFails(TestContext& t) {
  CriSession cri(t, t.runtime());
  auto pod = SuitePod::Start(&cri, t, "stopped-container-fails", kSkipOnSetup);
  if (absl::Status s = cri.StopContainer(pod->container_id(), 0); !s.ok()) {
    t.Fail("StopContainer failed: " + GrpcText(s));
  }
  // StopContainer returns once the container has exited on the runtimes we
  // know; wait for the state anyway, bounded by the test's time.
  for (;;) {
    auto st = cri.ContainerStatus(pod->container_id());
    if (!st.ok()) t.Fail("ContainerStatus after StopContainer failed: " + GrpcText(st.status()));
    if (st->state() == v1::CONTAINER_EXITED) break;
    if (t.Remaining() <= std::chrono::milliseconds(100)) {
      t.Fail("after StopContainer the container is still " + v1::ContainerState_Name(st->state()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  TempDir dir(t, "checkpoint-conformance-archive");
  std::string location = dir.path() + "/checkpoint-stopped.tar";
  absl::Status s = cri.CheckpointContainer(pod->container_id(), location);
  SkipIfCannotCheckpoint(t, s);
  if (s.ok()) t.Fail("CheckpointContainer of a container in CONTAINER_EXITED state answered OK");
  t.Note("answer: " + GrpcText(s));
  CheckNothingWritten(t, dir);
}

}  // namespace

void AddRuntimeRequirements(Requirements* out) {
  out->push_back({kVersion, "the runtime answers Version with runtime_api_version \"v1\"",
                  kNeedsRuntime, false, false, VersionIsApiV1});
  out->push_back({kRunsPod,
                  "the runtime runs the suite's host-network pod with a container of --image "
                  "running sleep 3600 (the other runtime tests need it)",
                  kNeedsRuntime, false, false, RunsTheSuiteContainer});
  out->push_back({kFileAtLocation,
                  "CheckpointContainer of a running container answers OK and writes a regular file "
                  "(not a symlink) at exactly the requested location, and nothing else beside it",
                  kNeedsRuntime, false, false, WritesRegularFileAtLocation});
  out->push_back({kMode0600, "the archive CheckpointContainer writes has mode 0600", kNeedsRuntime,
                  false, false, ArchiveMode0600});
  out->push_back({kPlainTar,
                  "the archive is a plain (uncompressed) tar that an independent reader "
                  "(libarchive) reads to the end",
                  kNeedsRuntime, false, false, ArchiveIsPlainTar});
  out->push_back({kEntries,
                  "the archive contains spec.dump, config.dump and checkpoint/inventory.img",
                  kNeedsRuntime, false, false, ArchiveHasRequiredEntries});
  out->push_back({kNamesContainer,
                  "the archive's spec.dump and config.dump name the checkpointed container (its "
                  "namespace, pod and name)",
                  kNeedsRuntime, false, false, ArchiveNamesTheContainer});
  out->push_back({kUnknownId,
                  "CheckpointContainer of an unknown container id answers an error and writes "
                  "nothing at the location",
                  kNeedsRuntime, false, false, UnknownContainerFails});
  out->push_back({kNotRunning,
                  "CheckpointContainer of a stopped (CONTAINER_EXITED) container answers an error "
                  "and writes nothing at the location",
                  kNeedsRuntime, false, false, StoppedContainerFails});
}

}  // namespace conformance
