#ifndef ENDPOINT_GO_ROUTING_H_
#define ENDPOINT_GO_ROUTING_H_

// What the kubelet's HTTP stack decides before and around its handlers, that
// comes from Go and go-restful rather than from the kubelet: Go's ServeMux
// (path cleaning, redirects, 404 for an unregistered path; net/http
// server.go) and go-restful's Accept check (jsr311.go detectRoute). The same
// in every kubelet version 1.25-1.36 except where a parameter says otherwise.
//
// Pure functions; thread-safe.

#include <string>
#include <vector>

#include "endpoint/checkpoint_handler.h"

namespace endpoint {

// Go's cleanPath: path.Clean (no empty, "." or ".." segments, a leading
// '/'), keeping one trailing slash if `path` had one.
std::string GoCleanPath(const std::string& path);

// A decoded path as Go's url.URL.String() writes it (EscapedPath, mode
// encodePath): bytes other than letters, digits, "-_.~$&+,/:;=@" escaped as %XX.
std::string GoEscapePath(const std::string& path);

// What the ServeMux does with a request: hand it to the handler registered
// for `pattern`, redirect it (before any handler, so before authentication),
// or answer http.NotFound.
struct MuxDecision {
  enum class Kind { kHandler, kRedirect, kNotFound };
  Kind kind = Kind::kNotFound;
  std::string pattern;   // kHandler: the pattern that matched
  std::string location;  // kRedirect: the Location header
};

// ServeMux.Handler (Go 1.19-1.21) and findHandler/matchOrRedirect (1.22+),
// which agree for these patterns: a pattern ending in '/' owns its subtree,
// any other only its exact path; the longest match wins. In order:
//   1. "/tree" when only "/tree/" is registered: redirect to "/tree/";
//   2. a path that GoCleanPath changes: redirect to the cleaned path;
//   3. the handler, or NotFound.
// Redirects keep the query (`raw_query`, as sent, without '?').
// REQUIRES: `path` is the decoded request path.
MuxDecision MatchServeMux(const std::vector<std::string>& patterns, const std::string& path,
                          const std::string& raw_query);

// http.NotFound: 404 "404 page not found\n", text/plain, nosniff.
HttpAnswer GoNotFound();

// http.RedirectHandler(location, kServeMuxRedirectStatus) for `method`:
// Location set; GET and HEAD get Content-Type text/html, and GET the body
// `<a href="...">Moved Permanently</a>.` plus two newlines; any other method
// (a POST) gets neither a Content-Type nor a body.
HttpAnswer GoRedirect(const std::string& method, const std::string& location);

// go-restful Route.matchesAccept for a route that produces only
// application/json: true when `accept` is empty, or one of its comma-separated
// entries (parameters after ';' and spaces dropped, matched case-sensitively)
// is "*/*" or "application/json". "application/*" is not enough.
bool RestfulAcceptsJson(const std::string& accept);

}  // namespace endpoint

#endif  // ENDPOINT_GO_ROUTING_H_
