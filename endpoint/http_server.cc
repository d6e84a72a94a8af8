#include "endpoint/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cmath>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "endpoint/http_wire.h"
#include "endpoint/metrics.h"
#include "nlohmann/json.hpp"

namespace endpoint {
namespace {

constexpr size_t kMaxHead = 64 * 1024;
constexpr int64_t kMaxBody = 1 << 20;

// The path label for request metrics: the route, never the pod or container.
std::string PathLabel(const std::string& path) {
  for (const char* p : {"/checkpoint", "/healthz", "/metrics"}) {
    size_t n = std::char_traits<char>::length(p);
    if (path.compare(0, n, p) == 0 && (path.size() == n || path[n] == '/')) return p + 1;
  }
  return "other";
}

}  // namespace

// One accepted socket, plain or TLS. Owned by its thread.
class HttpServer::Connection {
 public:
  Connection(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ~Connection() {
    if (ssl_) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
    ::close(fd_);
  }
  // Bytes read, 0 at end of stream, -1 on error or timeout.
  ssize_t Read(char* buf, size_t n) {
    if (ssl_) {
      int r = SSL_read(ssl_, buf, static_cast<int>(n));
      return r > 0 ? r : (SSL_get_error(ssl_, r) == SSL_ERROR_ZERO_RETURN ? 0 : -1);
    }
    for (;;) {
      ssize_t r = ::recv(fd_, buf, n, 0);
      if (r < 0 && errno == EINTR) continue;
      return r;
    }
  }
  bool WriteAll(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      if (ssl_) {
        int w = SSL_write(ssl_, data.data() + off, static_cast<int>(data.size() - off));
        if (w <= 0) return false;
        off += static_cast<size_t>(w);
      } else {
        ssize_t w = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        off += static_cast<size_t>(w);
      }
    }
    return true;
  }
  bool PeerGone() const { return ssl_ ? PeerClosed(ssl_) : PeerClosedFd(fd_); }
  const SSL* ssl() const { return ssl_; }
  // Makes a blocked Read return (shutdown of an idle connection).
  void Interrupt() { ::shutdown(fd_, SHUT_RDWR); }
  std::atomic<bool> busy{false};

 private:
  int fd_;
  SSL* ssl_;
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                              Router* router, Metrics* metrics) {
  // A client that hangs up before its answer must not kill the process: TLS
  // writes cannot ask for MSG_NOSIGNAL, so SIGPIPE is ignored process-wide.
  std::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<HttpServer> s(new HttpServer());
  s->options_ = options;
  s->router_ = router;
  s->metrics_ = metrics;
  if (options.tls) {
    auto ctx = MakeServerSslContext(options.cert_file, options.key_file);
    if (!ctx.ok()) return ctx.status();
    s->ssl_ctx_ = std::move(*ctx);
  }

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(options.port);
  if (int rc = ::getaddrinfo(options.address.c_str(), port.c_str(), &hints, &res); rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--address ", options.address, ": ", gai_strerror(rc)));
  }
  int fd = -1;
  std::string error;
  for (addrinfo* ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 512) != 0) {
      error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(res);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("--address/--port: cannot listen on ", options.address, ":", options.port,
                     ": ", error));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  s->port_ = ntohs(bound.ss_family == AF_INET6
                       ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  s->listen_fd_ = fd;
  if (::pipe2(s->wake_, O_CLOEXEC) != 0) return absl::InternalError("pipe2 failed");
  HttpServer* self = s.get();
  s->acceptor_ = std::thread([self] { self->AcceptLoop(); });
  return s;
}

void HttpServer::AcceptLoop() {
  for (;;) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[1].revents || stopping_) break;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (threads_ >= options_.max_connections) {
        ::close(fd);  // over the limit: the client may retry
        continue;
      }
      ++threads_;
    }
    std::thread([this, fd] {
      Serve(fd);
      std::lock_guard<std::mutex> lock(mu_);
      --threads_;
      cv_.notify_all();
    }).detach();
  }
}

