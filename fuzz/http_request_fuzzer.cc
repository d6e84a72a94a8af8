// libFuzzer target: HTTP requests as strangers send them, through the
// endpoint's request reader (Boost.Beast's parser and our rules on top), the
// answer it words, and the URL rules (Go's path cleaning, query parsing,
// Accept matching) the router applies to what it reads.
//
// Input: byte 0 picks how the stream arrives (whole, or in pieces of 1-16
// bytes, as a trickling client sends it); the rest is the stream. Several
// requests may follow one another (pipelining), as on a keep-alive connection.
#include <cstddef>
#include <cstdint>
#include <string>

#include "endpoint/go_routing.h"
#include "endpoint/http_request_reader.h"
#include "endpoint/http_wire.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = data[0] % 17;  // 0: all at once
  std::string stream(reinterpret_cast<const char*>(data + 1), size - 1);
  endpoint::HttpLimits limits;
  limits.max_head_bytes = 4096;  // small, so the limits are reached too
  limits.max_body_bytes = 4096;

  std::string buffer;  // received, not yet consumed
  size_t offered = 0;
  for (int request = 0; request < 8; ++request) {
    endpoint::HttpRequestReader reader(limits);
    // The head, as the server's read loop offers it.
    for (;;) {
      const size_t used = reader.ReadHead(buffer);
      Check(used <= buffer.size());
      if (reader.error() || reader.head_done()) {
        buffer.erase(0, used);
        break;
      }
      Check(used == 0);
      if (offered == stream.size()) return 0;
      const size_t n =
          piece == 0 ? stream.size() - offered : std::min(piece, stream.size() - offered);
      buffer.append(stream, offered, n);
      offered += n;
    }
    if (reader.error()) {
      const endpoint::HttpReadError& e = *reader.error();
      Check(e.status >= 400 && e.status < 600);
      Check(endpoint::FormatResponse(endpoint::AnswerFor(e), true, 0).find("\r\n\r\n") !=
            std::string::npos);
      return 0;  // the server closes here
    }
    const endpoint::HttpRequest& r = reader.request();
    Check(!r.path.empty() && r.path[0] == '/');
    const std::string cleaned = endpoint::GoCleanPath(r.path);
    Check(!cleaned.empty() && cleaned[0] == '/');
    (void)endpoint::GoEscapePath(cleaned);
    (void)endpoint::MatchServeMux({"/checkpoint/", "/healthz", "/metrics"}, r.path, r.raw_query);
    auto accept = r.headers.find("accept");
    (void)endpoint::RestfulAcceptsJson(accept == r.headers.end() ? "" : accept->second);
    // The body, as the server reads it once the request is admitted.
    while (!reader.done() && !reader.error()) {
      const size_t used = reader.ReadBody(buffer);
      Check(used <= buffer.size());
      buffer.erase(0, used);
      if (reader.done() || reader.error()) break;
      if (offered == stream.size()) return 0;
      const size_t n =
          piece == 0 ? stream.size() - offered : std::min(piece, stream.size() - offered);
      buffer.append(stream, offered, n);
      offered += n;
    }
    if (reader.error()) return 0;
    Check(reader.body_bytes() <= limits.max_body_bytes);
    if (!r.keep_alive) return 0;
  }
  return 0;
}
