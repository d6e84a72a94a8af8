#ifndef ENDPOINT_HTTP_WIRE_H_
#define ENDPOINT_HTTP_WIRE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "endpoint/checkpoint_handler.h"

namespace endpoint {

// The head of an HTTP/1.x request, parsed as Go's net/http parses it (the
// kubelet's server): a request without Content-Length or chunked encoding has
// no body (RFC 9112 6.3), which is what `curl -X POST` sends.
struct RequestHead {
  std::string method;
  std::string target;   // as sent
  std::string path;     // percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  int minor_version = 1;  // HTTP/1.<minor>
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined by ", "
  bool chunked = false;
  int64_t content_length = 0;
  bool keep_alive = true;
};

// Parses everything up to (not including) the blank line. INVALID_ARGUMENT
// for a malformed head (answered 400); UNIMPLEMENTED for an encoding we do not
// take (501).
absl::StatusOr<RequestHead> ParseRequestHead(const std::string& head);

// Percent-decoding of a path ("%2F" stays a byte, '+' stays '+'); false when
// an escape is malformed.
bool PercentDecode(const std::string& in, bool plus_is_space, std::string* out);

// Go's url.ParseQuery order-preserving: "a=1&b=2&a=3". As since Go 1.17, a
// pair containing ';' is dropped (its raw text: an escaped %3B is fine), and
// so is one with a malformed escape.
std::vector<std::pair<std::string, std::string>> ParseQuery(const std::string& raw);

// A whole response: status line, Content-Type (when the answer has one),
// X-Content-Type-Options: nosniff (when the answer asks for it, as Go's
// http.Error does), Date, the answer's own headers, Content-Length,
// Connection: close when `close`.
std::string FormatResponse(const HttpAnswer& answer, bool close, int64_t now_unix_seconds);

const char* ReasonPhrase(int status);

}  // namespace endpoint

#endif  // ENDPOINT_HTTP_WIRE_H_
