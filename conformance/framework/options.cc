#include "conformance/framework/options.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/str_split.h"
#include "common/units.h"
#include "conformance/framework/kubelet_forms.h"

namespace conformance {
namespace {

absl::Status Bad(const std::string& flag, const std::string& value, const std::string& why) {
  return absl::InvalidArgumentError(flag + " " + value + ": " + why);
}

absl::StatusOr<std::string> ReadToken(const std::string& flag, const std::string& path) {
  std::ifstream f(path);
  if (!f) return Bad(flag, path, "cannot read the file");
  std::stringstream s;
  s << f.rdbuf();
  std::string token = s.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) return Bad(flag, path, "the file is empty");
  return token;
}

bool Readable(const std::string& path) { return std::ifstream(path).good(); }

}  // namespace

const char* OptionsUsage() {
  return R"(usage: checkpoint-conformance [flags]

Checks a checkpoint stack against the kubelet checkpoint API, requirement by
requirement. Without target flags it starts its own fake-cri and endpoint.

Endpoint mode (a kubelet, or our endpoint in front of any runtime):
  --endpoint-url URL              https://HOST:10250
  --token-file FILE               bearer token allowed to create (and get) nodes/checkpoint
  --client-cert FILE --client-key FILE   ... or a client certificate
  --ca-file FILE                  CA bundle for the endpoint's serving certificate
  --insecure-skip-tls-verify      do not verify it
  --denied-token-file FILE        an authenticated identity NOT allowed (for 403)
  --denied-client-cert FILE --denied-client-key FILE
  --denied-user NAME              that identity's user name (exact 403 text)
  --container NS/POD/NAME         a running container to checkpoint (required)
  --other-containers NS/POD/NAME,...  more running containers (concurrency)
  --not-running-container NS/POD/NAME an exited container (500 not running)
  --gate-disabled-url URL         the same node with ContainerCheckpoint=false
  --root-dir DIR                  the endpoint's --root-dir (/var/lib/kubelet);
                                  file checks run when DIR/checkpoints is reachable
  --runtime-request-timeout DUR   the endpoint's value (2m)
  --max-clock-skew DUR            allowed offset of the node's clock (0s)
  --fake-cri-control unix:///...  the fake-cri behind the endpoint: fault tests run

Runtime mode (CRI-level checks of CheckpointContainer):
  --runtime-endpoint unix:///...  the runtime's CRI socket
  --image REF                     image for the suite's own container
                                  (docker.io/library/busybox:latest), must be present
  --runtime-handler NAME          RunPodSandbox's runtime handler ("")
  --checkpoint-dir DIR            where checkpoint locations go (/tmp); the
                                  runtime and the suite must both see DIR

Judging:
  --kubelet-version 1.X           judge the node as kubelet 1.X (1.25 to 1.36); default:
                                  kubernetes_build_info on /metrics when readable, else
                                  accept every version's answer and report the match
  --strict                        SHOULD requirements fail the run too
  --expect-enabled                a node without the checkpoint API fails (default: one
                                  skip that says so, every other requirement skipped)

Running:
  --focus REGEX                   run the requirements whose id matches
  --skip REGEX                    ... but not these
  --parallel N                    tests at a time (1)
  --timeout DUR                   per test (5m)
  --report-dir DIR                write DIR/junit.xml and DIR/results.json
  --list                          print the requirements and exit
  -v, --verbose                   the bundled stack's logs too

Bundled stack only (for meta-tests):
  --fake-cri-flag ARG             pass ARG to its fake-cri (repeatable)
  --endpoint-flag ARG             pass ARG to its endpoint (repeatable)

Exit status: 0 no MUST requirement failed (nor, with --strict, any SHOULD
one), 1 some did, 2 bad flags or the target could not be set up.
)";
}

absl::StatusOr<ContainerRef> ParseContainerRef(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return absl::InvalidArgumentError("\"" + text + "\" is not NAMESPACE/POD/CONTAINER");
  }
  return ContainerRef{parts[0], parts[1], parts[2]};
}

