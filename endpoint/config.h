#ifndef ENDPOINT_CONFIG_H_
#define ENDPOINT_CONFIG_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log.h"
#include "endpoint/kubelet_profile.h"

namespace endpoint {

// The endpoint's command line. Flags the kubelet has keep the kubelet's names,
// syntax and defaults (--anonymous-auth keeps the KubeletConfiguration file's
// default, false, rather than the bare flag's, true); the rest are ours, and
// those that protect beyond what a kubelet does are off by default.
struct Config {
  // --kubelet-version: the kubelet minor version answered as (kubelet_profile.h).
  std::string kubelet_version = std::string(kDefaultKubeletVersion);
  std::string container_runtime_endpoint = "unix:///run/containerd/containerd.sock";
  std::string root_dir = "/var/lib/kubelet";
  std::chrono::nanoseconds runtime_request_timeout = std::chrono::minutes(2);
  // --feature-gates=ContainerCheckpoint=...; unset: the version's default
  // (off before 1.30, on from 1.30).
  std::optional<bool> checkpoint_gate;
  // --enable-debugging-handlers; the route needs it from 1.33.
  bool enable_debugging_handlers = true;
  std::string hostname_override;  // default: the host name, lower-cased
  std::string address = "0.0.0.0";
  int port = 10250;
  std::string tls_cert_file, tls_private_key_file;
  // Go cipher suite names; empty: Go's defaults (tls_server_context.h).
  std::vector<std::string> tls_cipher_suites;
  std::string tls_min_version;  // VersionTLS10..13; empty: TLS 1.2
  std::string cert_dir;         // default: <root-dir>/pki
  bool anonymous_auth = false;
  std::string client_ca_file;
  std::string token_auth_file;
  std::string authorization_mode = "AlwaysAllow";  // AlwaysAllow | Webhook | Policy
  std::string authorization_policy_file;
  // The API server for the webhooks (the kubelet's own --kubeconfig).
  std::string kubeconfig;
  bool authentication_token_webhook = false;
  std::chrono::nanoseconds authentication_token_webhook_cache_ttl = std::chrono::minutes(2);
  std::chrono::nanoseconds authorization_webhook_cache_authorized_ttl = std::chrono::minutes(5);
  std::chrono::nanoseconds authorization_webhook_cache_unauthorized_ttl = std::chrono::seconds(30);
  bool insecure_http = false;              // plain HTTP for local development
  bool insecure_http_any_address = false;  // ... even off loopback
  // Beyond upstream, opt-in:
  size_t max_checkpoints_per_container = 0;  // retention; 0 = keep all
  bool unique_archive_names = false;         // never hand out one name twice
  bool tighten_checkpoints_dir = false;      // chmod 0700; refuse a symlink there
  std::chrono::nanoseconds shutdown_grace_period = std::chrono::seconds(30);
  // Transport bounds of our HTTP layer (http_server.h). A kubelet (Go's
  // net/http) has 4-hour read deadlines and no connection limits; these bound
  // what a client that has not authenticated can hold, and never change an
  // answer to one that sends its request promptly.
  std::chrono::nanoseconds tls_handshake_timeout = std::chrono::seconds(10);
  std::chrono::nanoseconds request_head_timeout = std::chrono::seconds(10);
  size_t max_unauthenticated_connections = 512;
  size_t max_unauthenticated_connections_per_client = 64;
  size_t max_connections = 4096;
  kit::LogLevel log_level = kit::LogLevel::kInfo;
  bool help = false;

  std::string CheckpointsDir() const { return root_dir + "/checkpoints"; }
  // Where retention records the archives it wrote (retention.h).
  std::string RetentionIndexFile() const {
    return root_dir + "/checkpoint-endpoint-retention.json";
  }
  // The ContainerCheckpoint gate in effect for `profile`.
  bool CheckpointGate(const KubeletProfile& profile) const {
    return checkpoint_gate.value_or(profile.checkpoint_gate_default);
  }
};

// Parses and validates flags; errors name the flag and say what is wrong.
absl::StatusOr<Config> ParseConfig(const std::vector<std::string>& args);
std::string ConfigUsage();

}  // namespace endpoint

#endif  // ENDPOINT_CONFIG_H_
