#ifndef ENDPOINT_ROUTER_H_
#define ENDPOINT_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "endpoint/auth/auth.h"
#include "endpoint/checkpoint_handler.h"
#include "endpoint/kubelet_profile.h"

namespace endpoint {

class Metrics;

// One request as the router needs it (the HTTP library's types stay in the server).
struct HttpRequest {
  std::string method;
  std::string path;       // without the query, percent-decoded
  std::string raw_query;  // after '?', as sent (for redirects)
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::vector<std::string> peer_chain;         // client certificate chain, PEM, unverified
  std::function<bool()> cancelled;
};

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
//   4. go-restful's route selection: 404 for a checkpoint path with the wrong
//      number of segments, 405 with `Allow` for another method, 415 or 406
//      for an Accept that excludes application/json;
//   5. the handler.
// Thread-safe.
class Router {
 public:
  enum class Target { kCheckpoint, kHealthz, kMetrics };
  struct Route {
    std::string pattern;  // as registered with the ServeMux
    Target target;
  };

  Router(RouterOptions options, Authenticator* authn, Authorizer* authz,
         CheckpointHandler* checkpoints, Metrics* metrics);

  RoutedAnswer Serve(const HttpRequest& request);
  // Every pattern registered (for the test that each has an auth case).
  const std::vector<Route>& routes() const { return routes_; }

 private:
  HttpAnswer ServeCheckpoint(const HttpRequest& request);

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
