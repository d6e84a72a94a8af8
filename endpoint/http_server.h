#ifndef ENDPOINT_HTTP_SERVER_H_
#define ENDPOINT_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "endpoint/http_request_reader.h"
#include "endpoint/router.h"
#include "endpoint/tls_server_context.h"

namespace endpoint {

class Metrics;

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  int port = 10250;  // 0: any free port (see port())
  bool tls = true;
  TlsServerOptions tls_options;  // REQUIRES cert_file, key_file when tls
  // Request heads and bodies (431, 413 beyond). Default: 64 KiB, 1 MiB.
  HttpLimits limits;
  // A keep-alive connection idle this long between requests is closed; also
  // the bound on reading an admitted body and on writing an answer. Default:
  // 90 s, the kubelet's IdleTimeout.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(90)};
  // From accept to the end of the TLS handshake. 0: none. Default: 10 s.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  // A whole request head, from the handshake's end (first request) or from the
  // head's first byte (later ones), not per read: a client trickling a byte at
  // a time gets 408 and is closed. 0: none. Default: 10 s.
  std::chrono::milliseconds head_timeout{std::chrono::seconds(10)};
  // Connections not yet authenticated (connection_limits.h), in all and per
  // client address; past either the oldest is closed. 0: none. Defaults: 512, 64.
  size_t max_unauthenticated = 512;
  size_t max_unauthenticated_per_client = 64;
  // Connections at all, each running checkpoint holding one; past it a new
  // connection is closed at once. Default: 4096.
  size_t max_connections = 4096;
};

// The HTTP/1.1 edge. Requests are framed by Boost.Beast's parser
// (http_request_reader.h) over our own connection handling on Boost.Asio: one
// I/O thread for every connection, and a WorkerPool for what blocks
// (authentication, the handlers), so thousands of idle, slow or hostile
// connections cost memory, not threads, and never hold up a request that has
// authenticated. Per request: the head (within head_timeout), the router's
// steps 1-2 (mux, authentication) on a worker, only then the body (a 100
// Continue first when asked), then steps 3-5 on a worker, then the answer.
// Keep-alive and pipelining; HEAD answered without a body; TLS 1.2+ with
// client certificates requested, not verified (the authenticator verifies
// them). Counts requests by code and writes one structured access-log line per
// request (method, path, user, code, duration, archive bytes; never a header,
// so never a token). A client that disconnects cancels its checkpoint.
// Thread-safe.
class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                           Router* router, Metrics* metrics);
  ~HttpServer();

  int port() const;
  // Stops accepting and at once closes every connection without a request in
  // flight (idle, handshaking, sending a head or unauthenticated); lets the
  // requests in flight finish for up to `grace` (their connections then
  // close), then cancels what is left (its clients get a 500 "context
  // canceled") and returns once every connection and thread is gone.
  void Shutdown(std::chrono::nanoseconds grace);

  // What the server is holding, for tests and operators.
  struct Stats {
    uint64_t connections = 0;      // open now
    uint64_t unauthenticated = 0;  // of which not yet authenticated
    uint64_t in_flight = 0;        // requests being served
    uint64_t accepted = 0;         // since start
    uint64_t closed_for_room = 0;  // unauthenticated ones closed by the limits
    uint64_t refused = 0;          // new ones closed at once (no room)
    uint64_t timed_out = 0;        // handshake, head, idle, body or write deadline
  };
  Stats stats() const;

 private:
  struct Impl;
  class Connection;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace endpoint

#endif  // ENDPOINT_HTTP_SERVER_H_
