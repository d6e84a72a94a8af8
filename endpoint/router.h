#ifndef ENDPOINT_ROUTER_H_
#define ENDPOINT_ROUTER_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "endpoint/auth/auth.h"
#include "endpoint/checkpoint_handler.h"
#include "endpoint/http_message.h"
#include "endpoint/kubelet_profile.h"

namespace endpoint {

class Metrics;

struct RoutedAnswer {
  HttpAnswer answer;
  std::string user;  // who the request was made as, for the access log ("" = not authenticated)
};

struct RouterOptions {
  // The kubelet version answered as. REQUIRED; outlives the router.
  const KubeletProfile* profile = nullptr;
  // ContainerCheckpoint, already defaulted from the profile.
  bool checkpoint_gate = true;
  // --enable-debugging-handlers. Default: true, as the kubelet.
  bool enable_debugging_handlers = true;
  // This node's name, for authorization.
  std::string node_name;
};

// One route, everything about it in one entry, as the kubelet registers a
// handler together with its ServeMux pattern, its go-restful route and its
// metrics bucket (pkg/kubelet/server/server.go). A new route is a new entry.
// Its authorization attributes come from the path, by the kubelet's own
// GetRequestAttributes (auth/attributes.h), not from the entry.
struct Route {
  // As registered with Go's ServeMux: a pattern ending in '/' owns its subtree.
  std::string pattern;
  // The path bucket of kubelet_http_requests_total ("checkpoint").
  std::string metrics_label;
  // go-restful's route selection, after authorization: the number of path
  // segments of the route's template (0: any path under the pattern; else a
  // path with another count is 404 "404: Page Not Found"), the one method it
  // serves ("" any; another is 405 with Allow), and whether it produces only
  // JSON (an Accept that excludes it is 415 or 406, profile.h).
  size_t segments = 0;
  std::string method;
  bool produces_json = false;
  // The handler, given the request and its path segments (slashes trimmed at
  // both ends, as go-restful's CurlyRouter tokenizes).
  std::function<HttpAnswer(const HttpRequest&, const std::vector<std::string>&)> handler;
};

// The routes a kubelet serves on its secure port that this endpoint serves,
// answered as the kubelet of `profile` answers. Order of checks:
//   1. Go's ServeMux, before any authentication: an unclean path (empty, "."
//      or ".." segments) is redirected to its cleaned form, "/checkpoint" to
//      "/checkpoint/" where only the subtree is registered (1.30+), and an
//      unregistered path is Go's 404 (the checkpoint route is unregistered
//      with the gate off, and on 1.33+ without debugging handlers);
//   2. authenticate (401);
//   3. attributes and authorize (403, or 500 when the authorizer fails), in
//      the profile's words and with its subresource;
//   4. go-restful's route selection (Route above);
//   5. the handler.
// Steps 1-2 (Admit) come before the server reads the request's body, 3-5
// (Handle) after. Thread-safe.
class Router {
 public:
  Router(RouterOptions options, Authenticator* authn, Authorizer* authz,
         CheckpointHandler* checkpoints, Metrics* metrics);

  // What steps 1-2 decided.
  struct Admission {
    // A final answer (a redirect, 404 or 401): the request goes no further.
    std::optional<HttpAnswer> answer;
    const Route* route = nullptr;
    UserInfo user;
    // Authenticated as someone other than system:anonymous.
    bool authenticated = false;
  };
  Admission Admit(const HttpRequest& request);
  // Steps 3-5. REQUIRES: `admission` is Admit(request)'s, without an answer.
  RoutedAnswer Handle(const HttpRequest& request, const Admission& admission);
  // Admit, then Handle.
  RoutedAnswer Serve(const HttpRequest& request);

  // The path bucket of the request metrics for `path`: the label of the route
  // whose pattern has the path's first segment, else "other" (the kubelet's
  // getMetricBucket).
  std::string MetricsLabel(const std::string& path) const;

  // Every route registered (for the test that each has an auth case).
  const std::vector<Route>& routes() const { return routes_; }

 private:
  HttpAnswer ServeCheckpoint(const HttpRequest& request, const std::vector<std::string>& segments);

  RouterOptions options_;
  const KubeletProfile& profile_;
  Authenticator* authn_;
  Authorizer* authz_;
  CheckpointHandler* checkpoints_;
  Metrics* metrics_;
  std::vector<Route> routes_;
  std::vector<std::string> patterns_;
};

}  // namespace endpoint

#endif  // ENDPOINT_ROUTER_H_
