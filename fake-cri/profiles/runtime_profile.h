#ifndef FAKE_CRI_PROFILES_RUNTIME_PROFILE_H_
#define FAKE_CRI_PROFILES_RUNTIME_PROFILE_H_

// The real runtimes fake-cri can behave as, one table entry per version
// family (runtime_profiles.cc). Code asks the entry; it never tests a name.
// Every text, code and semantic comes from the runtime's source at a named tag
// or from a measurement on a real runtime; the entry says which
// (docs/runtime-profiles.md has the whole table with its sources).

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fake-cri/archive/layout.h"
#include "fake-cri/latency_model.h"

namespace fakecri {

// An error a runtime answers with: its gRPC code and its message, where
// {id} is the container id as the request gave it, {location} the checkpoint
// location, {state} the container's state (CONTAINER_EXITED, ...), {method}
// the CRI method, {error} the underlying error's own text (e.g. Go's
// "open <location>: no such file or directory"), {full_id} the id the runtime
// resolved it to, and {now} the time as runc's log lines stamp it.
struct ProfileText {
  absl::StatusCode code = absl::StatusCode::kUnknown;
  const char* text = "";
  const char* source = "";  // where it comes from: repo path@tag (function), or a measurement
};

// The values a ProfileText's placeholders take.
struct TextArgs {
  std::string id, location, state, method, error;
  std::string full_id;  // "" = the same as id
};
absl::Status Render(const ProfileText& text, const TextArgs& args);

// How a runtime answers CheckpointContainer at all.
enum class CheckpointSupport {
  kMethodMissing,   // the gRPC server has no such method (grpc-go's unknown-method text)
  kNotImplemented,  // the method exists and answers Unimplemented
  kCriu,            // checkpoints through CRIU; answers `no_criu` when CRIU is absent
  kSimulated,       // the reference profile: no CRIU involved
};

// How the archive reaches the location.
enum class ArchiveWrite {
  // As CRI-O and containerd 2.x: the location is opened O_RDWR|O_CREAT 0600
  // (no O_TRUNC, no O_NOFOLLOW) after the dump and written in place; see
  // archive/in_place_file.h. Errors opening it come after the dump's time.
  kInPlace,
  // Beyond any real runtime (the reference profile): an unnamed temporary file,
  // fsynced, linked to the location only when complete, never replacing an
  // existing file or following a symlink, nothing left on failure; the
  // location must be absolute and its directory must exist.
  kAtomic,
};

// A second CheckpointContainer for a container that is being checkpointed.
enum class SameContainer {
  kRunTogether,  // both proceed (containerd: 16 of 22 measured pairs both OK)
  kWait,         // the second waits for the first (the reference profile)
  kRefuse,       // the second fails at once with `busy`
};

struct RuntimeVersion {
  const char* version = "0.1.0";  // the CRI's kubeAPIVersion
  const char* runtime_name = "";
  const char* runtime_version = "";
  const char* runtime_api_version = "v1";
  const char* source = "";
};

struct RuntimeProfile {
  const char* name;    // what --runtime-profile takes
  const char* covers;  // the releases it stands for
  RuntimeVersion version;

  CheckpointSupport support;
  ProfileText unsupported;  // kMethodMissing and kNotImplemented: every checkpoint
  ProfileText no_criu;      // kCriu with --criu=false
  // The CRIU check comes before the container lookup (an unknown id then gets
  // `no_criu` too).
  bool criu_checked_first;
  ProfileText unknown_id;
  ProfileText not_running;
  ProfileText open_failed;   // opening the location failed; {error} is Go's PathError text
  ProfileText write_failed;  // writing the archive failed; {error} likewise
  ProfileText busy;          // SameContainer::kRefuse, and the `busy` fault
  SameContainer same_container;

  ArchiveWrite write;
  // Whether CheckpointContainerRequest.timeout bounds the checkpoint (only the
  // reference profile; real runtimes ignore it and a negative one too).
  bool honours_request_timeout;
  // Whether the checkpoint stops when the client's deadline passes or it goes
  // away. Real runtimes keep going and finish the archive after the caller
  // has been told DEADLINE_EXCEEDED.
  bool stops_at_deadline;

  ArchiveFlavor layout;
  LatencyParams latency;
  const char* latency_source;
};

// The profile fake-cri behaves as when none is chosen: containerd-2.1 (see
// docs/runtime-profiles.md for why).
inline constexpr char kDefaultRuntimeProfile[] = "containerd-2.1";

const std::vector<RuntimeProfile>& AllRuntimeProfiles();
// nullptr when there is no such profile.
const RuntimeProfile* FindRuntimeProfile(const std::string& name);
// "containerd-1.6.0, containerd-1.6.9, ..., reference", for error messages.
std::string RuntimeProfileNames();

}  // namespace fakecri

#endif  // FAKE_CRI_PROFILES_RUNTIME_PROFILE_H_
