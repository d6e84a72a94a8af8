#include "conformance/framework/options.h"

#include <fstream>
#include <regex>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/flags.h"
#include "common/units.h"
#include "conformance/framework/kubelet_forms.h"

namespace conformance {
namespace {

absl::Status Why(std::string why) { return absl::InvalidArgumentError(std::move(why)); }

absl::StatusOr<std::string> ReadToken(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Why("cannot read the file");
  std::stringstream s;
  s << f.rdbuf();
  std::string token = s.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  if (token.empty()) return Why("the file is empty");
  return token;
}

bool Readable(const std::string& path) { return std::ifstream(path).good(); }

// What the flags fill before ParseOptions checks how they combine.
struct Parsed {
  Options o;
  EndpointTarget e;
  RuntimeTarget rt;
  bool any_endpoint_flag = false;
  std::string client_cert, client_key, denied_cert, denied_key, container;
};

// Every flag, in the order the usage lists them, each with its check.
void RegisterFlags(Parsed* p, kit::FlagSet* f) {
  Options* o = &p->o;
  EndpointTarget* e = &p->e;
  RuntimeTarget* rt = &p->rt;
  // An endpoint-mode flag: its setter also marks endpoint mode.
  auto endpoint = [p](kit::FlagSet::Setter set) {
    return [p, set = std::move(set)](const std::string& v) {
      p->any_endpoint_flag = true;
      return set(v);
    };
  };
  auto file = [](std::string* out) {
    return [out](const std::string& v) {
      if (!Readable(v)) return Why("cannot read the file");
      *out = v;
      return absl::OkStatus();
    };
  };
  auto token = [](std::string* out) {
    return [out](const std::string& v) {
      auto t = ReadToken(v);
      if (!t.ok()) return t.status();
      *out = *t;
      return absl::OkStatus();
    };
  };
  auto ref = [](ContainerRef* out) {
    return [out](const std::string& v) {
      auto r = ParseContainerRef(v);
      if (!r.ok()) return r.status();
      *out = *r;
      return absl::OkStatus();
    };
  };

  f->Section("Endpoint mode (a kubelet, or our endpoint in front of any runtime):");
  f->Add("--endpoint-url", "URL", "https://HOST:10250", endpoint([e](const std::string& v) {
           if (!std::regex_match(v, std::regex(R"(https?://[^/]+)"))) {
             return Why("expected https://HOST:PORT (no path)");
           }
           e->url = v;
           return absl::OkStatus();
         }));
  f->Add("--token-file", "FILE", "bearer token allowed to create (and get) nodes/checkpoint",
         endpoint(token(&e->allowed.token)));
  f->Add("--client-cert", "FILE", "... or a client certificate", endpoint(file(&p->client_cert)));
  f->Add("--client-key", "FILE", "its key", endpoint(file(&p->client_key)));
  f->Add("--ca-file", "FILE", "CA bundle for the endpoint's serving certificate",
         endpoint(file(&e->ca_file)));
  f->AddSwitch("--insecure-skip-tls-verify", "do not verify it", [p, e] {
    e->insecure_skip_tls_verify = true;
    p->any_endpoint_flag = true;
  });
  f->Add("--denied-token-file", "FILE", "an authenticated identity NOT allowed (for 403)",
         endpoint(token(&e->denied.token)));
  f->Add("--denied-client-cert", "FILE", "... or that identity's certificate",
         endpoint(file(&p->denied_cert)));
  f->Add("--denied-client-key", "FILE", "its key", endpoint(file(&p->denied_key)));
  f->Add("--denied-user", "NAME", "that identity's user name (exact 403 text)",
         endpoint([e](const std::string& v) {
           e->denied.user = v;
           return absl::OkStatus();
         }));
  f->Add("--container", "NS/POD/NAME", "a running container to checkpoint (required)",
         endpoint([p, e](const std::string& v) {
           absl::Status s = [&] {
             auto r = ParseContainerRef(v);
             if (!r.ok()) return r.status();
             e->main = *r;
             return absl::OkStatus();
           }();
           p->container = v;
           return s;
         }));
  f->Add("--other-containers", "NS/POD/NAME,...", "more running containers (concurrency)",
         endpoint([e](const std::string& v) {
           for (absl::string_view part : absl::StrSplit(v, ',', absl::SkipEmpty())) {
             auto r = ParseContainerRef(std::string(part));
             if (!r.ok()) return r.status();
             e->others.push_back(*r);
           }
           return absl::OkStatus();
         }));
  f->Add("--not-running-container", "NS/POD/NAME", "an exited container (500 not running)",
         endpoint([e, ref](const std::string& v) {
           ContainerRef r;
           absl::Status s = ref(&r)(v);
           e->not_running = r;
           return s;
         }));
  f->Add("--gate-disabled-url", "URL", "the same node with ContainerCheckpoint=false",
         endpoint([e](const std::string& v) {
           e->gate_disabled_url = v;
           return absl::OkStatus();
         }));
  f->Add("--root-dir", "DIR",
         "the endpoint's --root-dir (/var/lib/kubelet);\n"
         "file checks run when DIR/checkpoints is reachable",
         endpoint([e](std::string v) {
           if (v.empty() || v[0] != '/') return Why("must be an absolute path");
           while (v.size() > 1 && v.back() == '/') v.pop_back();
           e->root_dir = v;
           return absl::OkStatus();
         }));
  f->Add("--runtime-request-timeout", "DUR", "the endpoint's value (2m)",
         endpoint([e](const std::string& v) {
           auto ns = kit::ParseDurationNanos(v);
           if (!ns.ok()) return ns.status();
           if (*ns <= 0) return Why("must be more than 0");
           e->runtime_request_timeout = std::chrono::nanoseconds(*ns);
           return absl::OkStatus();
         }));
  f->Add("--max-clock-skew", "DUR", "allowed offset of the node's clock (0s)",
         endpoint([e](const std::string& v) {
           auto ns = kit::ParseDurationNanos(v);
           if (!ns.ok() || *ns < 0) return Why("not a duration of 0s or more");
           e->max_clock_skew =
               std::chrono::duration_cast<std::chrono::seconds>(std::chrono::nanoseconds(*ns));
           return absl::OkStatus();
         }));
  f->Add("--fake-cri-control", "unix:///...", "the fake-cri behind the endpoint: fault tests run",
         [o](const std::string& v) {
           if (v.rfind("unix:///", 0) != 0) return Why("expected unix:///path.sock");
           o->fake_cri_control = v;  // serves runtime mode too
           return absl::OkStatus();
         });

  f->Section("Runtime mode (CRI-level checks of CheckpointContainer):");
  f->Add("--runtime-endpoint", "unix:///...", "the runtime's CRI socket",
         [rt](const std::string& v) {
           if (v.rfind("unix:///", 0) != 0) return Why("expected unix:///path.sock");
           rt->endpoint = v;
           return absl::OkStatus();
         });
  f->AddString("--image", "REF",
               "image for the suite's own container\n"
               "(docker.io/library/busybox:latest), must be present",
               &rt->image);
  f->AddString("--runtime-handler", "NAME", "RunPodSandbox's runtime handler (\"\")",
               &rt->runtime_handler);
  f->Add("--checkpoint-dir", "DIR",
         "where checkpoint locations go (/tmp); the\n"
         "runtime and the suite must both see DIR",
         [rt](const std::string& v) {
           if (v.empty() || v[0] != '/') return Why("must be an absolute path");
           rt->checkpoint_dir = v;
           return absl::OkStatus();
         });

  f->Section("Judging:");
  f->Add("--kubelet-version", "1.X",
         "judge the node as kubelet 1.X (1.25 to 1.36); default:\n"
         "kubernetes_build_info on /metrics when readable, else\n"
         "accept every version's answer and report the match",
         [o](const std::string& v) {
           o->kubelet_minor = ParseKubeletMinor(v);
           if (!o->kubelet_minor) {
             return Why("expected a kubelet version from " + KubeletName(kOldestKubeletMinor) +
                        " to " + KubeletName(kNewestKubeletMinor) + " (1.28, or v1.28.3)");
           }
           return absl::OkStatus();
         });
  f->AddSwitch("--strict", "SHOULD requirements fail the run too", [o] { o->strict = true; });
  f->AddSwitch("--expect-enabled",
               "a node without the checkpoint API fails (default: one\n"
               "skip that says so, every other requirement skipped)",
               [o] { o->expect_enabled = true; });

  f->Section("Running:");
  auto regex = [](std::string* out) {
    return [out](const std::string& v) {
      try {
        std::regex check(v);
      } catch (const std::regex_error& err) {
        return Why(std::string("not a regular expression: ") + err.what());
      }
      *out = v;
      return absl::OkStatus();
    };
  };
  f->Add("--focus", "REGEX", "run the requirements whose id matches", regex(&o->run.focus));
  f->Add("--skip", "REGEX", "... but not these", regex(&o->run.skip));
  f->Add("--parallel", "N", "tests at a time (1)", [o](const std::string& v) {
    int n = 0;
    if (!absl::SimpleAtoi(v, &n) || n < 1 || n > 256) return Why("expected a number from 1 to 256");
    o->run.parallel = n;
    return absl::OkStatus();
  });
  f->Add("--timeout", "DUR", "per test (5m)", [o](const std::string& v) {
    auto ns = kit::ParseDurationNanos(v);
    if (!ns.ok()) return ns.status();
    if (*ns <= 0) return Why("must be more than 0");
    o->run.timeout =
        std::chrono::duration_cast<decltype(o->run.timeout)>(std::chrono::nanoseconds(*ns));
    return absl::OkStatus();
  });
  f->AddString("--report-dir", "DIR", "write DIR/junit.xml and DIR/results.json", &o->report_dir);
  f->AddSwitch("--list", "print the requirements and exit", [o] { o->list = true; });
  f->AddSwitch("--verbose", "the bundled stack's logs too (also -v)", [o] { o->verbose = true; });
  f->AddSwitch("-v", "", [o] { o->verbose = true; });
  f->AddSwitch("--help", "this help (also -h)", [o] { o->help = true; });
  f->AddSwitch("-h", "", [o] { o->help = true; });

  f->Section("Bundled stack only (for meta-tests):");
  f->AddStrings("--fake-cri-flag", "ARG", "pass ARG to its fake-cri (repeatable)",
                &o->fake_cri_flags);
  f->AddStrings("--endpoint-flag", "ARG", "pass ARG to its endpoint (repeatable)",
                &o->endpoint_flags);
}

}  // namespace

std::string OptionsUsage() {
  Parsed p;
  kit::FlagSet flags;
  RegisterFlags(&p, &flags);
  return absl::StrCat(R"(usage: checkpoint-conformance [flags]

Checks a checkpoint stack against the kubelet checkpoint API, requirement by
requirement. Without target flags it starts its own fake-cri and endpoint.

)",
                      flags.Usage(), R"(
Exit status: 0 no MUST requirement failed (nor, with --strict, any SHOULD
one), 1 some did, 2 bad flags or the target could not be set up.
)");
}

