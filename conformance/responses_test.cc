// Response codes and texts of POST /checkpoint/{namespace}/{pod}/{container}:
// endpoint/README.md ("One request", the kubelet's order of checks), steps 1 and 4 to 12.

#include <chrono>
#include <ctime>

#include "conformance/framework/archive_name.h"
#include "conformance/framework/checks.h"
#include "conformance/framework/kubelet_forms.h"
#include "conformance/framework/requirement.h"

namespace conformance {
namespace {

using std::chrono::system_clock;

void Answers200WithArchivePath(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  const ContainerRef& c = e.ContainerFor(t.id());
  std::time_t before = system_clock::to_time_t(system_clock::now());
  HttpResult r = PostCheckpoint(t, c);
  std::time_t after = system_clock::to_time_t(system_clock::now());
  if (auto text = CannotCheckpointText(r, c)) t.Skip("the runtime cannot checkpoint: " + *text);
  t.Check(r.sent && r.status == 200,
          "POST " + c.Path() + " answered " + r.Describe() + ", want 200");
  std::string type = r.Header("content-type");
  t.Check(type.rfind("application/json", 0) == 0,
          "Content-Type is \"" + type + "\", want application/json");
  std::string why;
  auto path = ParseItems(r.body, &why);
  if (!path) t.Fail("the body " + Quote(r.body) + " is " + why + ", want {\"items\":[\"<path>\"]}");
  ArchiveName name = ParseArchiveName(*path, e.root_dir, c);
  t.Check(name.matches, name.why);
  long skew = static_cast<long>(e.max_clock_skew.count());
  if (name.when < before - skew || name.when > after + skew) {
    char window[128];
    std::snprintf(window, sizeof window, "[%ld, %ld] (seconds since the epoch, skew %lds)",
                  static_cast<long>(before), static_cast<long>(after), skew);
    t.Fail("the stamp " + name.stamp + " (" + std::to_string(name.when) +
           ") is outside the request's time window " + window);
  }
  if (e.same_host) {
    std::string want = LocalOffsetText(name.when);
    bool ok = want == "Z"
                  ? name.stamp.back() == 'Z'
                  : name.stamp.size() > 6 && name.stamp.substr(name.stamp.size() - 6) == want;
    t.Check(ok, "the stamp " + name.stamp + " is not in the node's local time zone (offset " +
                    want + ")");
  }
  t.Note("archive: " + *path);
}

void ApiEnabled(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  if (e.kubelet.api_registered) {
    t.Note("POST /checkpoint/... reaches the checkpoint handler");
    return;
  }
  std::string why = "the node serves no checkpoint API: " + e.kubelet.api_absent_answer +
                    ", Go's answer for an unregistered path. The ContainerCheckpoint feature "
                    "gate is off (off by default before 1.30), or, from 1.33, the kubelet runs "
                    "with --enable-debugging-handlers=false";
  if (e.expect_enabled) t.Fail(why);
  t.Skip(why + " (--expect-enabled makes this a failure)");
}

void GateDisabledIsUnregistered(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  if (e.gate_disabled_url.empty()) {
    t.Skip(
        "needs --gate-disabled-url: the same node started with "
        "--feature-gates=ContainerCheckpoint=false");
  }
  // No credentials: an unregistered path answers before authentication.
  HttpResult r =
      SendRequest(e, e.gate_disabled_url, "POST", e.main.Path(), Credentials{}, t.Remaining());
  // Go's http.NotFound: the text and a newline.
  bool ok = r.sent && r.status == 404 && r.body == "404 page not found\n";
  t.Check(ok, "POST " + e.main.Path() + " without credentials, gate off, answered " + r.Describe() +
                  ", want 404 \"404 page not found\\n\" (Go's http.NotFound, before "
                  "authentication)");
}

void PostCheckpointRootAnswer(TestContext& t) {
  HttpResult r = Send(t, "POST", "/checkpoint");
  ExpectVersioned(t, "POST /checkpoint", r,
                  [](int minor) { return PostCheckpointRoot(minor, true); });
}

void NonJsonAcceptAnswer(TestContext& t) {
  const ContainerRef& c = t.endpoint().main;
  const EndpointTarget& e = t.endpoint();
  // The suite's POSTs carry Content-Length: 0.
  HttpResult r =
      SendRequest(e, e.url, "POST", c.Path(), e.allowed, t.Remaining(), {{"Accept", "text/plain"}});
  ExpectVersioned(t, "POST " + c.Path() + " with Accept: text/plain", r,
                  [](int minor) { return NonJsonAccept(minor, /*content_length_zero=*/true); });
}

void UnknownNamespace(TestContext& t) {
  const ContainerRef& m = t.endpoint().main;
  ContainerRef c{"conformance-no-such-namespace", m.pod, m.name};
  ExpectAnswer(t, "POST " + c.Path(), PostCheckpoint(t, c), 404, "pod does not exist");
}

void UnknownPod(TestContext& t) {
  const ContainerRef& m = t.endpoint().main;
  ContainerRef c{m.ns, "conformance-no-such-pod", m.name};
  ExpectAnswer(t, "POST " + c.Path(), PostCheckpoint(t, c), 404, "pod does not exist");
}

void UnknownContainer(TestContext& t) {
  const ContainerRef& m = t.endpoint().main;
  ContainerRef c{m.ns, m.pod, "conformance-no-such-container"};
  ExpectAnswer(t, "POST " + c.Path(), PostCheckpoint(t, c), 404,
               "container conformance-no-such-container does not exist");
}

void UnparsableTimeout(TestContext& t) {
  const ContainerRef& c = t.endpoint().main;
  // What client-go appends to every request.
  ExpectAnswer(t, "POST " + c.Path() + "?timeout=30s", PostCheckpoint(t, c, "?timeout=30s"), 404,
               "cannot parse value of timeout parameter");
}

void WrongSegmentCount(TestContext& t) {
  const ContainerRef& c = t.endpoint().main;
  std::string path = "/checkpoint/" + c.ns + "/" + c.pod;
  ExpectAnswer(t, "POST " + path, Send(t, "POST", path), 404, "404: Page Not Found");
}

void GetIsNotAllowed(TestContext& t) {
  const ContainerRef& c = t.endpoint().main;
  HttpResult r = Send(t, "GET", c.Path());
  if (r.sent && r.status == 403) {
    t.Skip("the credentials may not get nodes/checkpoint (403 " + Quote(r.body) +
           "): grant it to check 405");
  }
  ExpectAnswer(t, "GET " + c.Path(), r, 405, "405: Method Not Allowed");
  t.Check(r.Header("allow") == "POST",
          "the 405 has Allow: \"" + r.Header("allow") + "\", want \"POST\"");
}

void RuntimeErrorCarriedThrough(TestContext& t) {
  const ContainerRef& c = t.endpoint().ContainerFor(t.id());
  t.InjectFault(c, {{"effect", "error"},
                    {"method", "CheckpointContainer"},
                    {"code", "Internal"},
                    {"message", "conformance: injected runtime failure"}});
  ExpectAnswer(
      t, "POST " + c.Path(), PostCheckpoint(t, c), 500,
      "checkpointing of " + c.Slash() +
          " failed (rpc error: code = Internal desc = conformance: injected runtime failure)");
}

// One real runtime that cannot checkpoint: the fake-cri effect that plays it
// and the text it answers (docs/runtime-profiles.md).
struct Flavour {
  const char* id;
  const char* who;
  const char* effect;
  const char* text;  // "%s": the container id
};
const Flavour kFlavours[] = {
    {"responses.500-unimplemented-containerd-1.6.0", "containerd 1.6.0-1.6.8 (no such method)",
     "unimplemented-unknown-method",
     "rpc error: code = Unimplemented desc = unknown method CheckpointContainer for service "
     "runtime.v1.RuntimeService"},
    {"responses.500-unimplemented-containerd-1.6.9", "containerd 1.6.9-1.7.x", "unimplemented",
     "rpc error: code = Unimplemented desc = method CheckpointContainer not implemented"},
    {"responses.500-unimplemented-crio-without-criu", "CRI-O without CRIU", "crio-no-criu",
     "rpc error: code = Unknown desc = checkpoint/restore support not available"},
    {"responses.500-unimplemented-containerd-2.4-without-criu",
     "containerd 2.2.7+, 2.3.4+ and 2.4 without CRIU", "containerd-2.4-no-criu",
     "rpc error: code = Unknown desc = failed to checkpoint container \"%s\": criu binary not "
     "found in shim path or system PATH"},
    {"responses.500-unimplemented-containerd-2-without-criu", "containerd 2.0-2.3 without CRIU",
     "containerd-no-criu",
     "rpc error: code = Unknown desc = CRIU binary not found or too old (<31600). Failed to "
     "checkpoint container \"%s\": failed to check for criu version: exec: \"criu\": executable "
     "file not found in $PATH"},
};

void FlavourCarriedThrough(TestContext& t, const Flavour& f) {
  const ContainerRef& c = t.endpoint().ContainerFor(t.id());
  auto id = t.control().ContainerId(c);
  if (!id.ok()) t.Fail(std::string(id.status().message()));
  t.InjectFault(c, {{"effect", f.effect}, {"method", "CheckpointContainer"}});
  std::string text = f.text;
  if (auto at = text.find("%s"); at != std::string::npos) text.replace(at, 2, *id);
  HttpResult r = PostCheckpoint(t, c);
  ExpectAnswer(t, "POST " + c.Path() + " (runtime: " + f.who + ")", r, 500,
               "checkpointing of " + c.Slash() + " failed (" + text + ")");
  t.Check(CannotCheckpointText(r, c).has_value(),
          "the suite does not recognise " + Quote(r.body) + " as \"cannot checkpoint\"");
}

void CannotCheckpointIs500(TestContext& t) {
  const ContainerRef& c = t.endpoint().ContainerFor(t.id());
  HttpResult r = PostCheckpoint(t, c);
  if (r.sent && r.status == 200) {
    t.Skip(
        "this runtime checkpoints; the texts of runtimes that cannot are checked against "
        "fake-cri (responses.500-unimplemented-*)");
  }
  auto text = CannotCheckpointText(r, c);
  t.Check(text.has_value(), "POST " + c.Path() + " answered " + r.Describe() +
                                ", want 200, or 500 \"checkpointing of " + c.Slash() +
                                " failed (<a text of a runtime that cannot checkpoint>)\"");
  t.Note("the runtime cannot checkpoint: " + *text);
}

void NegativeTimeout(TestContext& t) {
  const ContainerRef& c = t.endpoint().main;
  ExpectAnswer(t, "POST " + c.Path() + "?timeout=-1", PostCheckpoint(t, c, "?timeout=-1"), 500,
               "checkpointing of " + c.Slash() +
                   " failed (CheckpointContainer requires the timeout value to be > 0)");
}

void ContainerNotRunning(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  if (!e.not_running) t.Skip("needs --not-running-container NS/POD/NAME (an exited container)");
  const ContainerRef& c = *e.not_running;
  ExpectAnswer(t, "POST " + c.Path(), PostCheckpoint(t, c), 500,
               "checkpointing of " + c.Slash() + " failed (container " + c.name + " not found)");
}

}  // namespace

void AddResponseRequirements(Requirements* out) {
  out->push_back({kApiEnabledRequirement,
                  "the node serves the checkpoint API (the ContainerCheckpoint gate is on); when "
                  "it does not, this is the one result, skipped (failed with --expect-enabled), "
                  "and every other endpoint requirement is skipped for it",
                  kNeedsEndpoint, false, false, ApiEnabled});
  out->push_back({"responses.200-items-json-with-archive-path",
                  "a checkpoint answers 200 application/json {\"items\":[path]}, path "
                  "<root>/checkpoints/checkpoint-<pod>_<ns>-<container>-<RFC 3339>.tar stamped "
                  "within the request in the node's time zone",
                  kNeedsEndpoint, false, false, Answers200WithArchivePath});
  out->push_back(
      {"responses.404-gate-disabled",
       "with the ContainerCheckpoint gate off the path is not registered: 404 \"404 page "
       "not found\\n\", before authentication",
       kNeedsEndpoint, false, false, GateDisabledIsUnregistered});
  out->push_back({"responses.404-unknown-namespace",
                  "a namespace with no such pod answers 404 \"pod does not exist\"", kNeedsEndpoint,
                  false, false, UnknownNamespace});
  out->push_back({"responses.404-unknown-pod", "an unknown pod answers 404 \"pod does not exist\"",
                  kNeedsEndpoint, false, false, UnknownPod});
  out->push_back({"responses.404-unknown-container",
                  "an unknown container answers 404 \"container <name> does not exist\"",
                  kNeedsEndpoint, false, false, UnknownContainer});
  out->push_back({"responses.404-unparsable-timeout",
                  "a timeout that is not an integer (client-go's timeout=30s) answers 404 \"cannot "
                  "parse value of timeout parameter\"",
                  kNeedsEndpoint, false, false, UnparsableTimeout});
  out->push_back({"responses.404-wrong-segment-count",
                  "a /checkpoint/ path without three segments answers 404 \"404: Page Not Found\"",
                  kNeedsEndpoint, false, false, WrongSegmentCount});
  out->push_back({"responses.post-checkpoint-root",
                  "POST /checkpoint answers as the kubelet's version does: up to 1.29 404 \"404: "
                  "Page Not Found\" after authentication, from 1.30 301 to /checkpoint/ before it",
                  kNeedsEndpoint, false, false, PostCheckpointRootAnswer});
  out->push_back({"responses.non-json-accept",
                  "a POST that accepts neither application/json nor */* answers as the kubelet's "
                  "go-restful does: 406 \"406: Not Acceptable\\n\\nAvailable representations: "
                  "application/json\" with Content-Length: 0 up to 1.33, 415 \"415: Unsupported "
                  "Media Type...\" from 1.34",
                  kNeedsEndpoint, false, false, NonJsonAcceptAnswer});
  out->push_back({"responses.405-get",
                  "GET answers 405 \"405: Method Not Allowed\" with Allow: POST", kNeedsEndpoint,
                  false, false, GetIsNotAllowed});
  out->push_back({"responses.500-runtime-error-carried-through",
                  "a runtime error answers 500 \"checkpointing of <ns>/<pod>/<container> failed "
                  "(rpc error: code = <Code> desc = <message>)\"",
                  kNeedsEndpoint | kNeedsControl, false, true, RuntimeErrorCarriedThrough});
  for (const Flavour& f : kFlavours) {
    std::string text = f.text;
    if (auto at = text.find("%s"); at != std::string::npos) text.replace(at, 2, "<id>");
    out->push_back({f.id,
                    std::string("a runtime that cannot checkpoint, as ") + f.who +
                        ", answers 500 with its text: " + text,
                    kNeedsEndpoint | kNeedsControl, false, true,
                    [&f](TestContext& t) { FlavourCarriedThrough(t, f); }});
  }
  out->push_back({"responses.500-when-runtime-cannot-checkpoint",
                  "on a runtime that cannot checkpoint, a checkpoint answers 500 with a text the "
                  "node e2e test recognises",
                  kNeedsEndpoint, false, false, CannotCheckpointIs500});
  out->push_back(
      {"responses.500-negative-timeout",
       "timeout=-1 answers 500 \"checkpointing of ... failed (CheckpointContainer requires "
       "the timeout value to be > 0)\"",
       kNeedsEndpoint, false, false, NegativeTimeout});
  out->push_back({"responses.500-container-not-running",
                  "a container that is not running answers 500 \"checkpointing of ... failed "
                  "(container <name> not found)\"",
                  kNeedsEndpoint, false, false, ContainerNotRunning});
}

}  // namespace conformance
