// The metrics the Kubernetes node e2e test reads around one checkpoint:
// kubelet_runtime_operations_total and kubelet_runtime_operations_errors_total
// for operation_type="checkpoint_container" move by exactly 1 and 0.

#include <sstream>

#include "conformance/framework/checks.h"
#include "conformance/framework/requirement.h"

namespace conformance {
namespace {

struct Counts {
  double total = 0, errors = 0;
};

Counts ReadCounts(TestContext& t) {
  HttpResult r = Send(t, "GET", "/metrics");
  t.Check(r.sent && r.status == 200, "GET /metrics answered " + r.Describe() +
                                         ", want 200 (the credentials need get on nodes/metrics)");
  return {CheckpointOperationSamples(r.body, "kubelet_runtime_operations_total"),
          CheckpointOperationSamples(r.body, "kubelet_runtime_operations_errors_total")};
}

std::string Num(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

void OneCheckpointMovesCounters(TestContext& t) {
  const ContainerRef& c = t.endpoint().ContainerFor(t.id());
  Counts before = ReadCounts(t);
  CheckpointOrSkip(t, c);
  Counts after = ReadCounts(t);
  t.Check(after.total - before.total == 1,
          "kubelet_runtime_operations_total{operation_type=\"checkpoint_container\"} went from " +
              Num(before.total) + " to " + Num(after.total) + " over one checkpoint, want +1");
  t.Check(after.errors == before.errors,
          "kubelet_runtime_operations_errors_total{operation_type=\"checkpoint_container\"} went "
          "from " +
              Num(before.errors) + " to " + Num(after.errors) +
              " over one good checkpoint, want +0");
}

// The kubelet rejects a negative timeout inside its instrumented CRI call
// (kuberuntime/instrumented_services.go CheckpointContainer records the
// operation, then remote_runtime.go refuses the value): the operation and its
// error are counted, though nothing reaches the runtime.
void NegativeTimeoutCountedAsError(TestContext& t) {
  const ContainerRef& c = t.endpoint().main;
  Counts before = ReadCounts(t);
  HttpResult r = PostCheckpoint(t, c, "?timeout=-1");
  t.Check(r.sent && r.status == 500,
          "POST " + c.Path() + "?timeout=-1 answered " + r.Describe() + ", want 500");
  Counts after = ReadCounts(t);
  t.Check(after.total - before.total == 1 && after.errors - before.errors == 1,
          "over one checkpoint with timeout=-1, kubelet_runtime_operations_total and _errors_total"
          "{operation_type=\"checkpoint_container\"} went from " +
              Num(before.total) + " and " + Num(before.errors) + " to " + Num(after.total) +
              " and " + Num(after.errors) +
              ", want +1 and +1 (the kubelet refuses the value inside its instrumented call)");
}

}  // namespace

void AddMetricsRequirements(Requirements* out) {
  out->push_back(
      {"metrics.checkpoint-counted-once-without-error",
       "one checkpoint moves kubelet_runtime_operations_total{checkpoint_container} by 1 and "
       "its errors_total by 0, on /metrics",
       kNeedsEndpoint, true, false, OneCheckpointMovesCounters});
  out->push_back(
      {"metrics.negative-timeout-counted-as-error",
       "a checkpoint with timeout=-1 moves kubelet_runtime_operations_total and "
       "_errors_total{checkpoint_container} by 1 each: the kubelet refuses it inside its "
       "instrumented CRI call",
       kNeedsEndpoint, true, false, NegativeTimeoutCountedAsError});
}

}  // namespace conformance