absl::StatusOr<ContainerRef> ParseContainerRef(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  if (parts.size() != 3 || parts[0].empty() || parts[1].empty() || parts[2].empty()) {
    return absl::InvalidArgumentError("\"" + text + "\" is not NAMESPACE/POD/CONTAINER");
  }
  return ContainerRef{parts[0], parts[1], parts[2]};
}

absl::StatusOr<Options> ParseOptions(const std::vector<std::string>& args) {
  Parsed p;
  p.rt.image = "docker.io/library/busybox:latest";
  kit::FlagSet flags;
  RegisterFlags(&p, &flags);
  auto positional = flags.Parse(args);
  if (!positional.ok()) return positional.status();
  if (!positional->empty()) {
    return absl::InvalidArgumentError("unexpected argument " + positional->front());
  }
  Options& o = p.o;
  EndpointTarget& e = p.e;
  RuntimeTarget& rt = p.rt;
  const std::string& client_cert = p.client_cert;
  const std::string& client_key = p.client_key;
  const std::string& denied_cert = p.denied_cert;
  const std::string& denied_key = p.denied_key;
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
  if (p.any_endpoint_flag) {
    if (e.url.empty())
      return absl::InvalidArgumentError("endpoint flags given without --endpoint-url");
    if (p.container.empty()) {
      return absl::InvalidArgumentError("--endpoint-url needs --container NS/POD/NAME");
    }
    o.endpoint = e;
  }
  if (!rt.endpoint.empty()) o.runtime = rt;
  if (!o.bundled() && (!o.fake_cri_flags.empty() || !o.endpoint_flags.empty())) {
    return absl::InvalidArgumentError(
        "--fake-cri-flag and --endpoint-flag apply to the bundled stack only");
  }
  return o;
}

}  // namespace conformance
