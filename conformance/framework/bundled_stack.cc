#include "conformance/framework/bundled_stack.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/units.h"
#include "endpoint/auth/testing/tls_pairs.h"
#include "endpoint/endpoint.h"
#include "fake-cri/clock.h"
#include "fake-cri/flags.h"
#include "fake-cri/server.h"
#include "nlohmann/json.hpp"

namespace conformance {
namespace {

constexpr char kNamespace[] = "conformance";
constexpr char kPod[] = "checkpoint-target";
constexpr char kAllowedUser[] = "conformance:allowed";
constexpr char kDeniedUser[] = "conformance:denied";
constexpr int kConcurrentContainers = 4;

// The container a test gets in the bundled fixture: its id, DNS-label style.
std::string ContainerNameFor(const std::string& test_id) {
  std::string name;
  for (char c : test_id) name += (c == '.' || c == '_') ? '-' : c;
  return name;
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError("cannot create " + path);
  ssize_t n = ::write(fd, text.data(), text.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) return absl::InternalError("cannot write " + path);
  return absl::OkStatus();
}

}  // namespace

struct BundledStack::Parts {
  std::string dir;
  fakecri::RealClock fake_clock;
  endpoint::RealClock endpoint_clock;
  std::unique_ptr<fakecri::FakeCriServer> fake_cri;
  std::unique_ptr<endpoint::Endpoint> endpoint, gate_off;
  endpoint::Config config;
  std::string socket, allowed_token, denied_token;
  std::vector<std::string> test_containers, concurrent;

