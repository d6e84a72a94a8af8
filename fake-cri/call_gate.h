#ifndef FAKE_CRI_CALL_GATE_H_
#define FAKE_CRI_CALL_GATE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "fake-cri/clock.h"
#include "fake-cri/counters.h"
#include "fake-cri/fault_rules.h"
#include "fake-cri/store.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"

namespace fakecri {

// The CRI methods fake-cri serves (every method of our runtime.v1 proto), in
// the order the services declare them. Fault rules may name only these.
const std::vector<std::string>& ServedCriMethods();

// absl::Status -> grpc::Status; the codes are the same numbers.
grpc::Status ToGrpc(const absl::Status& s);

// One CRI call as it passes the gate: when it arrived, and the archive faults
// the rules decided for it (CheckpointContainer only).
struct GateCall {
  const char* method;
  SteadyTime received;
  ArchiveFaults archive;
  grpc::ServerContext* ctx;
};

// Every CRI call, of the runtime and of the image service alike, goes through
// Serve: it is counted, the fault rules are consulted once, and the call-level
// effects are applied here and nowhere else, in this order: `latency` (the
// call starts that much later), `hang` (no answer until the client's deadline,
// then DEADLINE_EXCEEDED), an error effect (answered instead of the body).
// Then the body runs (with the archive effects in hand), and the outcome is
// logged at debug level. Thread-safe.
class CallGate {
 public:
  CallGate(FaultRules* faults, Counters* counters, Clock* clock, const Store* store)
      : faults_(faults), counters_(counters), clock_(clock), store_(store) {}

  // `container_id`: the id the request names, "" for calls that name none
  // (rules may name a container by id or by name).
  template <typename Body>
  grpc::Status Serve(grpc::ServerContext* ctx, const char* method, const std::string& container_id,
                     Body body) {
    GateCall call{method, clock_->Now(), {}, ctx};
    absl::Status result = Enter(container_id, &call);
    if (result.ok()) result = body(static_cast<const GateCall&>(call));
    return Leave(call, container_id, result);
  }

 private:
  absl::Status Enter(const std::string& container_id, GateCall* call);
  grpc::Status Leave(const GateCall& call, const std::string& container_id,
                     const absl::Status& result);

  FaultRules* faults_;
  Counters* counters_;
  Clock* clock_;
  const Store* store_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_CALL_GATE_H_