void HttpServer::Serve(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  auto timeouts = [fd](time_t seconds) {
    timeval tv{seconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  };
  SSL* ssl = nullptr;
  if (ssl_ctx_) {
    timeouts(10);  // a handshake gets 10 s
    ssl = SSL_new(ssl_ctx_.get());
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1) {
      ERR_clear_error();
      SSL_free(ssl);
      ::close(fd);
      return;
    }
  }
  timeouts(static_cast<time_t>(options_.idle_timeout.count()));
  Connection conn(fd, ssl);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    connections_.insert(&conn);
  }
  std::string buf;
  char chunk[16384];
  auto fill = [&]() {
    ssize_t n = conn.Read(chunk, sizeof chunk);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    return true;
  };
  auto reply = [&](const HttpAnswer& a, bool close) {
    conn.WriteAll(FormatResponse(a, close, std::time(nullptr)));
  };
  auto plain = [](int status, const std::string& body) {
    HttpAnswer a;
    a.status = status;
    a.body = body;
    return a;
  };

  for (;;) {
    // The head.
    size_t end;
    while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
      if (buf.size() > kMaxHead) {
        reply(plain(431, "431 Request Header Fields Too Large"), true);
        goto done;
      }
      if (!fill()) goto done;
    }
    {
      conn.busy = true;
      in_flight_++;
      auto start = std::chrono::steady_clock::now();
      auto head = ParseRequestHead(buf.substr(0, end));
      buf.erase(0, end + 4);
      if (!head.ok()) {
        reply(plain(head.status().code() == absl::StatusCode::kUnimplemented ? 501 : 400,
                    absl::StrCat(head.status().code() == absl::StatusCode::kUnimplemented
                                     ? "501 Not Implemented: "
                                     : "400 Bad Request: ",
                                 head.status().message())),
              true);
        in_flight_--;
        goto done;
      }
      // The body, which nothing here uses, is read so the connection stays in step.
      if (head->chunked) {
        for (;;) {
          size_t eol;
          while ((eol = buf.find("\r\n")) == std::string::npos) {
            if (!fill()) {
              in_flight_--;
              goto done;
            }
          }
          int64_t size = 0;
          std::string size_text = buf.substr(0, buf.find_first_of(";\r"));
          if (!absl::SimpleHexAtoi(size_text, &size) || size < 0 || size > kMaxBody) {
            reply(plain(400, "400 Bad Request: bad chunk"), true);
            in_flight_--;
            goto done;
          }
          while (buf.size() < eol + 2 + static_cast<size_t>(size) + 2) {
            if (!fill()) {
              in_flight_--;
              goto done;
            }
          }
          buf.erase(0, eol + 2 + static_cast<size_t>(size) + 2);
          if (size == 0) break;  // (trailers are not supported: none are sent here)
        }
      } else if (head->content_length > 0) {
        if (head->content_length > kMaxBody) {
          reply(plain(413, "413 Request Entity Too Large"), true);
          in_flight_--;
          goto done;
        }
        while (buf.size() < static_cast<size_t>(head->content_length)) {
          if (!fill()) {
            in_flight_--;
            goto done;
          }
        }
        buf.erase(0, static_cast<size_t>(head->content_length));
      }

      HttpRequest hr;
      hr.method = head->method;
      hr.path = head->path;
      if (auto q = head->target.find('?'); q != std::string::npos) {
        hr.raw_query = head->target.substr(q + 1);
      }
      hr.query = head->query;
      hr.headers = head->headers;
      if (conn.ssl()) {
        auto chain = PeerChainPem(conn.ssl());
        if (chain.ok()) hr.peer_chain = std::move(*chain);
      }
      hr.cancelled = [this, &conn] { return cancel_all_.load() || conn.PeerGone(); };
      RoutedAnswer routed = router_->Serve(hr);
      const bool close = !head->keep_alive || stopping_;
      reply(routed.answer, close);
      metrics_->RecordHttpRequest(head->method, PathLabel(head->path), routed.answer.status);
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                      .count();
      kit::LogLine(kit::LogLevel::kInfo,
                   nlohmann::json{{"msg", "access"},
                                  {"method", head->method},
                                  {"path", head->path},
                                  {"user", routed.user},
                                  {"code", routed.answer.status},
                                  {"duration_ms", std::round(ms * 1000) / 1000},
                                  {"archive_bytes", routed.answer.archive_bytes}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      in_flight_--;
      conn.busy = false;
      if (close) goto done;
    }
  }
done:
  std::lock_guard<std::mutex> lock(mu_);
  connections_.erase(&conn);
}

void HttpServer::Shutdown(std::chrono::nanoseconds grace) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    stopping_ = true;
  }
  char byte = 1;
  (void)!::write(wake_[1], &byte, 1);
  if (acceptor_.joinable()) acceptor_.join();
  ::close(listen_fd_);
  auto close_idle = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    for (Connection* c : connections_) {
      if (!c->busy) c->Interrupt();
    }
  };
  close_idle();
  auto until = std::chrono::steady_clock::now() + grace;
  while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (in_flight_.load() > 0) {
    kit::LogLine(kit::LogLevel::kWarn,
                 absl::StrCat("shutdown grace period over: cancelling ", in_flight_.load(),
                              " running request(s)"));
    cancel_all_ = true;
  }
  std::unique_lock<std::mutex> lock(mu_);
  while (threads_ > 0) {
    for (Connection* c : connections_) {
      if (!c->busy) c->Interrupt();
    }
    cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  ::close(wake_[0]);
  ::close(wake_[1]);
}

HttpServer::~HttpServer() {
  if (listen_fd_ >= 0) Shutdown(std::chrono::seconds(0));
}

}  // namespace endpoint
