#include "endpoint/router.h"

#include "absl/strings/str_split.h"
#include "endpoint/auth/attributes.h"
#include "endpoint/auth/well_known_users.h"
#include "endpoint/go_routing.h"
#include "endpoint/metrics.h"

namespace endpoint {
namespace {

std::string Header(const HttpRequest& req, const std::string& name) {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? std::string() : it->second;
}

// CurlyRouter.tokenizePath: the slashes at both ends trimmed, then split.
std::vector<std::string> Segments(absl::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  return absl::StrSplit(path, '/');
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
  // The table. go-restful container.go addHandler registers a web service's
  // root, and root + "/" when the root has no trailing slash.
  if (ServesCheckpointRoute(profile_, options_.checkpoint_gate,
                            options_.enable_debugging_handlers)) {
    const std::string root(profile_.route_root);
    std::vector<std::string> patterns = {root};
    if (root.back() != '/') patterns.push_back(root + "/");
    for (const std::string& pattern : patterns) {
      // /checkpoint/{podNamespace}/{podID}/{containerName}, POST, JSON.
      routes_.push_back({pattern, "checkpoint", 4, "POST", true,
                         [this](const HttpRequest& r, const std::vector<std::string>& s) {
                           return ServeCheckpoint(r, s);
                         }});
    }
  }
  routes_.push_back(
      {"/healthz", "healthz", 0, "", false,
       [](const HttpRequest&, const std::vector<std::string>&) { return TextAnswer(200, "ok"); }});
  routes_.push_back({"/metrics", "metrics", 0, "GET", false,
                     [this](const HttpRequest&, const std::vector<std::string>&) {
                       HttpAnswer a = TextAnswer(200, metrics_->Render());
                       a.content_type = Metrics::kContentType;
                       return a;
                     }});
  for (const Route& r : routes_) patterns_.push_back(r.pattern);
}

std::string Router::MetricsLabel(const std::string& path) const {
  const absl::string_view rest = absl::string_view(path).substr(path.empty() ? 0 : 1);
  const absl::string_view first = rest.substr(0, rest.find('/'));
  for (const Route& r : routes_) {
    if (r.metrics_label == first) return r.metrics_label;
  }
  return "other";
}

Router::Admission Router::Admit(const HttpRequest& req) {
  Admission out;
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
  for (const Route& r : routes_) {
    if (r.pattern == mux.pattern) out.route = &r;
  }

  // 2. Authenticate.
  AuthRequest ar{req.method, req.path, req.headers, req.peer_chain};
  AuthnResult who = authn_->Authenticate(ar);
  if (who.kind != AuthnResult::Kind::kAuthenticated) {
    out.answer = TextAnswer(401, "Unauthorized");
    return out;
  }
  out.user = std::move(who.user);
  out.authenticated = out.user.name != kAnonymousUser;
  return out;
}

RoutedAnswer Router::Handle(const HttpRequest& req, const Admission& admission) {
  RoutedAnswer out;
  out.user = admission.user.name;
  // 3. Attributes, authorize.
  Attributes attrs = GetRequestAttributes(admission.user, req.method, req.path, options_.node_name,
                                          profile_.checkpoint_subresource);
  AuthzDecision decision = authz_->Authorize(attrs);
  if (decision.kind == AuthzDecision::Kind::kError) {
    out.answer =
        TextAnswer(500, FormatAuthorizationText(profile_.authorization_error_format, attrs));
    return out;
  }
  if (decision.kind != AuthzDecision::Kind::kAllow) {
    out.answer = TextAnswer(403, FormatAuthorizationText(profile_.forbidden_format, attrs));
    return out;
  }

  // 4. go-restful's route selection.
  const Route& route = *admission.route;
  const std::vector<std::string> segments = Segments(req.path);
  if (route.segments != 0 && segments.size() != route.segments) {
    out.answer = TextAnswer(404, std::string(kRestfulNotFoundBody));
    return out;
  }
  if (!route.method.empty() && req.method != route.method) {
    out.answer = TextAnswer(405, std::string(kRestfulMethodNotAllowedBody));
    out.answer.headers.push_back({"Allow", route.method});
    return out;
  }
  if (route.produces_json && !RestfulAcceptsJson(Header(req, "accept"))) {
    // Header.Get("Content-Length"); Go drops the header of a chunked request.
    const std::string length =
        req.headers.count("transfer-encoding") ? std::string() : Header(req, "content-length");
    const bool is_415 =
        length.empty() || (length == "0" && profile_.unacceptable_zero_length_post_is_415);
    out.answer = is_415 ? TextAnswer(415, std::string(kRestfulUnsupportedMediaTypeBody))
                        : TextAnswer(406, std::string(kRestfulNotAcceptableBody));
    return out;
  }

  // 5. The handler.
  out.answer = route.handler(req, segments);
  return out;
}

RoutedAnswer Router::Serve(const HttpRequest& req) {
  Admission admission = Admit(req);
  if (admission.answer) {
    RoutedAnswer out;
    out.answer = std::move(*admission.answer);
    out.user = admission.user.name;
    return out;
  }
  return Handle(req, admission);
}

HttpAnswer Router::ServeCheckpoint(const HttpRequest& req,
                                   const std::vector<std::string>& segments) {
  // /checkpoint/{podNamespace}/{podID}/{containerName}
  CheckpointRequest cr;
  cr.ns = segments[1];
  cr.pod = segments[2];
  cr.container = segments[3];
  for (const auto& [k, v] : req.query) {
    if (k == "timeout") cr.timeout_values.push_back(v);
  }
  cr.cancelled = req.cancelled;
  return checkpoints_->Handle(cr);
}

}  // namespace endpoint
