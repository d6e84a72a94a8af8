#include "endpoint/config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/flags.h"
#include "endpoint/tls_server_context.h"

namespace endpoint {

namespace {

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  std::string h = buf;
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  return h;
}

absl::Status Why(std::string why) { return absl::InvalidArgumentError(std::move(why)); }

// Every flag, in the order the usage lists them, each with its check.
void RegisterFlags(Config* c, kit::FlagSet* f) {
  f->Section("Which kubelet (each version's texts, defaults and routing; endpoint/README.md):");
  f->Add("--kubelet-version", "1.X",
         absl::StrCat(KubeletVersionList(), " (", kDefaultKubeletVersion, ")"),
         [c](const std::string& v) {
           auto profile = FindKubeletProfile(v);
           if (!profile.ok()) return Why(std::string(profile.status().message()));
           c->kubelet_version = v;
           return absl::OkStatus();
         });

  f->Section("Kubelet flags:");
  f->Add("--container-runtime-endpoint", "URL",
         "CRI socket (unix:///run/containerd/containerd.sock)", [c](const std::string& v) {
           if (v.rfind("unix:///", 0) != 0) {
             return Why("expected a unix socket URL, unix:///path/to.sock");
           }
           c->container_runtime_endpoint = v;
           return absl::OkStatus();
         });
  f->Add("--root-dir", "DIR", "archives go to DIR/checkpoints (/var/lib/kubelet)",
         [c](std::string v) {
           if (v.empty() || v[0] != '/') return Why("must be an absolute path");
           while (v.size() > 1 && v.back() == '/') v.pop_back();
           c->root_dir = v;
           return absl::OkStatus();
         });
  f->AddDuration("--runtime-request-timeout", "D", "CRI timeout, Go duration (2m)",
                 &c->runtime_request_timeout);
  f->Add("--feature-gates", "K=V,...",
         "only ContainerCheckpoint=true|false (the version's\n"
         "default: false before 1.30, true from 1.30)",
         [c](const std::string& v) {
           for (absl::string_view kv : absl::StrSplit(v, ',', absl::SkipEmpty())) {
             std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
             if (p.first != "ContainerCheckpoint") {
               return Why("unrecognized feature gate: " + p.first);
             }
             auto b = kit::ParseGoBool(p.second);
             if (!b.ok()) return Why("invalid value of ContainerCheckpoint: " + p.second);
             c->checkpoint_gate = *b;
           }
           return absl::OkStatus();
         });
  f->AddBool("--enable-debugging-handlers", "from 1.33 the checkpoint route needs it (true)",
             &c->enable_debugging_handlers);
  f->AddString("--hostname-override", "NAME", "node name used in authorization (host name)",
               &c->hostname_override);
  f->AddString("--address", "IP", "where to listen (0.0.0.0)", &c->address);
  f->Add("--port", "N", "where to listen (10250; 0 = any free port)", [c](const std::string& v) {
    int port = 0;
    if (!absl::SimpleAtoi(v, &port) || port < 0 || port > 65535) {
      return Why("not a port number (0-65535)");
    }
    c->port = port;
    return absl::OkStatus();
  });
  f->AddString("--tls-cert-file", "F",
               "serving certificate (with --tls-private-key-file); without\n"
               "them a self-signed pair is made in --cert-dir",
               &c->tls_cert_file);
  f->AddString("--tls-private-key-file", "F", "its key", &c->tls_private_key_file);
  f->Add("--tls-cipher-suites", "S1,S2,...",
         "TLS 1.2 cipher suites, Go's names (Go's defaults: ECDHE\n"
         "with AES-GCM, ChaCha20 or AES-CBC-SHA; no RSA key exchange)",
         [c](const std::string& v) {
           std::vector<std::string> names = absl::StrSplit(v, ',', absl::SkipEmpty());
           auto list = OpensslCipherList(names);
           if (!list.ok()) return list.status();
           c->tls_cipher_suites = names;
           return absl::OkStatus();
         });
  f->Add("--tls-min-version", "V",
         "VersionTLS10, VersionTLS11, VersionTLS12 or VersionTLS13\n(VersionTLS12)",
         [c](const std::string& v) {
           auto version = ParseTlsMinVersion(v);
           if (!version.ok()) return version.status();
           c->tls_min_version = v;
           return absl::OkStatus();
         });
  f->AddString("--cert-dir", "DIR", "where the self-signed pair goes (<root-dir>/pki)",
               &c->cert_dir);
  f->AddBool("--anonymous-auth",
             "allow unauthenticated requests (false, as the\n"
             "KubeletConfiguration file's default; the kubelet's\n"
             "bare flag defaults to true)",
             &c->anonymous_auth);
  f->AddString("--client-ca-file", "F", "authenticate client certificates (CN=user, O=groups)",
               &c->client_ca_file);
  f->Add("--authorization-mode", "MODE", "AlwaysAllow, Webhook or Policy (AlwaysAllow)",
         [c](const std::string& v) {
           if (v != "AlwaysAllow" && v != "Webhook" && v != "Policy") {
             return Why("must be AlwaysAllow, Webhook or Policy");
           }
           c->authorization_mode = v;
           return absl::OkStatus();
         });
  f->AddString("--kubeconfig", "F", "the API server for the webhooks", &c->kubeconfig);
  f->AddBool("--authentication-token-webhook", "check bearer tokens with TokenReview (false)",
             &c->authentication_token_webhook);
  // 0: no cache.
  const auto zero = std::chrono::nanoseconds(0);
  f->AddDuration("--authentication-token-webhook-cache-ttl", "D", "(2m)",
                 &c->authentication_token_webhook_cache_ttl, zero);
  f->AddDuration("--authorization-webhook-cache-authorized-ttl", "D", "(5m)",
                 &c->authorization_webhook_cache_authorized_ttl, zero);
  f->AddDuration("--authorization-webhook-cache-unauthorized-ttl", "D", "(30s)",
                 &c->authorization_webhook_cache_unauthorized_ttl, zero);

  f->Section("Ours:");
  f->AddString("--token-auth-file", "F",
               "static tokens, kube-apiserver CSV: token,user,uid,\"g1,g2\"", &c->token_auth_file);
  f->AddString("--authorization-policy-file", "F",
               "rules for --authorization-mode=Policy (endpoint/auth/README.md)",
               &c->authorization_policy_file);
  f->AddBool("--insecure-http", "plain HTTP for local development (loopback only)",
             &c->insecure_http);
  f->AddBool("--insecure-http-any-address", "... also on other addresses",
             &c->insecure_http_any_address);
  f->AddDuration("--shutdown-grace-period", "D",
                 "how long SIGTERM waits for running checkpoints (30s)", &c->shutdown_grace_period);
  auto count = [](size_t* out) {
    return [out](const std::string& v) {
      int64_t n = 0;
      if (!absl::SimpleAtoi(v, &n) || n < 0 || n > (int64_t{1} << 31)) {
        return Why("not a count (0 = no limit)");
      }
      *out = static_cast<size_t>(n);
      return absl::OkStatus();
    };
  };
  const auto none = std::chrono::nanoseconds(0);
  f->Section(
      "Ours, transport bounds (on by default; a kubelet has 4-hour deadlines and no limits):");
  f->AddDuration("--tls-handshake-timeout", "D",
                 "from accept to a finished handshake (10s; 0 = none)", &c->tls_handshake_timeout,
                 none);
  f->AddDuration("--request-head-timeout", "D",
                 "a whole request head, not per read (10s; 0 = none)", &c->request_head_timeout,
                 none);
  f->Add("--max-unauthenticated-connections", "N",
         "connections not yet authenticated; past it the oldest\nis closed (512; 0 = no limit)",
         count(&c->max_unauthenticated_connections));
  f->Add("--max-unauthenticated-connections-per-client", "N",
         "the same, per client address (64; 0 = no limit)",
         count(&c->max_unauthenticated_connections_per_client));
  f->Add("--max-connections", "N", "connections at all; past it new ones are closed (4096)",
         count(&c->max_connections));
  f->Add("--log-level", "L", "debug, info, warn or error (info)", [c](const std::string& v) {
    auto l = kit::ParseLogLevel(v);
    if (!l.ok()) return l.status();
    c->log_level = *l;
    return absl::OkStatus();
  });

  f->Section("Beyond upstream (protections no kubelet has; off by default):");
  f->AddBool("--unique-archive-names",
             "never give two checkpoints one archive name: wait\n"
             "for the next second instead (false: the kubelet\n"
             "names both alike and the runtime overwrites)",
             &c->unique_archive_names);
  f->AddBool("--tighten-checkpoints-dir",
             "chmod an existing checkpoints dir to 0700, refuse a\n"
             "symlink there, and check both again before each\n"
             "checkpoint (false: kept as found, as MkdirAll)",
             &c->tighten_checkpoints_dir);
  f->Add("--max-checkpoints-per-container", "N",
         "keep only the newest N archives per container, as\n"
         "recorded in <root-dir>/checkpoint-endpoint-retention.json\n"
         "(0 = all)",
         [c](const std::string& v) {
           int64_t n = 0;
           if (!absl::SimpleAtoi(v, &n) || n < 0) return Why("not a count (0 = keep all)");
           c->max_checkpoints_per_container = static_cast<size_t>(n);
           return absl::OkStatus();
         });

  f->Section("");
  f->AddSwitch("--help", "this help", [c] { c->help = true; });
  f->AddSwitch("-h", "", [c] { c->help = true; });
}

}  // namespace

