#ifndef ENDPOINT_ROUTER_H_
#define ENDPOINT_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "endpoint/auth/auth.h"
#include "endpoint/checkpoint_handler.h"

namespace endpoint {

class Metrics;

// One request as the router needs it (the HTTP library's types stay in the server).
struct HttpRequest {
  std::string method;
  std::string path;  // without the query, percent-decoded
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::vector<std::string> peer_chain;         // client certificate chain, PEM, unverified
  std::function<bool()> cancelled;
};

struct RoutedAnswer {
  HttpAnswer answer;
  std::string user;  // who the request was made as, for the access log ("" = not authenticated)
};

// The routes a kubelet serves on its secure port that this endpoint serves.
// Order of checks (shared/spec/endpoint-contract.md): an unregistered path is a
// plain 404 before any authentication (with the ContainerCheckpoint gate off,
// /checkpoint/ is unregistered); then authenticate (401), compute attributes,
// authorize (403, or 500 when the authorizer fails); then route (405 with
// `Allow`, 404 for a malformed checkpoint path); then the handler.
// Thread-safe.
class Router {
 public:
  struct Route {
    std::string prefix;  // "/checkpoint/", "/healthz", "/metrics"
    std::string allowed_method;
  };

  Router(bool checkpoint_gate, std::string node_name, Authenticator* authn, Authorizer* authz,
         CheckpointHandler* checkpoints, Metrics* metrics);

  RoutedAnswer Serve(const HttpRequest& request);
  // Every route registered (for the test that each has an auth case).
  const std::vector<Route>& routes() const { return routes_; }

 private:
  const Route* Match(const std::string& path) const;

  std::string node_name_;
  Authenticator* authn_;
  Authorizer* authz_;
  CheckpointHandler* checkpoints_;
  Metrics* metrics_;
  std::vector<Route> routes_;
};

}  // namespace endpoint

#endif  // ENDPOINT_ROUTER_H_
