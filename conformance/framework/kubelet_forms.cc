#include "conformance/framework/kubelet_forms.h"

#include <regex>

#include "conformance/framework/http_client.h"

namespace conformance {

std::string KubeletName(int minor) { return "1." + std::to_string(minor); }

std::optional<int> ParseKubeletMinor(const std::string& text) {
  static const std::regex kVersion(R"(v?1\.([0-9]+)(\.[0-9]+)?([-+].*)?)");
  std::smatch m;
  if (!std::regex_match(text, m, kVersion)) return std::nullopt;
  int minor = std::stoi(m[1].str());
  if (minor < kOldestKubeletMinor || minor > kNewestKubeletMinor) return std::nullopt;
  return minor;
}

std::string Describe(const Form& f) {
  std::string out = std::to_string(f.status) + " " + Quote(f.body);
  if (!f.location.empty()) out += " Location: " + f.location;
  return out;
}

// kubernetes pkg/kubelet/server/server.go InstallAuthFilter: the 403 text;
// auth.go GetRequestAttributes: the subresource.
Form Forbidden(int minor, const std::string& user) {
  const std::string who = "Forbidden (user=" + user + ", verb=create, resource=nodes, ";
  if (minor >= 32) return {403, who + "subresource(s)=[checkpoint])\n", ""};
  if (minor >= 30) return {403, who + "subresource=checkpoint)", ""};
  return {403, who + "subresource=proxy)", ""};
}

// server.go: ws.Path("/checkpoint") up to 1.29, checkpointPath = "/checkpoint/"
// from 1.30; go-restful container.go dispatch; Go net/http ServeMux redirect
// (301, no body for a POST).
Form PostCheckpointRoot(int minor, bool authenticated) {
  if (minor >= 30) return {301, "", "/checkpoint/"};
  if (!authenticated) return {401, "Unauthorized", ""};
  return {404, "404: Page Not Found", ""};
}

// go-restful jsr311.go detectRoute: 415 when the request has no
// Content-Length; v3.12.0 (kubelet 1.34) also when it is "0".
Form NonJsonAccept(int minor, bool content_length_zero) {
  const std::string available = "\n\nAvailable representations: application/json";
  if (content_length_zero && minor <= 33) return {406, "406: Not Acceptable" + available, ""};
  return {415, "415: Unsupported Media Type" + available, ""};
}

std::string MatchingVersions(const std::function<Form(int)>& expected, const Form& got) {
  std::string out;
  int start = -1;
  for (int m = kOldestKubeletMinor; m <= kNewestKubeletMinor + 1; ++m) {
    const bool match = m <= kNewestKubeletMinor && expected(m) == got;
    if (match && start < 0) start = m;
    if (!match && start >= 0) {
      if (!out.empty()) out += ", ";
      out += start == m - 1 ? KubeletName(start) : KubeletName(start) + "-" + KubeletName(m - 1);
      start = -1;
    }
  }
  return out;
}

}  // namespace conformance
