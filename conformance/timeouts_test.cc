// The timeout query parameter against the runtime request timeout D
// (endpoint/README.md, "One request", steps 7 and 10): last value wins; a value
// at or below D leaves the deadline at D; a larger one lengthens it; past the
// deadline the answer is 500 DeadlineExceeded. The slow checkpoints are made
// with fake-cri latency faults relative to D (3s in the bundled stack).

#include <algorithm>
#include <chrono>
#include <string>

#include "conformance/framework/checks.h"
#include "conformance/framework/requirement.h"

namespace conformance {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

std::string GoDuration(nanoseconds d) {
  return std::to_string(duration_cast<milliseconds>(d).count()) + "ms";
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// D in whole seconds, rounded up.
long long DSeconds(const EndpointTarget& e) {
  return (e.runtime_request_timeout.count() + 999999999) / 1000000000;
}

void SlowCheckpoint(TestContext& t, const ContainerRef& c, nanoseconds latency) {
  t.InjectFault(
      c,
      {{"effect", "latency"}, {"method", "CheckpointContainer"}, {"latency", GoDuration(latency)}});
}

void DeadlineExceeded(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  const ContainerRef& c = e.ContainerFor(t.id());
  SlowCheckpoint(t, c, e.runtime_request_timeout + seconds(2));
  HttpResult r = PostCheckpoint(t, c);
  // The endpoint's own deadline renders as grpc-go's "context deadline
  // exceeded"; the runtime, told the same timeout, may answer DeadlineExceeded
  // a moment earlier in its own words. Both are the deadline.
  std::string prefix =
      "checkpointing of " + c.Slash() + " failed (rpc error: code = DeadlineExceeded desc = ";
  t.Check(r.sent && r.status == 500 && r.body.rfind(prefix, 0) == 0 && r.body.back() == ')',
          "POST " + c.Path() + " (checkpoint slower than the runtime request timeout) answered " +
              r.Describe() + ", want 500 \"" + prefix + "context deadline exceeded)\"");
  if (r.body != prefix + "context deadline exceeded)")
    t.Note("the runtime's deadline answered first: " + r.body);
  auto took = r.finished - r.started;
  t.Check(took + milliseconds(50) >= e.runtime_request_timeout,
          "the 500 came after " + std::to_string(Seconds(took)) +
              "s, before the runtime request timeout " + GoDuration(e.runtime_request_timeout));
}

// A checkpoint of `latency` asked with ?timeout=<timeout_seconds> must succeed.
void ExpectSlowCheckpointSucceeds(TestContext& t, nanoseconds latency, long long timeout_seconds,
                                  const std::string& rule) {
  const EndpointTarget& e = t.endpoint();
  const ContainerRef& c = e.ContainerFor(t.id());
  SlowCheckpoint(t, c, latency);
  std::string query = "?timeout=" + std::to_string(timeout_seconds);
  HttpResult r = PostCheckpoint(t, c, query);
  if (auto text = CannotCheckpointText(r, c)) {
    // Its answer came after the whole latency, not a DeadlineExceeded: the
    // deadline held, which is what is checked here.
    t.Note("the runtime cannot checkpoint (" + *text + "), and answered after the whole latency");
    return;
  }
  t.Check(r.sent && r.status == 200, "POST " + c.Path() + query + " of a checkpoint taking " +
                                         GoDuration(latency) + " (runtime request timeout " +
                                         GoDuration(e.runtime_request_timeout) + ") answered " +
                                         r.Describe() + ", want 200: " + rule);
}

void ShorterValueDoesNotShorten(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  // A checkpoint longer than the timeout, shorter than D.
  ExpectSlowCheckpointSucceeds(t, e.runtime_request_timeout / 2, std::max(1LL, DSeconds(e) / 4),
                               "a timeout below the runtime request timeout must not shorten it");
}

void LongerValueLengthens(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  ExpectSlowCheckpointSucceeds(t, e.runtime_request_timeout + seconds(2), DSeconds(e) + 4,
                               "a larger timeout must lengthen the deadline");
}

void LastValueWins(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  const ContainerRef& c = e.ContainerFor(t.id());
  // Parsing looks at the last value only ...
  ExpectAnswer(t, "POST " + c.Path() + "?timeout=1&timeout=abc",
               PostCheckpoint(t, c, "?timeout=1&timeout=abc"), 404,
               "cannot parse value of timeout parameter");
  // ... and so does the deadline: with a fake-cri, make the checkpoint outlast
  // the first value and D.
  std::string longer = std::to_string(DSeconds(e) + 4);
  if (t.target().control) SlowCheckpoint(t, c, e.runtime_request_timeout + seconds(2));
  std::string query = "?timeout=abc&timeout=1&timeout=" + longer;
  HttpResult r = PostCheckpoint(t, c, query);
  if (CannotCheckpointText(r, c)) {
    t.Note("the runtime cannot checkpoint; only the parsing half was checked");
    return;
  }
  t.Check(r.sent && r.status == 200, "POST " + c.Path() + query + " answered " + r.Describe() +
                                         ", want 200 (the last value, " + longer + "s, in force)");
}

}  // namespace

void AddTimeoutRequirements(Requirements* out) {
  out->push_back(
      {"timeouts.500-deadline-exceeded",
       "a checkpoint that outlasts the runtime request timeout answers 500 \"checkpointing "
       "of ... failed (rpc error: code = DeadlineExceeded desc = context deadline "
       "exceeded)\" (or the runtime's own DeadlineExceeded text), not before that timeout",
       kNeedsEndpoint | kNeedsControl, false, true, DeadlineExceeded});
  out->push_back({"timeouts.shorter-value-does-not-shorten",
                  "a timeout below the runtime request timeout does not shorten the deadline",
                  kNeedsEndpoint | kNeedsControl, false, true, ShorterValueDoesNotShorten});
  out->push_back({"timeouts.longer-value-lengthens",
                  "a timeout above the runtime request timeout lengthens the deadline to it",
                  kNeedsEndpoint | kNeedsControl, false, true, LongerValueLengthens});
  out->push_back({"timeouts.last-value-wins",
                  "with several timeout values the last one is parsed and used", kNeedsEndpoint,
                  false, true, LastValueWins});
}

}  // namespace conformance
