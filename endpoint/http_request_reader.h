#ifndef ENDPOINT_HTTP_REQUEST_READER_H_
#define ENDPOINT_HTTP_REQUEST_READER_H_

// Reads HTTP/1.x requests off a byte stream with Boost.Beast's request parser
// (fuzzed upstream, and by fuzz/http_request_fuzzer.cc here); no request-line,
// header or chunk parsing of our own. The endpoint's rules on top of Beast's,
// each answered with a precise status after which the server closes the
// connection (RFC 9112: once framing is in doubt the stream cannot be trusted):
//   - malformed request line, header, Content-Length or chunk (sizes such as
//     "0x5", "+5", "-0"; no CRLF after chunk data), a NUL or another control
//     character in a header, a bare LF or CR as a line end, a target that is not
//     an absolute path or holds a malformed %-escape: 400 Bad Request;
//   - Content-Length with Transfer-Encoding, two different Content-Lengths, a
//     Content-Length that is not plain digits ("+5", "5, 5"): 400;
//   - HTTP/1.1 without a Host header, or with two: 400 (as Go's net/http);
//   - Transfer-Encoding other than exactly "chunked": 501 (as Go), and any
//     Transfer-Encoding in an HTTP/1.0 request: 400 (RFC 9112 6.1);
//   - an Expect other than 100-continue: 417 (as Go);
//   - a version other than HTTP/1.x: 505;
//   - a head (request line and headers) over `max_head_bytes`: 431;
//   - a body over `max_body_bytes` in total (Content-Length, or the sum of
//     the chunks): 413.
// Chunk extensions and trailers are read and dropped (trailers never reach
// the headers the router sees).
//
// The body is read in a second step, so that the server reads it only after
// the request has been authenticated; it is counted and discarded (no route
// uses one).
//
// One reader per request; thread-compatible.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "endpoint/http_message.h"

namespace endpoint {

struct HttpLimits {
  // Request line and headers. Default: 64 KiB.
  size_t max_head_bytes = 64 * 1024;
  // A body in total, chunked or not. Default: 1 MiB.
  uint64_t max_body_bytes = 1 << 20;
};

// Why a request was refused: the status to answer and a short reason.
struct HttpReadError {
  int status = 400;
  std::string reason;
};

// The answer to a refused request: "<status> <Reason Phrase>: <reason>", as
// Go's net/http words its own 4xx answers.
HttpAnswer AnswerFor(const HttpReadError& error);

class HttpRequestReader {
 public:
  explicit HttpRequestReader(const HttpLimits& limits);
  ~HttpRequestReader();
  HttpRequestReader(const HttpRequestReader&) = delete;
  HttpRequestReader& operator=(const HttpRequestReader&) = delete;

  // Offers everything received and not yet consumed (the whole head must be
  // offered again, with more bytes appended, until it is complete). Returns
  // how many leading bytes were consumed: 0 until the head is complete, then
  // the head's length. Afterwards head_done() or error().
  size_t ReadHead(absl::string_view data);
  bool head_done() const;
  // The request, once head_done().
  const HttpRequest& request() const;

  // After head_done(): offers body bytes; returns how many were consumed
  // (a partial chunk header is left for the next call). Afterwards done() or
  // error(), or neither when more is needed.
  size_t ReadBody(absl::string_view data);
  // The whole request, body included, has been read.
  bool done() const;
  uint64_t body_bytes() const;

  const std::optional<HttpReadError>& error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace endpoint

#endif  // ENDPOINT_HTTP_REQUEST_READER_H_
