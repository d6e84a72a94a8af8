#ifndef ENDPOINT_HTTP_WIRE_H_
#define ENDPOINT_HTTP_WIRE_H_

// The wire forms the server writes and the URL rules it reads by, as Go's
// net/http and net/url have them. Request framing (request line, headers,
// bodies) is Boost.Beast's, in http_request_reader.h. Pure functions;
// thread-safe.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "endpoint/http_message.h"

namespace endpoint {

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
// Connection: close when `close`, then the body. The answer to a HEAD request
// (`head`) has the same headers and no body, and, as Go's net/http writes it,
// a Content-Length only when the handler's body was not empty.
std::string FormatResponse(const HttpAnswer& answer, bool close, int64_t now_unix_seconds,
                           bool head = false);

const char* ReasonPhrase(int status);

}  // namespace endpoint

#endif  // ENDPOINT_HTTP_WIRE_H_
