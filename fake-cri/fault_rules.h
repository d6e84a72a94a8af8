#ifndef FAKE_CRI_FAULT_RULES_H_
#define FAKE_CRI_FAULT_RULES_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace fakecri {

// What an injected fault does. The JSON spelling of each is in kFaultEffectNames
// and fixtures/README.md.
enum class FaultEffect {
  // Answers with an error status.
  kUnimplementedUnknownMethod,  // gRPC server without the method (containerd 1.6.0-1.6.8)
  kUnimplemented,               // containerd 1.6.9-1.7.x
  kCrioNoCriu,                  // CRI-O without CRIU
  kContainerdNoCriu,            // containerd 2.0-2.3 without CRIU
  kContainerd24NoCriu,          // containerd 2.2.7+, 2.3.4+, 2.4 without CRIU
  kNotFound,                    // CRI-O's unknown-container text
  kNotRunning,                  // containerd's not-running text
  kCheckpointConflict,          // containerd's text for two checkpoints of one container at once
  kError,                       // any code and message
  // Changes timing.
  kLatency,  // adds `latency` to the call (to the modelled time for checkpoints)
  kHang,     // never answers; the call ends at its deadline
  // Breaks the archive write (CheckpointContainer only).
  kDiskFull,  // the writer sees ENOSPC after `after_bytes`
  kCrash,     // the runtime process dies after writing `after_bytes`
  // Non-conformant archives (CheckpointContainer only), for conformance meta-tests.
  kArchiveMode0644,
  kNoArchive,
  kArchiveElsewhere,
  kNotATar,
  kMissingEntry,  // leaves out `entry`
};

// One configured fault. A rule matches a call when its method and container
// match; it then fires always, on the `nth` matching call only, or with
// `probability` (drawn from its own generator seeded with `seed`).
struct FaultRule {
  std::string method;     // CRI method name; "" or "*" = every method
  std::string container;  // container id or name; "" or "*" = every container
  FaultEffect effect = FaultEffect::kError;
  int code = 2;              // kError: gRPC code (number or name in JSON). Default: Unknown
  std::string message;       // kError
  int64_t latency_ns = 0;    // kLatency
  uint64_t after_bytes = 0;  // kDiskFull, kCrash
  std::string entry;         // kMissingEntry: spec.dump, config.dump or checkpoint/inventory.img
  uint64_t nth = 0;          // 0 = not nth-triggered
  double probability = 1;    // 1 = always
  uint64_t seed = 1;

  nlohmann::json ToJson() const;
};

// Parses a rule from its JSON form; errors name `path` and the key.
absl::StatusOr<FaultRule> ParseFaultRule(const nlohmann::json& json, const std::string& path);
// Parses the flag form `effect=hang,method=CheckpointContainer,nth=2`. Errors
// give the reason ("\"oops\" is not key=value", "--fault.nth: ..."); the caller
// names the text.
absl::StatusOr<FaultRule> ParseFaultFlag(const std::string& text);
// "Unimplemented", "DeadlineExceeded", ... as grpc-go spells them; or a number.
absl::StatusOr<int> ParseGrpcCode(const nlohmann::json& value);

// What the archive-breaking rules decided for one CheckpointContainer call: the
// Checkpointer applies them while it writes.
struct ArchiveFaults {
  std::optional<uint64_t> disk_full_after;
  std::optional<uint64_t> crash_after;
  bool mode_0644 = false;
  bool no_archive = false;
  bool elsewhere = false;
  bool not_a_tar = false;
  std::vector<std::string> missing_entries;
};

// What the rules decided for one call. The call-level effects (error, latency,
// hang) are applied by the CallGate for every method alike; the archive ones
// are handed to the Checkpointer.
struct FaultDecision {
  std::optional<absl::Status> error;  // the first error effect that fired
  int64_t extra_latency_ns = 0;
  bool hang = false;
  ArchiveFaults archive;
  int fired = 0;
};

// The rule set of one runtime: added from the fixture, flags, annotations and the
// control service; consulted on every CRI call. Thread-safe.
class FaultRules {
 public:
  struct RuleState {
    std::string id;
    FaultRule rule;
    uint64_t matched = 0;
    uint64_t injected = 0;
  };

  // `methods`: the CRI methods the runtime serves; a rule naming another method
  // is refused (a misspelt method would otherwise never fire). Empty: any name.
  explicit FaultRules(std::vector<std::string> methods = {}) : methods_(std::move(methods)) {}

  // Adds a rule; answers its id ("f1", "f2", ...). A method the runtime does
  // not serve, and archive effects on a method other than CheckpointContainer,
  // are refused.
  absl::StatusOr<std::string> Add(FaultRule rule);
  // Removes one rule (id) or all (""); answers how many were removed.
  int Clear(const std::string& id);
  // Removes the rules that name this container id (its own, from the fixture or
  // annotations), when the container is removed.
  void ClearForContainer(const std::string& container_id);
  std::vector<RuleState> List() const;
  uint64_t InjectedTotal() const;

  // Consults the rules for a call to `method` on a container (empty id and name
  // for calls that name no container). Counts every match and every injection.
  FaultDecision Decide(const std::string& method, const std::string& container_id,
                       const std::string& container_name);

 private:
  struct Entry {
    RuleState state;
    std::unique_ptr<std::mt19937_64> rng;
  };
  const std::vector<std::string> methods_;
  mutable std::mutex mu_;
  std::vector<Entry> rules_;
  uint64_t next_id_ = 1;
  uint64_t injected_total_ = 0;
};

// The error an error effect answers with: the text of the runtime profile it
// names (unimplemented-unknown-method: containerd-1.6.0, unimplemented:
// containerd-1.6.9, crio-no-criu and not-found: cri-o, containerd-no-criu,
// not-running and checkpoint-conflict: containerd-2.1, containerd-2.4-no-criu:
// containerd-2.4).
absl::Status FaultError(const FaultRule& rule, const std::string& method,
                        const std::string& container_id);

}  // namespace fakecri

#endif  // FAKE_CRI_FAULT_RULES_H_
