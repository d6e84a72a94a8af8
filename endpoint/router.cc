#include "endpoint/router.h"

#include "absl/strings/str_split.h"
#include "endpoint/auth/attributes.h"
#include "endpoint/go_routing.h"
#include "endpoint/metrics.h"

namespace endpoint {
namespace {

// go-restful's WriteErrorString: the status and the bytes; Go sniffs the type.
HttpAnswer Text(int status, absl::string_view body) {
  HttpAnswer a;
  a.status = status;
  a.body = std::string(body);
  return a;
}

std::string Header(const HttpRequest& req, const std::string& name) {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? std::string() : it->second;
}

}  // namespace

Router::Router(RouterOptions options, Authenticator* authn, Authorizer* authz,
               CheckpointHandler* checkpoints, Metrics* metrics)
    : options_(std::move(options)),
      profile_(*options_.profile),
      authn_(authn),
      authz_(authz),
      checkpoints_(checkpoints),
      metrics_(metrics) {
  if (ServesCheckpointRoute(profile_, options_.checkpoint_gate,
                            options_.enable_debugging_handlers)) {
    // go-restful container.go addHandler: the root, and root + "/" when the
    // root has no trailing slash.
    const std::string root(profile_.route_root);
    routes_.push_back({root, Target::kCheckpoint});
    if (root.back() != '/') routes_.push_back({root + "/", Target::kCheckpoint});
  }
  routes_.push_back({"/healthz", Target::kHealthz});
  routes_.push_back({"/metrics", Target::kMetrics});
  for (const Route& r : routes_) patterns_.push_back(r.pattern);
}

RoutedAnswer Router::Serve(const HttpRequest& req) {
  RoutedAnswer out;
  // 1. Go's ServeMux, before any filter.
  MuxDecision mux = MatchServeMux(patterns_, req.path, req.raw_query);
  if (mux.kind == MuxDecision::Kind::kRedirect) {
    out.answer = GoRedirect(req.method, mux.location);
    return out;
  }
  if (mux.kind == MuxDecision::Kind::kNotFound) {
    out.answer = GoNotFound();
    return out;
  }
  Target target = Target::kMetrics;
  for (const Route& r : routes_) {
    if (r.pattern == mux.pattern) target = r.target;
  }

  // 2. Authenticate.
  AuthRequest ar{req.method, req.path, req.headers, req.peer_chain};
  AuthnResult who = authn_->Authenticate(ar);
  if (who.kind != AuthnResult::Kind::kAuthenticated) {
    out.answer = Text(401, "Unauthorized");
    return out;
  }
  out.user = who.user.name;

  // 3. Attributes, authorize.
  Attributes attrs = GetRequestAttributes(who.user, req.method, req.path, options_.node_name,
                                          profile_.checkpoint_subresource);
  AuthzDecision decision = authz_->Authorize(attrs);
  if (decision.kind == AuthzDecision::Kind::kError) {
    out.answer = Text(500, FormatAuthorizationText(profile_.authorization_error_format, attrs));
    return out;
  }
  if (decision.kind != AuthzDecision::Kind::kAllow) {
    out.answer = Text(403, FormatAuthorizationText(profile_.forbidden_format, attrs));
    return out;
  }

  // 4-5. The route, then its handler.
  switch (target) {
    case Target::kCheckpoint:
      out.answer = ServeCheckpoint(req);
      return out;
    case Target::kHealthz:
      out.answer = Text(200, "ok");
      return out;
    case Target::kMetrics:
      break;
  }
  if (req.method != "GET") {
    out.answer = Text(405, kRestfulMethodNotAllowedBody);
    out.answer.headers.push_back({"Allow", "GET"});
    return out;
  }
  out.answer = Text(200, metrics_->Render());
  out.answer.content_type = Metrics::kContentType;
  return out;
}

HttpAnswer Router::ServeCheckpoint(const HttpRequest& req) {
  // CurlyRouter: tokenizePath trims the slashes at both ends (so a trailing
  // slash is fine) and the route is /checkpoint/{podNamespace}/{podID}/
  // {containerName}: four tokens.
  absl::string_view trimmed = req.path;
  while (!trimmed.empty() && trimmed.front() == '/') trimmed.remove_prefix(1);
  while (!trimmed.empty() && trimmed.back() == '/') trimmed.remove_suffix(1);
  std::vector<std::string> tokens = absl::StrSplit(trimmed, '/');
  if (tokens.size() != 4 || tokens[0] != "checkpoint") return Text(404, kRestfulNotFoundBody);
  if (req.method != "POST") {
    HttpAnswer a = Text(405, kRestfulMethodNotAllowedBody);
    a.headers.push_back({"Allow", "POST"});
    return a;
  }
  // The web service produces application/json only.
  if (!RestfulAcceptsJson(Header(req, "accept"))) {
    // Header.Get("Content-Length"); Go drops the header of a chunked request.
    const std::string length =
        req.headers.count("transfer-encoding") ? std::string() : Header(req, "content-length");
    const bool is_415 =
        length.empty() || (length == "0" && profile_.unacceptable_zero_length_post_is_415);
    return is_415 ? Text(415, kRestfulUnsupportedMediaTypeBody)
                  : Text(406, kRestfulNotAcceptableBody);
  }
  CheckpointRequest cr;
  cr.ns = tokens[1];
  cr.pod = tokens[2];
  cr.container = tokens[3];
  for (const auto& [k, v] : req.query) {
    if (k == "timeout") cr.timeout_values.push_back(v);
  }
  cr.cancelled = req.cancelled;
  return checkpoints_->Handle(cr);
}

}  // namespace endpoint
