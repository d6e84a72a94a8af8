// The runtime profiles: one entry per real runtime version family. Each line
// names its source: a file of the runtime's repository at a release tag (and
// the function), or a measurement on a real runtime on these machines
// (docs/runtime-profiles.md). Abbreviations: ctrd = github.com/containerd/containerd,
// crio = github.com/cri-o/cri-o, F2 = ctrd internal/cri/server/container_checkpoint_linux.go.

#include <ctime>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "fake-cri/profiles/runtime_profile.h"

namespace fakecri {
namespace {

using absl::StatusCode;

// Measured on containerd 2.1.5 with runc 1.1.5 and CRIU 4.2.1 on a 2-vCPU VM
// of this kind (medians of 3, memory filled): 16 MiB 433 ms, 64 MiB 621 ms,
// 256 MiB 1.64 s, 1 GiB 5.44 s; least squares 0.34 s + N / 200 MiB/s.
constexpr LatencyParams kContainerdLatency{340'000'000, 200.0 * 1024 * 1024, 0};
constexpr char kContainerdLatencySource[] =
    "containerd 2.1.5 through CRI, measured: 0.34 s + working set / 200 MiB/s "
    "(docs/runtime-profiles.md)";
// Measured with podman 4.3.1 + runc 1.1.5 + CRIU 4.2.1 (checkpoint and export,
// the same runc checkpoint + tar export path CRI-O takes): 1.03 s + N / 126 MiB/s.
constexpr LatencyParams kCrioLatency{1'030'000'000, 126.0 * 1024 * 1024, 0};
constexpr char kCrioLatencySource[] =
    "podman 4.3.1 + runc + CRIU 4.2.1 checkpoint with export, measured: 1.03 s + working set / "
    "126 MiB/s (CRI-O exports the same way; docs/runtime-profiles.md)";

// grpc-go's answer for a method the server does not have:
// grpc/grpc-go server.go (*Server).handleStream, the same text from v1.43 on.
constexpr ProfileText kUnknownMethod{
    StatusCode::kUnimplemented, "unknown method {method} for service runtime.v1.RuntimeService",
    "grpc/grpc-go server.go@v1.43.0 (*Server).handleStream; containerd 1.6.0-1.6.8 vendor "
    "k8s.io/cri-api v0.23.1, which has no CheckpointContainer"};
constexpr ProfileText kNotImplemented{
    StatusCode::kUnimplemented, "method {method} not implemented",
    "ctrd pkg/cri/server/container_checkpoint.go@v1.6.9 and pkg/cri/sbserver/"
    "container_checkpoint.go@v1.7.34 (*criService).CheckpointContainer"};

// containerd 2.x.
constexpr ProfileText kCtrdOldCriu{
    StatusCode::kUnknown,
    "CRIU binary not found or too old (<31600). Failed to checkpoint container \"{id}\": failed "
    "to check for criu version: exec: \"criu\": executable file not found in $PATH",
    "ctrd F2@v2.0.0 checkForCriu and CheckpointContainer (first step, before the id lookup); "
    "measured on containerd 2.1.5 without criu on PATH"};
constexpr ProfileText kCtrdNewCriu{
    StatusCode::kUnknown,
    "failed to checkpoint container \"{id}\": criu binary not found in shim path or system PATH",
    "ctrd F2@v2.2.7 checkCriu/resolveCriuPath (first step, cached until restart); also v2.3.4, "
    "v2.4.0-beta.0"};
constexpr ProfileText kCtrd20UnknownId{
    StatusCode::kNotFound, "an error occurred when try to find container \"{id}\": not found",
    "ctrd F2@v2.0.0 CheckpointContainer (containerStore.Get)"};
constexpr ProfileText kCtrd21UnknownId{
    StatusCode::kNotFound,
    "an error occurred when trying to find container the container status \"{id}\": an error "
    "occurred when try to find container \"{id}\": not found",
    "ctrd F2@v2.1.5 CheckpointContainer (via ContainerStatus); measured on containerd 2.1.5"};
constexpr ProfileText kCtrdNotRunning{
    StatusCode::kUnknown,
    "container \"{id}\" is in {state} state. only CONTAINER_RUNNING containers can be "
    "checkpointed",
    "ctrd F2@v2.0.0..v2.2.7 CheckpointContainer (the id as sent); measured on containerd 2.1.5"};
constexpr ProfileText kCtrd23NotRunning{
    StatusCode::kUnknown,
    "container \"{full_id}\" is in {state} state. only CONTAINER_RUNNING containers can be "
    "checkpointed",
    "ctrd F2@v2.3.0 CheckpointContainer (the full id from 2.3.0 on)"};
constexpr ProfileText kCtrdOpen{
    StatusCode::kUnknown, "{error}",
    "ctrd F2@v2.1.5 CheckpointContainer: os.OpenFile(r.Location, O_RDWR|O_CREATE, 0o600) after "
    "the dump, error returned as is; measured on containerd 2.1.5"};
constexpr ProfileText kCtrdWrite{
    StatusCode::kUnknown, "{error}",
    "ctrd F2@v2.1.5 CheckpointContainer: io.Copy(outFile, tar), error returned as is"};
constexpr ProfileText kCtrdBusy{
    StatusCode::kUnknown,
    "checkpointing container \"{id}\" failed: cannot pause a paused container",
    "measured on containerd 2.1.5 (one of 22 concurrent pairs); ctrd cmd/containerd-shim-runc-v2/"
    "process/init_state.go@v2.1.5"};
constexpr ProfileText kCtrd23Busy{
    StatusCode::kUnknown,
    "checkpointing container \"{full_id}\" failed: cannot pause a paused container",
    "as containerd 2.1, with the full id (ctrd F2@v2.3.4)"};

// CRI-O (the same texts from v1.31.0 to v1.36.3).
constexpr ProfileText kCrioNoCriu{
    StatusCode::kUnknown, "checkpoint/restore support not available",
    "crio server/container_checkpoint.go@v1.34.0 (*Server).CheckpointContainer, first step; the "
    "support flag is cleared at start-up when criu is not on PATH (pkg/config/config.go Validate)"};
constexpr ProfileText kCrioUnknownId{
    StatusCode::kNotFound,
    "could not find container \"{id}\": container with ID starting with {id} not found: ID does "
    "not exist",
    "crio server/container_checkpoint.go@v1.34.0; internal/lib/container.go "
    "GetContainerFromShortID; containers/storage truncindex ErrNotExist"};
constexpr ProfileText kCrioNotRunning{
    StatusCode::kUnknown, "container {full_id} is not running",
    "crio internal/lib/checkpoint.go@v1.34.0 ContainerCheckpoint"};
constexpr ProfileText kCrioOpen{
    StatusCode::kUnknown,
    "failed to write file system changes of container {full_id}: error creating checkpoint "
    "export file \"{location}\": {error}",
    "crio internal/lib/checkpoint.go@v1.34.0 exportCheckpoint (os.OpenFile O_RDWR|O_CREATE 0o600 "
    "after the dump) wrapped by ContainerCheckpoint"};
constexpr ProfileText kCrioWrite{
    StatusCode::kUnknown, "failed to write file system changes of container {full_id}: {error}",
    "crio internal/lib/checkpoint.go@v1.34.0 exportCheckpoint (io.Copy error as is) wrapped by "
    "ContainerCheckpoint"};
constexpr ProfileText kCrioBusy{
    StatusCode::kUnknown,
    "failed to pause container \"{full_id}\" before checkpointing: `/usr/bin/runc --root "
    "/run/runc --systemd-cgroup pause {full_id}` failed: time=\"{now}\" level=error "
    "msg=\"container not running\"\n : container process not found",
    "crio internal/lib/checkpoint.go@v1.34.0 ContainerCheckpoint (pause first, no lock over the "
    "whole checkpoint) and internal/oci/runtime_oci.go runtimeCmd (ErrNotFound for runc's "
    "\"container not running\"); runc libcontainer Pause@v1.1.5"};

// The reference profile: today's texts of fake-cri.
constexpr ProfileText kRefUnknownId{
    StatusCode::kNotFound, "an error occurred when try to find container \"{id}\": not found",
    "fake-cri (containerd 2.0's text)"};
constexpr ProfileText kRefNotRunning{kCtrdNotRunning.code, kCtrdNotRunning.text,
                                     "fake-cri (containerd's text)"};
constexpr ProfileText kRefBusy{StatusCode::kUnknown, "", "fake-cri waits instead"};
constexpr ProfileText kNone{StatusCode::kUnknown, "", ""};

constexpr char kCtrdVersionSource[] =
    "ctrd internal/cri/server/version.go (*criService).Version: \"0.1.0\", \"containerd\", "
    "version.Version (v-prefixed by the Makefile's git describe), \"v1\"; measured v2.1.5";

RuntimeProfile Containerd2(const char* name, const char* covers, const char* version,
                           const char* version_source) {
  RuntimeProfile p{};
  p.name = name;
  p.covers = covers;
  p.version = {"0.1.0", "containerd", version, "v1", version_source};
  p.support = CheckpointSupport::kCriu;
  p.unsupported = kNone;
  p.no_criu = kCtrdOldCriu;
  p.criu_checked_first = true;
  p.unknown_id = kCtrd21UnknownId;
  p.not_running = kCtrdNotRunning;
  p.open_failed = kCtrdOpen;
  p.write_failed = kCtrdWrite;
  p.busy = kCtrdBusy;
  p.same_container = SameContainer::kRunTogether;
  p.write = ArchiveWrite::kInPlace;
  p.honours_request_timeout = false;
  p.stops_at_deadline = false;
  p.layout = ArchiveFlavor::kContainerd;
  p.latency = kContainerdLatency;
  p.latency_source = kContainerdLatencySource;
  return p;
}

RuntimeProfile Containerd1(const char* name, const char* covers, const char* version,
                           CheckpointSupport support, ProfileText unsupported) {
  RuntimeProfile p = Containerd2(name, covers, version, "");
  p.version.source =
      "ctrd pkg/cri/server/version.go@v1.6.8/@v1.7.34 (*criService).Version; version.Version set "
      "by the Makefile from git describe";
  p.support = support;
  p.unsupported = unsupported;
  p.no_criu = kNone;
  return p;
}

std::vector<RuntimeProfile> MakeProfiles() {
  std::vector<RuntimeProfile> all;
  all.push_back(Containerd1("containerd-1.6.0", "containerd 1.6.0 - 1.6.8", "v1.6.8",
                            CheckpointSupport::kMethodMissing, kUnknownMethod));
  all.push_back(Containerd1("containerd-1.6.9", "containerd 1.6.9 - 1.7.x (Debian 12: 1.6.20)",
                            "v1.7.34", CheckpointSupport::kNotImplemented, kNotImplemented));
  {
    RuntimeProfile p =
        Containerd2("containerd-2.0", "containerd 2.0.0 - 2.0.x", "v2.0.11", kCtrdVersionSource);
    p.unknown_id = kCtrd20UnknownId;
    p.layout = ArchiveFlavor::kContainerd20;
    all.push_back(p);
  }
  all.push_back(
      Containerd2("containerd-2.1", "containerd 2.1.0 - 2.1.x", "v2.1.5", kCtrdVersionSource));
  {
    RuntimeProfile p = Containerd2(
        "containerd-2.2", "containerd 2.2.7 and later 2.2 patches (2.2.0 - 2.2.6: containerd-2.1)",
        "v2.2.7", kCtrdVersionSource);
    p.no_criu = kCtrdNewCriu;
    all.push_back(p);
  }
  for (const auto& [name, covers, version] :
       {std::tuple<const char*, const char*, const char*>{
            "containerd-2.3",
            "containerd 2.3.4 and later 2.3 patches (2.3.0 - 2.3.3: the CRIU "
            "text of containerd-2.1)",
            "v2.3.4"},
        {"containerd-2.4", "containerd 2.4 (v2.4.0-beta.0)", "v2.4.0-beta.0"}}) {
    RuntimeProfile p = Containerd2(name, covers, version, kCtrdVersionSource);
    p.no_criu = kCtrdNewCriu;
    p.not_running = kCtrd23NotRunning;
    p.busy = kCtrd23Busy;
    all.push_back(p);
  }
  {
    RuntimeProfile p{};
    p.name = "cri-o";
    p.covers = "CRI-O 1.31 - 1.36 (--criu=false: started without criu on PATH)";
    p.version = {"0.1.0", "cri-o", "1.34.0", "v1",
                 "crio server/version.go@v1.34.0 (*Server).Version; internal/version/version.go "
                 "(a constant, no v)"};
    p.support = CheckpointSupport::kCriu;
    p.unsupported = kNone;
    p.no_criu = kCrioNoCriu;
    p.criu_checked_first = true;
    p.unknown_id = kCrioUnknownId;
    p.not_running = kCrioNotRunning;
    p.open_failed = kCrioOpen;
    p.write_failed = kCrioWrite;
    p.busy = kCrioBusy;
    p.same_container = SameContainer::kRefuse;
    p.write = ArchiveWrite::kInPlace;
    p.honours_request_timeout = false;
    p.stops_at_deadline = false;
    p.layout = ArchiveFlavor::kCrio;
    p.latency = kCrioLatency;
    p.latency_source = kCrioLatencySource;
    all.push_back(p);
  }
  {
    RuntimeProfile p{};
    p.name = "reference";
    p.covers = "no real runtime: fake-cri's own protections, beyond any runtime";
    p.version = {"0.1.0", "fake-cri", "0.1.0", "v1", "fake-cri"};
    p.support = CheckpointSupport::kSimulated;
    p.unsupported = kNone;
    p.no_criu = kNone;
    p.criu_checked_first = false;
    p.unknown_id = kRefUnknownId;
    p.not_running = kRefNotRunning;
    p.open_failed = kNone;
    p.write_failed = kNone;
    p.busy = kRefBusy;
    p.same_container = SameContainer::kWait;
    p.write = ArchiveWrite::kAtomic;
    p.honours_request_timeout = true;
    p.stops_at_deadline = true;
    p.layout = ArchiveFlavor::kCrio;
    p.latency = LatencyParams{};
    p.latency_source =
        "published timings: podman PR 12184's CRIU stats (~330 MiB/s), a few hundred ms of fixed "
        "cost (README, Latency model)";
    all.push_back(p);
  }
  return all;
}

// The current time as runc's logrus lines stamp it (RFC 3339, seconds, UTC).
std::string NowRfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

absl::Status Render(const ProfileText& text, const TextArgs& a) {
  std::string out = absl::StrReplaceAll(
      text.text,
      {{"{id}", a.id},
       {"{full_id}", a.full_id.empty() ? a.id : a.full_id},
       {"{location}", a.location},
       {"{state}", a.state},
       {"{method}", a.method},
       {"{error}", a.error},
       {"{now}",
        std::string(text.text).find("{now}") != std::string::npos ? NowRfc3339() : std::string()}});
  return absl::Status(text.code, out);
}

const std::vector<RuntimeProfile>& AllRuntimeProfiles() {
  static const std::vector<RuntimeProfile>* profiles =
      new std::vector<RuntimeProfile>(MakeProfiles());
  return *profiles;
}

const RuntimeProfile* FindRuntimeProfile(const std::string& name) {
  for (const RuntimeProfile& p : AllRuntimeProfiles()) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

std::string RuntimeProfileNames() {
  std::vector<std::string> names;
  for (const RuntimeProfile& p : AllRuntimeProfiles()) names.push_back(p.name);
  return absl::StrJoin(names, ", ");
}

}  // namespace fakecri
