#ifndef FAKE_CRI_STREAMING_GO_HTTP_H_
#define FAKE_CRI_STREAMING_GO_HTTP_H_

// HTTP answers as the Go servers behind containerd's streaming URLs write
// them (net/http, go-restful), byte for byte, and the request helpers they
// rely on.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace fakecri {

// A request's header fields, in order, as received.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// Go's http.TimeFormat of now ("Thu, 26 Nov 2026 14:22:40 GMT").
std::string HttpDate();

// What Go's http.Error writes: plain text, nosniff, `body` as given (the
// caller adds the newline http.Error adds; remotecommand's failed
// negotiation writes it twice).
std::string GoHttpError(int code, const char* status, const std::string& body,
                        const std::vector<std::string>& extra_headers = {});

// go-restful's answer for a path no route takes: "404: Page Not Found".
std::string RestfulNotFound();

// Query-string decoding: %XX and '+'.
std::string UrlDecode(absl::string_view s);
// Every value of `key` in a query string ("port=80&port=81").
std::vector<std::string> QueryValues(absl::string_view query, absl::string_view key);

// Go's textproto.CanonicalMIMEHeaderKey ("x-stream-protocol-version" ->
// "X-Stream-Protocol-Version").
std::string CanonicalHeader(absl::string_view name);

// Every value of a header, comma lists split and trimmed (httpstream.Handshake).
std::vector<std::string> HeaderValues(const HttpHeaders& headers, absl::string_view name);

// %#v of a Go http.Header (keys canonical and sorted, Host left out), as the
// SPDY upgrader's error prints it.
std::string GoHeaderDump(const HttpHeaders& headers);

}  // namespace fakecri

#endif  // FAKE_CRI_STREAMING_GO_HTTP_H_