  ~Parts() {
    if (gate_off) gate_off->Shutdown(std::chrono::seconds(1));
    if (endpoint) endpoint->Shutdown(std::chrono::seconds(1));
    gate_off.reset();
    endpoint.reset();
    if (fake_cri) {
      fake_cri->Shutdown();
      fake_cri->Wait();
    }
    fake_cri.reset();
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
};

BundledStack::BundledStack(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
BundledStack::~BundledStack() = default;

absl::StatusOr<std::unique_ptr<BundledStack>> BundledStack::Start(
    const Requirements& requirements, const std::vector<std::string>& extra_fake_cri_flags,
    const std::vector<std::string>& extra_endpoint_flags) {
  auto p = std::make_unique<Parts>();
  char tmpl[] = "/tmp/checkpoint-conformance.XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return absl::InternalError("cannot make a temp dir in /tmp");
  p->dir = tmpl;
  p->socket = "unix://" + p->dir + "/fake-cri.sock";

  // The node: one pod, a running container per test that checkpoints, a few
  // for the concurrency test, one exited container. No modelled latency: the
  // timeout tests add theirs with faults.
  nlohmann::json containers = nlohmann::json::array();
  auto add = [&](const std::string& name, const char* state) {
    containers.push_back({{"name", name},
                          {"image", "docker.io/library/busybox:latest"},
                          {"command", {"sleep", "3600"}},
                          {"state", state},
                          {"working_set_bytes", "1Mi"}});
  };
  add("main", "running");
  for (const auto& r : requirements) {
    if (!(r.needs & kNeedsEndpoint)) continue;
    p->test_containers.push_back(r.id);
    add(ContainerNameFor(r.id), "running");
  }
  for (int i = 1; i < kConcurrentContainers; ++i) {
    p->concurrent.push_back("concurrent-" + std::to_string(i));
    add(p->concurrent.back(), "running");
  }
  add("exited-job", "exited");
  nlohmann::json fixture_json = {
      {"runtime", {{"checkpoint", {{"fixed_cost", "0s"}, {"throughput", "1Gi"}}}}},
      {"pods", {{{"namespace", kNamespace}, {"name", kPod}, {"containers", containers}}}}};
  auto fixture = fakecri::ParseFixture(fixture_json.dump(), "<conformance fixture>");
  if (!fixture.ok()) return fixture.status();

  std::vector<std::string> fake_args = {"--listen", p->socket};
  fake_args.insert(fake_args.end(), extra_fake_cri_flags.begin(), extra_fake_cri_flags.end());
  auto flags = fakecri::ParseFlags(fake_args);
  if (!flags.ok())
    return absl::InvalidArgumentError("--fake-cri-flag: " + std::string(flags.status().message()));
  auto options = fakecri::MergeOptions(*flags, &*fixture);
  if (!options.ok())
    return absl::InvalidArgumentError("--fake-cri-flag: " +
                                      std::string(options.status().message()));
  auto server = fakecri::FakeCriServer::Start(*options, &p->fake_clock, fakecri::RealFileOps());
  if (!server.ok()) return server.status();
  p->fake_cri = std::move(*server);

  // Who may do what: one allowed user (token), one authenticated user with no
  // rule (token), client certificates from a CA of our own.
  p->allowed_token = "conformance-allowed-" + kit::NewId();
  p->denied_token = "conformance-denied-" + kit::NewId();
  std::string tokens = p->dir + "/tokens.csv", policy = p->dir + "/policy.json",
              client_ca = p->dir + "/client-ca.crt";
  absl::Status s = WriteFile(tokens, p->allowed_token + "," + kAllowedUser + ",1001\n" +
                                         p->denied_token + "," + kDeniedUser + ",1002\n");
  if (s.ok()) {
    s = WriteFile(
        policy,
        nlohmann::json{
            {"rules", {{{"users", {kAllowedUser}}, {"verbs", {"*"}}, {"subresources", {"*"}}}}}}
            .dump());
  }
  if (s.ok())
    s = WriteFile(client_ca, endpoint::testing::TlsTestCa("conformance client CA").ca_pem());
  if (!s.ok()) return s;

  std::vector<std::string> args = {
      "--container-runtime-endpoint",
      p->socket,
      "--root-dir",
      p->dir + "/kubelet",
      "--cert-dir",
      p->dir + "/pki",
      "--address",
      "127.0.0.1",
      "--port",
      "0",
      "--hostname-override",
      "conformance-node",
      "--token-auth-file",
      tokens,
      "--client-ca-file",
      client_ca,
      "--authorization-mode",
      "Policy",
      "--authorization-policy-file",
      policy,
      // Short, so that the deadline tests take seconds, not minutes.
      "--runtime-request-timeout",
      "3s",
      "--shutdown-grace-period",
      "1s",
  };
  args.insert(args.end(), extra_endpoint_flags.begin(), extra_endpoint_flags.end());
  auto config = endpoint::ParseConfig(args);
  if (!config.ok())
    return absl::InvalidArgumentError("--endpoint-flag: " + std::string(config.status().message()));
  p->config = *config;
  auto ep = endpoint::Endpoint::Start(p->config, &p->endpoint_clock);
  if (!ep.ok()) return ep.status();
  p->endpoint = std::move(*ep);

  endpoint::Config gate_off = p->config;
  gate_off.checkpoint_gate = false;
  auto off = endpoint::Endpoint::Start(gate_off, &p->endpoint_clock);
  if (!off.ok()) return off.status();
  p->gate_off = std::move(*off);
  return std::unique_ptr<BundledStack>(new BundledStack(std::move(p)));
}

void BundledStack::Describe(Target* target) const {
  const Parts& p = *parts_;
  target->description = "the bundled stack (fake-cri + endpoint, " + p.dir + ")";
  EndpointTarget e;
  std::string scheme = p.config.insecure_http ? "http://" : "https://";
  e.url = scheme + "127.0.0.1:" + std::to_string(p.endpoint->port());
  e.ca_file = p.endpoint->cert_file();
  e.allowed = Credentials{p.allowed_token, "", "", kAllowedUser};
  e.denied = Credentials{p.denied_token, "", "", kDeniedUser};
  e.root_dir = p.config.root_dir;
  e.runtime_request_timeout = p.config.runtime_request_timeout;
  e.same_host = true;
  e.main = ContainerRef{kNamespace, kPod, "main"};
  for (const auto& name : p.concurrent) e.others.push_back(ContainerRef{kNamespace, kPod, name});
  e.not_running = ContainerRef{kNamespace, kPod, "exited-job"};
  e.gate_disabled_url = scheme + "127.0.0.1:" + std::to_string(p.gate_off->port());
  for (const auto& id : p.test_containers) {
    e.dedicated[id] = ContainerRef{kNamespace, kPod, ContainerNameFor(id)};
  }
  target->endpoint = e;
  target->runtime = RuntimeTarget{p.socket, "docker.io/library/busybox:latest", "", p.dir};
  target->control = std::make_unique<FakeCriControl>(p.socket);
}

}  // namespace conformance
