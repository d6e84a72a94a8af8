#include "endpoint/config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/units.h"

namespace endpoint {

std::string ConfigUsage() {
  std::string usage = R"(Usage: checkpoint-endpoint [flags]

The kubelet's checkpoint API (POST /checkpoint/{namespace}/{pod}/{container})
in front of any CRI runtime.

Which kubelet (each version's texts, defaults and routing; endpoint/README.md):
  --kubelet-version 1.X             @VERSIONS@ (@DEFAULT@)

Kubelet flags:
  --container-runtime-endpoint URL  CRI socket (unix:///run/containerd/containerd.sock)
  --root-dir DIR                    archives go to DIR/checkpoints (/var/lib/kubelet)
  --runtime-request-timeout D       CRI timeout, Go duration (2m)
  --feature-gates K=V,...           only ContainerCheckpoint=true|false (the version's
                                    default: false before 1.30, true from 1.30)
  --enable-debugging-handlers[=BOOL]
                                    from 1.33 the checkpoint route needs it (true)
  --hostname-override NAME          node name used in authorization (host name)
  --address IP, --port N            where to listen (0.0.0.0, 10250; 0 = any free port)
  --tls-cert-file F, --tls-private-key-file F
                                    serving pair; without them a self-signed pair is
                                    made in --cert-dir (<root-dir>/pki)
  --anonymous-auth[=BOOL]           allow unauthenticated requests (false, as the
                                    KubeletConfiguration file's default; the kubelet's
                                    bare flag defaults to true)
  --client-ca-file F                authenticate client certificates (CN=user, O=groups)
  --authorization-mode MODE         AlwaysAllow, Webhook or Policy (AlwaysAllow)
  --kubeconfig F                    the API server for the webhooks
  --authentication-token-webhook[=BOOL]
                                    check bearer tokens with TokenReview (false)
  --authentication-token-webhook-cache-ttl D        (2m)
  --authorization-webhook-cache-authorized-ttl D    (5m)
  --authorization-webhook-cache-unauthorized-ttl D  (30s)
Ours:
  --token-auth-file F               static tokens, kube-apiserver CSV: token,user,uid,"g1,g2"
  --authorization-policy-file F     rules for --authorization-mode=Policy (endpoint/auth/README.md)
  --insecure-http                   plain HTTP for local development (loopback only)
  --insecure-http-any-address       ... also on other addresses
  --shutdown-grace-period D         how long SIGTERM waits for running checkpoints (30s)
Beyond upstream (protections no kubelet has; off by default):
  --unique-archive-names[=BOOL]     never give two checkpoints one archive name: wait
                                    for the next second instead (false: the kubelet
                                    names both alike and the runtime overwrites)
  --tighten-checkpoints-dir[=BOOL]  chmod an existing checkpoints dir to 0700, refuse a
                                    symlink there (false: kept as found, as MkdirAll)
  --max-checkpoints-per-container N keep only the newest N archives per container (0 = all)
  --log-level debug|info|warn|error
)";
  usage = absl::StrReplaceAll(usage, {{"@VERSIONS@", KubeletVersionList()},
                                      {"@DEFAULT@", std::string(kDefaultKubeletVersion)}});
  return usage;
}

namespace {

absl::Status Bad(const std::string& flag, const std::string& value, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(flag, "=", value, ": ", why));
}

absl::StatusOr<bool> ParseBool(const std::string& flag, const std::string& v) {
  // Go's strconv.ParseBool.
  if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") return false;
  return Bad(flag, v, "not a boolean");
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  std::string h = buf;
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  return h;
}

}  // namespace

absl::StatusOr<Config> ParseConfig(const std::vector<std::string>& args) {
  Config c;
  static const char* kBoolFlags[] = {"--anonymous-auth",
                                     "--insecure-http",
                                     "--insecure-http-any-address",
                                     "--authentication-token-webhook",
                                     "--enable-debugging-handlers",
                                     "--unique-archive-names",
                                     "--tighten-checkpoints-dir"};
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    bool has_value = false;
    if (name == "--help" || name == "-h") {
      c.help = true;
      continue;
    }
    if (name.rfind("--", 0) != 0) return absl::InvalidArgumentError("unexpected argument " + name);
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    bool is_bool = std::find(std::begin(kBoolFlags), std::end(kBoolFlags), name) != std::end(kBoolFlags);
    if (!has_value) {
      if (is_bool) {
        value = "true";  // a Go bool flag alone means true
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return absl::InvalidArgumentError(name + ": needs a value");
      }
    }
    auto duration = [&](std::chrono::nanoseconds* out) -> absl::Status {
      auto ns = kit::ParseDurationNanos(value);
      if (!ns.ok()) return Bad(name, value, std::string(ns.status().message()));
      if (*ns <= 0) return Bad(name, value, "must be more than 0");
      *out = std::chrono::nanoseconds(*ns);
      return absl::OkStatus();
    };
    auto duration_or_zero = [&](std::chrono::nanoseconds* out) -> absl::Status {
      auto ns = kit::ParseDurationNanos(value);
      if (!ns.ok()) return Bad(name, value, std::string(ns.status().message()));
      *out = std::chrono::nanoseconds(*ns);  // 0: no cache
      return absl::OkStatus();
    };
    auto boolean = [&](bool* out) -> absl::Status {
      auto b = ParseBool(name, value);
      if (!b.ok()) return b.status();
      *out = *b;
      return absl::OkStatus();
    };
    absl::Status s;
    if (name == "--kubelet-version") {
      auto profile = FindKubeletProfile(value);
      if (!profile.ok()) return Bad(name, value, std::string(profile.status().message()));
      c.kubelet_version = value;
    } else if (name == "--enable-debugging-handlers") {
      s = boolean(&c.enable_debugging_handlers);
    } else if (name == "--unique-archive-names") {
      s = boolean(&c.unique_archive_names);
    } else if (name == "--tighten-checkpoints-dir") {
      s = boolean(&c.tighten_checkpoints_dir);
    } else if (name == "--container-runtime-endpoint") {
      if (value.rfind("unix:///", 0) != 0) {
        return Bad(name, value, "expected a unix socket URL, unix:///path/to.sock");
      }
      c.container_runtime_endpoint = value;
    } else if (name == "--root-dir") {
      if (value.empty() || value[0] != '/') return Bad(name, value, "must be an absolute path");
      while (value.size() > 1 && value.back() == '/') value.pop_back();
      c.root_dir = value;
    } else if (name == "--runtime-request-timeout") {
      s = duration(&c.runtime_request_timeout);
    } else if (name == "--shutdown-grace-period") {
      s = duration(&c.shutdown_grace_period);
    } else if (name == "--feature-gates") {
      for (absl::string_view kv : absl::StrSplit(value, ',', absl::SkipEmpty())) {
        std::pair<std::string, std::string> p = absl::StrSplit(kv, absl::MaxSplits('=', 1));
        if (p.first != "ContainerCheckpoint") {
          return Bad(name, value, "unrecognized feature gate: " + p.first);
        }
        auto b = ParseBool(name, p.second);
        if (!b.ok()) return Bad(name, value, "invalid value of ContainerCheckpoint: " + p.second);
        c.checkpoint_gate = *b;
      }
    } else if (name == "--hostname-override") {
      c.hostname_override = value;
    } else if (name == "--address") {
      c.address = value;
    } else if (name == "--port") {
      if (!absl::SimpleAtoi(value, &c.port) || c.port < 0 || c.port > 65535) {
        return Bad(name, value, "not a port number (0-65535)");
      }
    } else if (name == "--tls-cert-file") {
      c.tls_cert_file = value;
    } else if (name == "--tls-private-key-file") {
      c.tls_private_key_file = value;
    } else if (name == "--cert-dir") {
      c.cert_dir = value;
    } else if (name == "--anonymous-auth") {
      auto b = ParseBool(name, value);
      if (!b.ok()) return b.status();
      c.anonymous_auth = *b;
    } else if (name == "--insecure-http") {
      auto b = ParseBool(name, value);
      if (!b.ok()) return b.status();
      c.insecure_http = *b;
    } else if (name == "--insecure-http-any-address") {
      auto b = ParseBool(name, value);
      if (!b.ok()) return b.status();
      c.insecure_http_any_address = *b;
    } else if (name == "--client-ca-file") {
      c.client_ca_file = value;
    } else if (name == "--token-auth-file") {
      c.token_auth_file = value;
    } else if (name == "--authorization-mode") {
      if (value != "AlwaysAllow" && value != "Webhook" && value != "Policy") {
        return Bad(name, value, "must be AlwaysAllow, Webhook or Policy");
      }
      c.authorization_mode = value;
    } else if (name == "--kubeconfig") {
      c.kubeconfig = value;
    } else if (name == "--authentication-token-webhook") {
      auto b = ParseBool(name, value);
      if (!b.ok()) return b.status();
      c.authentication_token_webhook = *b;
    } else if (name == "--authentication-token-webhook-cache-ttl") {
      s = duration_or_zero(&c.authentication_token_webhook_cache_ttl);
    } else if (name == "--authorization-webhook-cache-authorized-ttl") {
      s = duration_or_zero(&c.authorization_webhook_cache_authorized_ttl);
    } else if (name == "--authorization-webhook-cache-unauthorized-ttl") {
      s = duration_or_zero(&c.authorization_webhook_cache_unauthorized_ttl);
    } else if (name == "--authorization-policy-file") {
      c.authorization_policy_file = value;
    } else if (name == "--max-checkpoints-per-container") {
      int64_t n = 0;
      if (!absl::SimpleAtoi(value, &n) || n < 0) return Bad(name, value, "not a count (0 = keep all)");
      c.max_checkpoints_per_container = static_cast<size_t>(n);
    } else if (name == "--log-level") {
      auto l = kit::ParseLogLevel(value);
      if (!l.ok()) return l.status();
      c.log_level = *l;
    } else {
      return absl::InvalidArgumentError("unknown flag " + name + " (see --help)");
    }
    if (!s.ok()) return s;
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
        "it with --insecure-http-any-address), not ", c.address));
  }
  if (c.insecure_http && !c.client_ca_file.empty()) {
    return absl::InvalidArgumentError("--client-ca-file needs TLS; drop --insecure-http");
  }
  return c;
}

}  // namespace endpoint
