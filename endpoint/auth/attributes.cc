#include "endpoint/auth/attributes.h"

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/strings/substitute.h"

namespace endpoint {
namespace {

// The kubelet's isSubpath (pkg/kubelet/server/auth.go): `path` loses one
// trailing slash, then `subpath` must equal it or continue it with '/'. So
// "/stats" and "/stats/summary" are under "/stats/", "/statsfoo" is not.
bool IsSubpath(absl::string_view subpath, absl::string_view path) {
  absl::ConsumeSuffix(&path, "/");
  return subpath == path || (absl::StartsWith(subpath, path) && subpath.size() > path.size() &&
                             subpath[path.size()] == '/');
}

// The handler paths, spelled as the kubelet's constants are
// (pkg/kubelet/server/server.go: statsPath "/stats/", metricsPath "/metrics",
// logsPath "/logs/", checkpointPath "/checkpoint/").
constexpr absl::string_view kStatsPath = "/stats/";
constexpr absl::string_view kMetricsPath = "/metrics";
constexpr absl::string_view kLogsPath = "/logs/";
constexpr absl::string_view kCheckpointPath = "/checkpoint/";

}  // namespace

std::string VerbForMethod(const std::string& method) {
  if (method == "POST") return "create";
  if (method == "GET") return "get";
  if (method == "PUT") return "update";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return "delete";
  return "";
}

std::string SubresourceForPath(const std::string& path, bool checkpoint_subresource) {
  if (IsSubpath(path, kStatsPath)) return "stats";
  if (IsSubpath(path, kMetricsPath)) return "metrics";
  // "log" to match the other log subresources (pods/log).
  if (IsSubpath(path, kLogsPath)) return "log";
  if (checkpoint_subresource && IsSubpath(path, kCheckpointPath)) return "checkpoint";
  return "proxy";
}

Attributes GetRequestAttributes(const UserInfo& user, const std::string& method,
                                const std::string& path, const std::string& node_name,
                                bool checkpoint_subresource) {
  Attributes attributes;
  attributes.user = user;
  attributes.verb = VerbForMethod(method);
  attributes.namespace_ = "";
  attributes.resource = "nodes";
  attributes.name = node_name;
  attributes.subresource = SubresourceForPath(path, checkpoint_subresource);
  attributes.api_group = "";
  attributes.api_version = "v1";
  attributes.resource_request = true;
  attributes.path = path;
  return attributes;
}

std::string FormatAuthorizationText(absl::string_view format, const Attributes& attributes) {
  return absl::Substitute(format, attributes.user.name, attributes.verb, attributes.resource,
                          attributes.subresource);
}

}  // namespace endpoint
