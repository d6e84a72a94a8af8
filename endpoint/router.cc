#include "endpoint/router.h"

#include "absl/strings/str_split.h"
#include "endpoint/auth/attributes.h"
#include "endpoint/metrics.h"

namespace endpoint {
namespace {

constexpr char kCheckpointPrefix[] = "/checkpoint";

HttpAnswer Text(int status, std::string body) {
  HttpAnswer a;
  a.status = status;
  a.body = std::move(body);
  return a;
}

}  // namespace

Router::Router(bool checkpoint_gate, std::string node_name, Authenticator* authn,
               Authorizer* authz, CheckpointHandler* checkpoints, Metrics* metrics)
    : node_name_(std::move(node_name)),
      authn_(authn),
      authz_(authz),
      checkpoints_(checkpoints),
      metrics_(metrics) {
  // The ContainerCheckpoint gate decides whether the route exists at all.
  if (checkpoint_gate) routes_.push_back({kCheckpointPrefix, "POST"});
  routes_.push_back({"/healthz", ""});
  routes_.push_back({"/metrics", "GET"});
}

const Router::Route* Router::Match(const std::string& path) const {
  for (const Route& r : routes_) {
    if (path == r.prefix) return &r;
    // Only the checkpoint web service owns a subtree (go-restful registers
    // "/checkpoint" and "/checkpoint/").
    if (r.prefix == kCheckpointPrefix && path.compare(0, r.prefix.size() + 1, r.prefix + "/") == 0) {
      return &r;
    }
  }
  return nullptr;
}

RoutedAnswer Router::Serve(const HttpRequest& req) {
  RoutedAnswer out;
  const Route* route = Match(req.path);
  if (!route) {
    // Not registered: Go's mux answers before any filter runs.
    out.answer = Text(404, "404 page not found");
    return out;
  }

  // 1. Authenticate.
  AuthRequest ar{req.method, req.path, req.headers, req.peer_chain};
  AuthnResult who = authn_->Authenticate(ar);
  if (who.kind != AuthnResult::Kind::kAuthenticated) {
    out.answer = Text(401, "Unauthorized");
    return out;
  }
  out.user = who.user.name;

  // 2-3. Attributes, authorize.
  Attributes attrs = GetRequestAttributes(who.user, req.method, req.path, node_name_);
  AuthzDecision decision = authz_->Authorize(attrs);
  if (decision.kind == AuthzDecision::Kind::kError) {
    out.answer = Text(500, AuthorizationErrorText(attrs));
    return out;
  }
  if (decision.kind != AuthzDecision::Kind::kAllow) {
    out.answer = Text(403, ForbiddenText(attrs));
    return out;
  }

  // 4. Route.
  if (route->prefix == kCheckpointPrefix) {
    std::string rest = req.path.size() > route->prefix.size() + 1
                           ? req.path.substr(route->prefix.size() + 1)
                           : std::string();
    std::vector<std::string> parts = absl::StrSplit(rest, '/');
    bool well_formed = parts.size() == 3 && !parts[0].empty() && !parts[1].empty() &&
                       !parts[2].empty();
    if (!well_formed) {
      out.answer = Text(404, "404: Page Not Found");
      return out;
    }
    if (req.method != "POST") {
      out.answer = Text(405, "405: Method Not Allowed");
      out.answer.headers.push_back({"Allow", "POST"});
      return out;
    }
    CheckpointRequest cr;
    cr.ns = parts[0];
    cr.pod = parts[1];
    cr.container = parts[2];
    for (const auto& [k, v] : req.query) {
      if (k == "timeout") cr.timeout_values.push_back(v);
    }
    cr.cancelled = req.cancelled;
    out.answer = checkpoints_->Handle(cr);
    return out;
  }
  if (route->prefix == "/healthz") {
    out.answer = Text(200, "ok");
    return out;
  }
  // /metrics
  if (req.method != "GET") {
    out.answer = Text(405, "405: Method Not Allowed");
    out.answer.headers.push_back({"Allow", "GET"});
    return out;
  }
  out.answer = Text(200, metrics_->Render());
  out.answer.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return out;
}

}  // namespace endpoint