std::string ConfigUsage() {
  Config c;
  kit::FlagSet flags;
  RegisterFlags(&c, &flags);
  return absl::StrCat(
      "Usage: checkpoint-endpoint [flags]\n\n"
      "The kubelet's checkpoint API (POST /checkpoint/{namespace}/{pod}/{container})\n"
      "in front of any CRI runtime.\n\n",
      flags.Usage());
}

absl::StatusOr<Config> ParseConfig(const std::vector<std::string>& args) {
  Config c;
  kit::FlagSet flags;
  RegisterFlags(&c, &flags);
  auto positional = flags.Parse(args);
  if (!positional.ok()) return positional.status();
  if (!positional->empty()) {
    return absl::InvalidArgumentError("unexpected argument " + positional->front());
  }
  if (c.hostname_override.empty()) c.hostname_override = HostName();
  if (c.cert_dir.empty()) c.cert_dir = c.root_dir + "/pki";
  if (c.tls_cert_file.empty() != c.tls_private_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert-file and --tls-private-key-file go together: give both or neither");
  }
  if (c.authorization_mode == "Policy" && c.authorization_policy_file.empty()) {
    return absl::InvalidArgumentError(
        "--authorization-mode=Policy needs --authorization-policy-file");
  }
  if (c.authorization_mode != "Policy" && !c.authorization_policy_file.empty()) {
    return absl::InvalidArgumentError(
        "--authorization-policy-file is only used with --authorization-mode=Policy");
  }
  if ((c.authorization_mode == "Webhook" || c.authentication_token_webhook) &&
      c.kubeconfig.empty()) {
    return absl::InvalidArgumentError(
        "--authentication-token-webhook and --authorization-mode=Webhook need --kubeconfig "
        "(the API server to ask)");
  }
  if (c.insecure_http && !c.insecure_http_any_address && c.address != "127.0.0.1" &&
      c.address != "::1" && c.address != "localhost") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--insecure-http serves plain HTTP on loopback only: set --address=127.0.0.1 (or force "
        "it with --insecure-http-any-address), not ",
        c.address));
  }
  if (!c.tls_cipher_suites.empty() && c.tls_min_version == "VersionTLS13") {
    // InitializeTLS: the TLS 1.3 suites are not configurable.
    return absl::InvalidArgumentError(
        "--tls-min-version=VersionTLS13 cannot be used with --tls-cipher-suites");
  }
  if (c.insecure_http && !c.client_ca_file.empty()) {
    return absl::InvalidArgumentError("--client-ca-file needs TLS; drop --insecure-http");
  }
  return c;
}

}  // namespace endpoint
