#ifndef ENDPOINT_HTTP_MESSAGE_H_
#define ENDPOINT_HTTP_MESSAGE_H_

// One HTTP request as the router and the handlers see it, and one answer before
// it meets the wire. The HTTP library's types stay in the server and the
// request reader. Plain values; thread-compatible.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace endpoint {

struct HttpRequest {
  std::string method;
  std::string target;                                      // as sent
  std::string path;                                        // without the query, percent-decoded
  std::string raw_query;                                   // after '?', as sent (for redirects)
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  // Lower-case names, each with its FIRST value, as Go's Header.Get reads it:
  // of two Authorization headers the first is used, never both joined.
  std::map<std::string, std::string> headers;
  int minor_version = 1;                // HTTP/1.<minor>
  bool keep_alive = true;               // what the request asked for (Connection, version)
  bool has_body = false;                // Content-Length > 0, or chunked
  bool expect_continue = false;         // Expect: 100-continue
  std::vector<std::string> peer_chain;  // client certificate chain, PEM, unverified
  // Whether the client has gone away (or the server gives up on the request):
  // polled by long handlers, which then cancel their work. May be empty.
  std::function<bool()> cancelled;
};

struct HttpAnswer {
  int status = 200;
  std::string body;
  // What Go's net/http sniffs for a text body written without a Content-Type
  // (go-restful's WriteErrorString sets none). Empty: no Content-Type header
  // (Go sends none for an empty body, e.g. a redirect answering a POST).
  std::string content_type = "text/plain; charset=utf-8";
  // X-Content-Type-Options: nosniff, which Go's http.Error (so http.NotFound)
  // sets and go-restful's error writer does not.
  bool nosniff = false;
  std::vector<std::pair<std::string, std::string>> headers;
  uint64_t archive_bytes = 0;  // for the access log
};

// A plain-text answer: `status` and `body`, the default Content-Type.
inline HttpAnswer TextAnswer(int status, std::string body) {
  HttpAnswer a;
  a.status = status;
  a.body = std::move(body);
  return a;
}

}  // namespace endpoint

#endif  // ENDPOINT_HTTP_MESSAGE_H_
