#include "fake-cri/streaming/http_request.h"

#include <sys/socket.h>

#include "absl/strings/match.h"
#include "common/beast_chunked.h"

// GCC 12 warns (maybe-uninitialized, a false positive of its middle end) inside
// Beast's parser when it is inlined into a sanitizer build; the warning is
// about boost::optional in Beast's own code, not ours. Clang has no such
// warning (and would refuse the unknown name under -Werror).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "boost/beast/http.hpp"

namespace fakecri {

namespace http = boost::beast::http;

absl::StatusOr<HttpRequest> ReadHttpRequest(int fd) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(1 << 20);
  parser.eager(true);
  std::string pending;
  char buf[8192];
  while (!parser.is_done()) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return absl::NotFoundError("the connection closed before a request");
    pending.append(buf, static_cast<size_t>(n));
    if (!kit::BeastMayParse(parser.is_header_done(), parser.chunked(), pending.size())) continue;
    boost::beast::error_code ec;
    const size_t used = parser.put(boost::asio::buffer(pending), ec);
    pending.erase(0, used);
    if (ec == http::error::need_more) continue;
    if (ec) return absl::InvalidArgumentError(ec.message());
  }
  const http::request<http::string_body>& req = parser.get();
  HttpRequest out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& f : req)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.leftover = std::move(pending);
  return out;
}

std::string HeaderValue(const HttpHeaders& headers, absl::string_view name) {
  for (const auto& [k, v] : headers) {
    if (absl::EqualsIgnoreCase(k, name)) return v;
  }
  return "";
}

}  // namespace fakecri

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
