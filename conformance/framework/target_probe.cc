#include "conformance/framework/target_probe.h"

#include <regex>

#include "conformance/framework/http_client.h"
#include "conformance/framework/kubelet_forms.h"

namespace conformance {

std::string BuildInfoGitVersion(const std::string& text) {
  static const std::regex kLine(
      R"re((^|\n)kubernetes_build_info\{[^}\n]*git_version="([^"\n]*)")re");
  std::smatch m;
  return std::regex_search(text, m, kLine) ? m[2].str() : "";
}

void ProbeEndpoint(EndpointTarget* e, std::optional<int> forced_minor,
                   std::chrono::milliseconds timeout) {
  KubeletFacts& k = e->kubelet;
  if (forced_minor) {
    k.minor = forced_minor;
    k.version_source = "--kubelet-version";
  } else {
    HttpResult m = SendRequest(*e, e->url, "GET", "/metrics", e->allowed, timeout);
    std::string git = m.sent && m.status == 200 ? BuildInfoGitVersion(m.body) : "";
    if (auto minor = ParseKubeletMinor(git)) {
      k.minor = minor;
      k.version_source = "kubernetes_build_info on /metrics (" + git + ")";
    } else if (!git.empty()) {
      k.version_source = "kubernetes_build_info says " + git +
                         ", a version the suite does not know: every version's forms accepted";
    } else {
      k.version_source = "unknown (/metrics " +
                         std::string(m.sent ? "answered " + std::to_string(m.status) +
                                                  " without kubernetes_build_info"
                                            : "unreachable") +
                         "; pass --kubelet-version): every version's forms accepted";
    }
  }
  const std::string probe =
      "/checkpoint/" + e->main.ns + "/conformance-probe-no-such-pod/" + e->main.name;
  HttpResult r = SendRequest(*e, e->url, "POST", probe, e->allowed, timeout);
  if (r.sent && r.status == 404 &&
      (r.body == "404 page not found\n" || r.body == "404 page not found")) {
    k.api_registered = false;
    k.api_absent_answer = "POST " + probe + " answered " + r.Describe();
  }
  if (!k.api_registered) return;  // the route's 404 comes before any authentication
  HttpResult anonymous = SendRequest(*e, e->url, "POST", probe, Credentials{}, timeout);
  if (anonymous.sent && anonymous.status != 401) {
    k.anonymous = true;
    k.anonymous_answer = "POST " + probe + " without credentials answered " + anonymous.Describe();
  }
}

}  // namespace conformance
