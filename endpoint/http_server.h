#ifndef ENDPOINT_HTTP_SERVER_H_
#define ENDPOINT_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "endpoint/router.h"
#include "endpoint/tls.h"

namespace endpoint {

class Metrics;

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  int port = 10250;  // 0: any free port (see port())
  bool tls = true;
  std::string cert_file, key_file;  // REQUIRES when tls
  // Connections served at once (each running checkpoint holds one). Default: 1024.
  int max_connections = 1024;
  // An idle keep-alive connection, or a client slow to send its request, is
  // closed after this long. Default: 60 s.
  std::chrono::seconds idle_timeout{60};
};

// The HTTP/1.1 edge, ours rather than a library's because the request has to be
// read as Go's net/http reads it: `curl -X POST` sends no Content-Length and no
// body, which the kubelet serves and cpp-httplib 0.11 answers with a 400 after
// its read timeout. One thread per connection (a checkpoint blocks for as long
// as it runs); keep-alive and pipelining; request heads up to 64 KiB (431),
// bodies up to 1 MiB (413), chunked bodies; TLS 1.2+ with client certificates
// requested, not verified (the authenticator verifies them). Counts requests by
// code and writes one structured access-log line per request (method, path,
// user, code, duration, archive bytes; never a header, so never a token). A
// client that disconnects cancels its checkpoint. Thread-safe.
class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                           Router* router, Metrics* metrics);
  ~HttpServer();

  int port() const { return port_; }
  // Stops accepting and closes idle connections, lets running requests finish
  // for up to `grace`, then cancels what is left (its clients get a 500
  // "context canceled") and returns once every connection is closed.
  void Shutdown(std::chrono::nanoseconds grace);

 private:
  class Connection;
  HttpServer() = default;
  void AcceptLoop();
  void Serve(int fd);

  HttpServerOptions options_;
  Router* router_ = nullptr;
  Metrics* metrics_ = nullptr;
  SslCtxPtr ssl_ctx_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::thread acceptor_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::set<Connection*> connections_;  // open ones, guarded by mu_
  int threads_ = 0;                    // connection threads alive, guarded by mu_
  std::atomic<int> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cancel_all_{false};
  bool shut_down_ = false;
};

}  // namespace endpoint

#endif  // ENDPOINT_HTTP_SERVER_H_
