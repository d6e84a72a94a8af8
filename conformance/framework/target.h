#ifndef CONFORMANCE_FRAMEWORK_TARGET_H_
#define CONFORMANCE_FRAMEWORK_TARGET_H_

// What the suite runs against: an endpoint (ours, or a kubelet), a CRI runtime
// (ours, or a vendor's), or both (the bundled stack). Filled in once before the
// tests start; read-only afterwards, so tests may share it across threads.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/framework/fake_cri_control.h"

namespace conformance {

// A container as the checkpoint API names it.
struct ContainerRef {
  std::string ns, pod, name;

  // "ns/pod/name", as the endpoint's 500 texts spell it.
  std::string Slash() const { return ns + "/" + pod + "/" + name; }
  // "/checkpoint/ns/pod/name".
  std::string Path() const { return "/checkpoint/" + Slash(); }
};

// One identity: a bearer token, or a client certificate and key (PEM files),
// or neither (anonymous).
struct Credentials {
  std::string token;
  std::string cert_file, key_file;
  std::string user;  // the name the endpoint knows it by, when known ("" otherwise)

  bool empty() const { return token.empty() && cert_file.empty(); }
};

// What the suite learnt about the node before the tests: its kubelet version,
// whether the checkpoint route exists at all, whether requests without
// credentials are anonymous ones. Filled by ProbeEndpoint (target_probe.h).
struct KubeletFacts {
  std::optional<int> minor;    // the version judged as; nullopt: accept every version's forms
  std::string version_source;  // "--kubelet-version", "kubernetes_build_info on /metrics", ...
  bool api_registered = true;  // false: POST /checkpoint/... answers Go's "404 page not found"
  std::string api_absent_answer;
  bool anonymous = false;  // a request without credentials is user system:anonymous
  std::string anonymous_answer;
};

struct EndpointTarget {
  std::string url;  // https://host:port (or http:// for an --insecure-http endpoint)
  std::string ca_file;
  bool insecure_skip_tls_verify = false;

  Credentials allowed;  // may create nodes/checkpoint (and get it, and nodes/metrics)
  Credentials denied;   // authenticated, not allowed; empty: the 403 test skips

  // The endpoint's --root-dir: archive names start with <root_dir>/checkpoints/.
  std::string root_dir = "/var/lib/kubelet";
  // The endpoint's --runtime-request-timeout.
  std::chrono::nanoseconds runtime_request_timeout = std::chrono::minutes(2);
  // An archive's time stamp may be this far outside the request's time window
  // (the node's clock against ours).
  std::chrono::seconds max_clock_skew{0};
  // The endpoint runs on this machine, in this time zone: the stamp's offset
  // must be this machine's local one.
  bool same_host = false;

  ContainerRef main;                        // a running container to checkpoint
  std::vector<ContainerRef> others;         // more running containers, for concurrency
  std::optional<ContainerRef> not_running;  // an exited (or created) container
  std::string gate_disabled_url;            // the same node with ContainerCheckpoint=false
  // --expect-enabled: a node without the checkpoint route fails, not skips.
  bool expect_enabled = false;
  KubeletFacts kubelet;

  // A container of its own for each test that sets faults, by test id; the
  // bundled stack provides them. Missing: such tests use `main` and run alone.
  std::map<std::string, ContainerRef> dedicated;
  bool has_dedicated_containers() const { return !dedicated.empty(); }
  // The container a test should use: its own, or `main`.
  const ContainerRef& ContainerFor(const std::string& test_id) const {
    auto it = dedicated.find(test_id);
    return it == dedicated.end() ? main : it->second;
  }

  std::string CheckpointsDir() const { return root_dir + "/checkpoints"; }
};

struct RuntimeTarget {
  std::string endpoint;  // unix:///path.sock
  std::string image;     // what the suite's own containers run
  std::string runtime_handler;
  // Where the checkpoint locations go: a directory both the runtime and the
  // suite see at this path (the runtime may run in another mount namespace).
  std::string checkpoint_dir = "/tmp";
};

struct Target {
  std::string description;  // for the report: "bundled stack", "endpoint https://..."
  std::optional<EndpointTarget> endpoint;
  std::optional<RuntimeTarget> runtime;
  // The fake-cri behind the endpoint or at the runtime socket, when we can set
  // its faults.
  std::unique_ptr<FakeCriControl> control;
};

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_TARGET_H_
