#ifndef FAKE_CRI_STREAMING_HTTP_REQUEST_H_
#define FAKE_CRI_STREAMING_HTTP_REQUEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "fake-cri/streaming/go_http.h"

namespace fakecri {

// One HTTP/1.1 request as the streaming server needs it.
struct HttpRequest {
  std::string method;  // "GET"
  std::string target;  // "/exec/abcdefgh?x=1"
  HttpHeaders headers;
  std::string leftover;  // bytes after the request: a WebSocket client's first frames
};

// Reads one request from `fd` with Boost.Beast's parser (64 KiB of headers,
// 1 MiB of body at most). NOT_FOUND when the connection closes first,
// INVALID_ARGUMENT for what is not HTTP.
absl::StatusOr<HttpRequest> ReadHttpRequest(int fd);

// The first value of a header, "" when absent.
std::string HeaderValue(const HttpHeaders& headers, absl::string_view name);

}  // namespace fakecri

#endif  // FAKE_CRI_STREAMING_HTTP_REQUEST_H_