absl::StatusOr<Options> ParseOptions(const std::vector<std::string>& args) {
  Options o;
  EndpointTarget e;
  RuntimeTarget rt;
  rt.image = "docker.io/library/busybox:latest";
  bool any_endpoint_flag = false;
  std::string client_cert, client_key, denied_cert, denied_key, container;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i], value;
    if (name == "-h" || name == "--help") {
      o.help = true;
      continue;
    }
    if (name == "-v" || name == "--verbose") {
      o.verbose = true;
      continue;
    }
    if (name == "--list") {
      o.list = true;
      continue;
    }
    if (name == "--insecure-skip-tls-verify") {
      e.insecure_skip_tls_verify = any_endpoint_flag = true;
      continue;
    }
    if (name == "--strict") {
      o.strict = true;
      continue;
    }
    if (name == "--expect-enabled") {
      o.expect_enabled = true;
      continue;
    }
    if (name.rfind("--", 0) != 0) return absl::InvalidArgumentError("unexpected argument " + name);
    bool inline_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    static const char* kValueFlags[] = {
        "--endpoint-url", "--token-file", "--client-cert", "--client-key", "--ca-file",
        "--denied-token-file", "--denied-client-cert", "--denied-client-key", "--denied-user",
        "--container", "--other-containers", "--not-running-container", "--gate-disabled-url",
        "--root-dir", "--runtime-request-timeout", "--max-clock-skew", "--fake-cri-control",
        "--runtime-endpoint", "--image", "--runtime-handler", "--checkpoint-dir", "--focus", "--skip", "--parallel",
        "--timeout", "--report-dir", "--fake-cri-flag", "--endpoint-flag", "--kubelet-version"};
    if (std::find(std::begin(kValueFlags), std::end(kValueFlags), name) == std::end(kValueFlags)) {
      return absl::InvalidArgumentError("unknown flag " + name + " (see --help)");
    }
    if (inline_value) {
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(name + ": needs a value");
    }
    auto duration = [&](auto* out) -> absl::Status {
      auto ns = kit::ParseDurationNanos(value);
      if (!ns.ok()) return Bad(name, value, std::string(ns.status().message()));
      if (*ns <= 0) return Bad(name, value, "must be more than 0");
      *out = std::chrono::duration_cast<std::remove_pointer_t<decltype(out)>>(
          std::chrono::nanoseconds(*ns));
      return absl::OkStatus();
    };
    auto file = [&](std::string* out) -> absl::Status {
      if (!Readable(value)) return Bad(name, value, "cannot read the file");
      *out = value;
      return absl::OkStatus();
    };
    auto ref = [&](ContainerRef* out) -> absl::Status {
      auto r = ParseContainerRef(value);
      if (!r.ok()) return Bad(name, "", std::string(r.status().message()));
      *out = *r;
      return absl::OkStatus();
    };
    absl::Status s;
    bool endpoint_flag = true;
    if (name == "--endpoint-url") {
      if (!std::regex_match(value, std::regex(R"(https?://[^/]+)"))) {
        s = Bad(name, value, "expected https://HOST:PORT (no path)");
      }
      e.url = value;
    } else if (name == "--token-file") {
      auto t = ReadToken(name, value);
      s = t.status();
      if (t.ok()) e.allowed.token = *t;
    } else if (name == "--client-cert") {
      s = file(&client_cert);
    } else if (name == "--client-key") {
      s = file(&client_key);
    } else if (name == "--ca-file") {
      s = file(&e.ca_file);
    } else if (name == "--denied-token-file") {
      auto t = ReadToken(name, value);
      s = t.status();
      if (t.ok()) e.denied.token = *t;
    } else if (name == "--denied-client-cert") {
      s = file(&denied_cert);
    } else if (name == "--denied-client-key") {
      s = file(&denied_key);
    } else if (name == "--denied-user") {
      e.denied.user = value;
    } else if (name == "--container") {
      s = ref(&e.main);
      container = value;
    } else if (name == "--other-containers") {
      for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipEmpty())) {
        auto r = ParseContainerRef(std::string(part));
        if (!r.ok()) {
          s = Bad(name, "", std::string(r.status().message()));
          break;
        }
        e.others.push_back(*r);
      }
    } else if (name == "--not-running-container") {
      ContainerRef r;
      s = ref(&r);
      e.not_running = r;
    } else if (name == "--gate-disabled-url") {
      e.gate_disabled_url = value;
    } else if (name == "--root-dir") {
      if (value.empty() || value[0] != '/') s = Bad(name, value, "must be an absolute path");
      while (value.size() > 1 && value.back() == '/') value.pop_back();
      e.root_dir = value;
    } else if (name == "--runtime-request-timeout") {
      s = duration(&e.runtime_request_timeout);
    } else if (name == "--max-clock-skew") {
      auto ns = kit::ParseDurationNanos(value);
      if (!ns.ok() || *ns < 0) s = Bad(name, value, "not a duration of 0s or more");
      else e.max_clock_skew = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::nanoseconds(*ns));
    } else if (name == "--fake-cri-control") {
      if (value.rfind("unix:///", 0) != 0) s = Bad(name, value, "expected unix:///path.sock");
      o.fake_cri_control = value;
      endpoint_flag = false;  // serves runtime mode too
    } else {
      endpoint_flag = false;
      if (name == "--runtime-endpoint") {
        if (value.rfind("unix:///", 0) != 0) s = Bad(name, value, "expected unix:///path.sock");
        rt.endpoint = value;
      } else if (name == "--image") {
        rt.image = value;
      } else if (name == "--runtime-handler") {
        rt.runtime_handler = value;
      } else if (name == "--checkpoint-dir") {
        if (value.empty() || value[0] != '/') s = Bad(name, value, "must be an absolute path");
        rt.checkpoint_dir = value;
      } else if (name == "--focus" || name == "--skip") {
        try {
          std::regex check(value);
        } catch (const std::regex_error& err) {
          s = Bad(name, value, std::string("not a regular expression: ") + err.what());
        }
        (name == "--focus" ? o.run.focus : o.run.skip) = value;
      } else if (name == "--parallel") {
        try {
          size_t used = 0;
          int n = std::stoi(value, &used);
          if (used != value.size() || n < 1 || n > 256) throw std::invalid_argument("range");
          o.run.parallel = n;
        } catch (const std::exception&) {
          s = Bad(name, value, "expected a number from 1 to 256");
        }
      } else if (name == "--timeout") {
        s = duration(&o.run.timeout);
      } else if (name == "--report-dir") {
        o.report_dir = value;
      } else if (name == "--kubelet-version") {
        o.kubelet_minor = ParseKubeletMinor(value);
        if (!o.kubelet_minor) {
          s = Bad(name, value,
                  "expected a kubelet version from " + KubeletName(kOldestKubeletMinor) + " to " +
                      KubeletName(kNewestKubeletMinor) + " (1.28, or v1.28.3)");
        }
      } else if (name == "--fake-cri-flag") {
        o.fake_cri_flags.push_back(value);
      } else if (name == "--endpoint-flag") {
        o.endpoint_flags.push_back(value);
      } else {
        return absl::InvalidArgumentError("unknown flag " + name + " (see --help)");
      }
    }
    if (!s.ok()) return s;
    any_endpoint_flag = any_endpoint_flag || endpoint_flag;
  }
  if ((client_cert.empty()) != (client_key.empty())) {
    return absl::InvalidArgumentError("--client-cert and --client-key go together");
  }
  if ((denied_cert.empty()) != (denied_key.empty())) {
    return absl::InvalidArgumentError("--denied-client-cert and --denied-client-key go together");
  }
  e.allowed.cert_file = client_cert;
  e.allowed.key_file = client_key;
  e.denied.cert_file = denied_cert;
  e.denied.key_file = denied_key;
  if (any_endpoint_flag) {
    if (e.url.empty()) return absl::InvalidArgumentError("endpoint flags given without --endpoint-url");
    if (container.empty()) {
      return absl::InvalidArgumentError("--endpoint-url needs --container NS/POD/NAME");
    }
    o.endpoint = e;
  }
  if (!rt.endpoint.empty()) o.runtime = rt;
  if (!o.bundled() && (!o.fake_cri_flags.empty() || !o.endpoint_flags.empty())) {
    return absl::InvalidArgumentError("--fake-cri-flag and --endpoint-flag apply to the bundled stack only");
  }
  return o;
}

}  // namespace conformance
