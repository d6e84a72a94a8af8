#include "endpoint/http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "endpoint/connection_limits.h"
#include "endpoint/http_wire.h"
#include "endpoint/metrics.h"
#include "endpoint/tls_peer.h"
#include "endpoint/worker_pool.h"
#include "nlohmann/json.hpp"

namespace endpoint {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr size_t kReadChunk = 16 * 1024;
constexpr auto kCloseNotifyWait = std::chrono::milliseconds(500);
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

// As Go's runtime does at start-up (Go 1.19, os/rlimit.go): the soft limit on
// open files raised to the hard one, so that connections, not the default
// 1024 descriptors, are what the limits above bound.
void RaiseOpenFileLimit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

absl::StatusOr<int> Listen(const std::string& address, int port, int* bound_port, bool* v6) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port_text = std::to_string(port);
  if (int rc = ::getaddrinfo(address.c_str(), port_text.c_str(), &hints, &res); rc != 0) {
    return absl::InvalidArgumentError(absl::StrCat("--address ", address, ": ", gai_strerror(rc)));
  }
  int fd = -1;
  std::string error;
  for (addrinfo* ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 4096) != 0) {
      error = std::strerror(errno);
      ::close(fd);
      fd = -1;
      continue;
    }
    *v6 = ai->ai_family == AF_INET6;
  }
  ::freeaddrinfo(res);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("--address/--port: cannot listen on ", address, ":", port, ": ", error));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  *bound_port =
      ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                        : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return fd;
}

}  // namespace

// Everything the server shares. Fields marked "I/O thread" are touched only
// there; the rest are atomics or under mu.
struct HttpServer::Impl {
  Impl(const HttpServerOptions& o, Router* r, Metrics* m)
      : options(o),
        router(r),
        metrics(m),
        acceptor(ioc),
        accept_retry(ioc),
        workers(o.max_connections),
        unauthenticated(o.max_unauthenticated, o.max_unauthenticated_per_client) {}

  void Accept();
  void OnAccepted(tcp::socket socket);
  void Forget(uint64_t id);  // I/O thread
  void StopOnIoThread();
  void RequestDone();  // any thread

  const HttpServerOptions options;
  Router* const router;
  Metrics* const metrics;
  asio::io_context ioc{1};
  // Keeps run() going while the only work is on workers (their answers are
  // posted back), e.g. during Shutdown, when nothing is being accepted.
  asio::executor_work_guard<asio::io_context::executor_type> keep_running{ioc.get_executor()};
  std::optional<asio::ssl::context> ssl;
  tcp::acceptor acceptor;
  asio::steady_timer accept_retry;
  std::thread io_thread;
  WorkerPool workers;
  int port = 0;

  // I/O thread.
  std::map<uint64_t, std::shared_ptr<Connection>> connections;
  UnauthenticatedConnections unauthenticated;
  uint64_t next_id = 0;
  bool accept_error_logged = false;

  // Any thread.
  std::atomic<bool> stopping{false};
  std::atomic<bool> cancel_all{false};
  std::atomic<uint64_t> stat_connections{0}, stat_unauthenticated{0}, stat_in_flight{0},
      stat_accepted{0}, stat_closed_for_room{0}, stat_refused{0}, stat_timed_out{0};
  std::mutex mu;
  std::condition_variable changed;  // in_flight or connections dropped
  bool shut_down = false;           // guarded by mu
};

// One accepted socket, plain or TLS, and the request it is serving. Its
// methods run on the I/O thread; a request's worker holds a reference but
// touches only the request and the socket's descriptor (to see whether the
// client left), never closed while a request is in flight.
class HttpServer::Connection : public std::enable_shared_from_this<Connection> {
 public:
  enum class State { kHandshake, kHead, kAdmitting, kBody, kHandling, kWriting, kClosing, kClosed };

  Connection(HttpServer::Impl& server, uint64_t id, std::string client, tcp::socket socket)
      : server_(server), id_(id), client_(std::move(client)), timer_(server.ioc) {
    if (server_.ssl) {
      tls_.emplace(std::move(socket), *server_.ssl);
    } else {
      plain_.emplace(std::move(socket));
    }
  }

  uint64_t id() const { return id_; }
  bool authenticated() const { return authenticated_; }
  // Closable at once: nothing in flight (the limits and Shutdown ask).
  bool Idle() const {
    return state_ == State::kHandshake || state_ == State::kHead || state_ == State::kClosing;
  }

  void Start() {
    int one = 1;
    ::setsockopt(Socket().native_handle(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!tls_) {
      StartHead();
      return;
    }
    state_ = State::kHandshake;
    Deadline(server_.options.handshake_timeout);
    tls_->async_handshake(asio::ssl::stream_base::server,
                          [self = shared_from_this()](const error_code& ec) {
                            if (self->state_ != State::kHandshake) return;
                            if (ec) return self->Close();
                            self->StartHead();
                          });
  }

  // Closes the socket now, whatever is going on (a request in flight keeps its
  // descriptor number until its worker is done: see class comment).
  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    EndRequest();  // a body that never came
    timer_.cancel();
    error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_both, ignored);
    Socket().close(ignored);
    server_.Forget(id_);
  }

 private:
  // An answer formatted on a worker, for the I/O thread to write.
  struct Answer {
    std::string bytes;
    bool close = false;
  };

  tcp::socket& Socket() { return tls_ ? tls_->next_layer() : *plain_; }

  // Arms the one timer of this connection; a deadline reached closes it (with
  // 408 when a head has begun). 0: none.
  void Deadline(std::chrono::milliseconds d) {
    ++deadline_generation_;
    timer_.cancel();
    if (d.count() <= 0) return;
    timer_.expires_after(d);
    timer_.async_wait(
        [self = shared_from_this(), gen = deadline_generation_](const error_code& ec) {
          if (ec || gen != self->deadline_generation_ || self->state_ == State::kClosed) return;
          self->server_.stat_timed_out++;
          if (self->state_ == State::kHead && !self->in_.empty()) {
            return self->Fail({408, "request head not received in time"});
          }
          self->Close();
        });
  }

  template <typename Handler>
  void ReadSome(Handler&& handler) {
    auto buffer = asio::buffer(chunk_, sizeof chunk_);
    if (tls_) {
      tls_->async_read_some(buffer, std::forward<Handler>(handler));
    } else {
      plain_->async_read_some(buffer, std::forward<Handler>(handler));
    }
  }

  // Waits for the next request's head. A first request has head_timeout from
  // now; a later one idle_timeout until its first byte, then head_timeout.
  void StartHead() {
    state_ = State::kHead;
    reader_ = std::make_unique<HttpRequestReader>(server_.options.limits);
    if (server_.stopping) return Close();
    Deadline(requests_ == 0 || !in_.empty() ? server_.options.head_timeout
                                            : server_.options.idle_timeout);
    if (!in_.empty()) return ParseHead();
    ReadHead();
  }

  void ReadHead() {
    ReadSome([self = shared_from_this()](const error_code& ec, size_t n) {
      if (self->state_ != State::kHead) return;
      if (ec) return self->Close();
      const bool first_bytes = self->in_.empty();
      self->in_.append(self->chunk_, n);
      if (first_bytes && self->requests_ > 0) self->Deadline(self->server_.options.head_timeout);
      self->ParseHead();
    });
  }

  void ParseHead() {
    const size_t used = reader_->ReadHead(in_);
    if (reader_->error()) return Fail(*reader_->error());
    if (!reader_->head_done()) return ReadHead();
    in_.erase(0, used);
    Deadline(std::chrono::milliseconds(0));
    Dispatch();
  }

  // Steps 1-2 on a worker (authentication may ask a webhook).
  void Dispatch() {
    state_ = State::kAdmitting;
    start_ = SteadyClock::now();
    counted_ = true;
    server_.stat_in_flight++;
    request_ = reader_->request();
    if (tls_) {
      auto chain = PeerChainPem(tls_->native_handle());
      if (chain.ok()) request_.peer_chain = *std::move(chain);
    }
    const int fd = Socket().native_handle();
    HttpServer::Impl* server = &server_;
    request_.cancelled = [server, fd] { return server->cancel_all.load() || PeerClosedFd(fd); };
    server_.workers.Submit([self = shared_from_this()] {
      self->admission_ = self->server_.router->Admit(self->request_);
      std::optional<Answer> answer;
      if (self->admission_.answer) {
        // Refused before its body: a body still on the wire cannot be skipped
        // safely, so the connection closes after the answer.
        RoutedAnswer routed;
        routed.answer = std::move(*self->admission_.answer);
        routed.user = self->admission_.user.name;
        answer = self->Format(routed, /*force_close=*/self->request_.has_body);
      } else if (!self->request_.has_body) {
        // Nothing more to read: steps 3-5 on this same worker (one hand-off
        // back to the I/O thread per request instead of three).
        answer = self->Format(self->server_.router->Handle(self->request_, self->admission_),
                              /*force_close=*/false);
      }
      asio::post(self->server_.ioc, [self, answer = std::move(answer)]() mutable {
        self->Admitted(std::move(answer));
      });
    });
  }

  // On the I/O thread, after steps 1-2 (and 3-5 when there was no body to
  // read): the answer, if there is one yet.
  void Admitted(std::optional<Answer> answer) {
    if (state_ != State::kAdmitting) return;
    if (admission_.authenticated && !authenticated_) {
      authenticated_ = true;
      server_.unauthenticated.Remove(id_);
      server_.stat_unauthenticated--;
    }
    if (answer) return Write(std::move(answer->bytes), answer->close);
    if (request_.has_body && !reader_->done()) return StartBody();
    Handle();
  }

  // Only admitted requests get their body read.
  void StartBody() {
    state_ = State::kBody;
    Deadline(server_.options.idle_timeout);
    if (request_.expect_continue && in_.empty()) {
      auto text = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
      auto done = [self = shared_from_this(), text](const error_code& ec, size_t) {
        if (self->state_ != State::kBody) return;
        if (ec) return self->Close();
        self->ReadBody();
      };
      if (tls_) {
        asio::async_write(*tls_, asio::buffer(*text), done);
      } else {
        asio::async_write(*plain_, asio::buffer(*text), done);
      }
      return;
    }
    ConsumeBody();
  }

  void ConsumeBody() {
    const size_t used = reader_->ReadBody(in_);
    in_.erase(0, used);
    if (reader_->error()) return Fail(*reader_->error());
    if (reader_->done()) {
      Deadline(std::chrono::milliseconds(0));
      return Handle();
    }
    ReadBody();
  }

  void ReadBody() {
    ReadSome([self = shared_from_this()](const error_code& ec, size_t n) {
      if (self->state_ != State::kBody) return;
      if (ec) return self->Close();
      self->in_.append(self->chunk_, n);
      self->ConsumeBody();
    });
  }

  // Steps 3-5 on a worker.
  void Handle() {
    state_ = State::kHandling;
    server_.workers.Submit([self = shared_from_this()] {
      RoutedAnswer routed = self->server_.router->Handle(self->request_, self->admission_);
      Answer answer = self->Format(routed, /*force_close=*/false);
      asio::post(self->server_.ioc, [self, answer = std::move(answer)]() mutable {
        if (self->state_ == State::kHandling) self->Write(std::move(answer.bytes), answer.close);
      });
    });
  }

  // On the worker: records, logs and formats the answer to a request that
  // reached the router.
  Answer Format(const RoutedAnswer& routed, bool force_close) {
    const bool close = force_close || !request_.keep_alive || server_.stopping;
    const HttpAnswer& a = routed.answer;
    server_.metrics->RecordHttpRequest(request_.method, server_.router->MetricsLabel(request_.path),
                                       a.status);
    if (kit::LogEnabled(kit::LogLevel::kInfo)) {
      const double ms =
          std::chrono::duration<double, std::milli>(SteadyClock::now() - start_).count();
      kit::LogLine(kit::LogLevel::kInfo,
                   nlohmann::json{{"msg", "access"},
                                  {"method", request_.method},
                                  {"path", request_.path},
                                  {"user", routed.user},
                                  {"code", a.status},
                                  {"duration_ms", std::round(ms * 1000) / 1000},
                                  {"archive_bytes", a.archive_bytes}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    return {FormatResponse(a, close, std::time(nullptr), request_.method == "HEAD"), close};
  }

  // A request refused by the reader (or a head too slow): its answer, then close.
  void Fail(const HttpReadError& error) {
    Write(FormatResponse(AnswerFor(error), /*close=*/true, std::time(nullptr)), /*close=*/true);
  }

  // The request in flight (if any) ends: counted once.
  void EndRequest() {
    if (!counted_) return;
    counted_ = false;
    ++requests_;
    server_.RequestDone();
  }

  void Write(std::string bytes, bool close) {
    state_ = State::kWriting;
    Deadline(server_.options.idle_timeout);
    auto out = std::make_shared<std::string>(std::move(bytes));
    auto done = [self = shared_from_this(), out, close](const error_code& ec, size_t) {
      self->EndRequest();
      if (self->state_ != State::kWriting) return;
      if (ec) return self->Close();
      if (close || self->server_.stopping) return self->CloseNotify();
      self->StartHead();
    };
    if (tls_) {
      asio::async_write(*tls_, asio::buffer(*out), done);
    } else {
      asio::async_write(*plain_, asio::buffer(*out), done);
    }
  }

  // A polite end: TLS close_notify (waited for briefly), then close.
  void CloseNotify() {
    if (!tls_) return Close();
    state_ = State::kClosing;
    Deadline(std::chrono::duration_cast<std::chrono::milliseconds>(kCloseNotifyWait));
    tls_->async_shutdown([self = shared_from_this()](const error_code&) { self->Close(); });
  }

  HttpServer::Impl& server_;
  const uint64_t id_;
  const std::string client_;
  std::optional<asio::ssl::stream<tcp::socket>> tls_;
  std::optional<tcp::socket> plain_;
  asio::steady_timer timer_;
  uint64_t deadline_generation_ = 0;
  State state_ = State::kHead;
  bool authenticated_ = false;
  bool counted_ = false;   // a request is in flight (in stat_in_flight)
  uint64_t requests_ = 0;  // answered on this connection
  char chunk_[kReadChunk];
  std::string in_;  // received, not yet consumed
  std::unique_ptr<HttpRequestReader> reader_;
  HttpRequest request_;          // read by the worker while in flight
  Router::Admission admission_;  // likewise
  SteadyClock::time_point start_;
};

void HttpServer::Impl::Accept() {
  acceptor.async_accept([this](const error_code& ec, tcp::socket socket) {
    if (stopping) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // Out of descriptors (EMFILE) or the like: try again shortly rather than spin.
      if (!accept_error_logged) {
        kit::LogLine(kit::LogLevel::kWarn, "accept: " + ec.message() + "; retrying");
        accept_error_logged = true;
      }
      accept_retry.expires_after(kAcceptRetry);
      accept_retry.async_wait([this](const error_code& e) {
        if (!e && !stopping) Accept();
      });
      return;
    }
    accept_error_logged = false;
    OnAccepted(std::move(socket));
    Accept();
  });
}

void HttpServer::Impl::OnAccepted(tcp::socket socket) {
  stat_accepted++;
  if (connections.size() >= options.max_connections) {
    stat_refused++;
    error_code ignored;
    socket.close(ignored);
    return;
  }
  error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  const uint64_t id = next_id++;
  auto conn =
      std::make_shared<Connection>(*this, id, remote.address().to_string(), std::move(socket));
  std::vector<uint64_t> close =
      unauthenticated.Add(id, remote.address().to_string(), [this](uint64_t other) {
        auto it = connections.find(other);
        return it != connections.end() && it->second->Idle();
      });
  for (uint64_t victim : close) {
    if (victim == id) {
      stat_refused++;
      return;  // `conn` goes, and its socket with it
    }
    auto it = connections.find(victim);
    if (it != connections.end()) {
      stat_closed_for_room++;
      stat_unauthenticated--;  // Add took it out of the set already
      auto victim_conn = it->second;
      victim_conn->Close();
    }
  }
  connections.emplace(id, conn);
  stat_connections++;
  stat_unauthenticated++;
  conn->Start();
}

void HttpServer::Impl::Forget(uint64_t id) {
  auto it = connections.find(id);
  if (it == connections.end()) return;
  if (!it->second->authenticated()) {
    // Still counted unless the limits already took it out.
    const size_t before = unauthenticated.size();
    unauthenticated.Remove(id);
    if (unauthenticated.size() != before) stat_unauthenticated--;
  }
  connections.erase(it);
  stat_connections--;
  std::lock_guard<std::mutex> lock(mu);
  changed.notify_all();
}

void HttpServer::Impl::RequestDone() {
  stat_in_flight--;
  std::lock_guard<std::mutex> lock(mu);
  changed.notify_all();
}

void HttpServer::Impl::StopOnIoThread() {
  stopping = true;
  error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  std::vector<std::shared_ptr<Connection>> idle;
  for (auto& [id, c] : connections) {
    if (c->Idle()) idle.push_back(c);
  }
  for (auto& c : idle) c->Close();
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                              Router* router, Metrics* metrics) {
  // A client that hangs up before its answer must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  RaiseOpenFileLimit();
  auto impl = std::make_unique<Impl>(options, router, metrics);
  if (options.tls) {
    auto ctx = MakeServerSslContext(options.tls_options);
    if (!ctx.ok()) return ctx.status();
    impl->ssl.emplace(ctx->release());  // asio's context owns it from here
  }
  bool v6 = false;
  auto fd = Listen(options.address, options.port, &impl->port, &v6);
  if (!fd.ok()) return fd.status();
  error_code ec;
  impl->acceptor.assign(v6 ? tcp::v6() : tcp::v4(), *fd, ec);
  if (ec) {
    ::close(*fd);
    return absl::InternalError("listening socket: " + ec.message());
  }
  Impl* raw = impl.get();
  raw->Accept();
  raw->io_thread = std::thread([raw] {
    for (;;) {
      try {
        raw->ioc.run();
        return;
      } catch (const std::exception& e) {
        kit::LogLine(kit::LogLevel::kError, std::string("HTTP server I/O thread: ") + e.what());
      }
    }
  });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }

HttpServer::Stats HttpServer::stats() const {
  Stats s;
  s.connections = impl_->stat_connections;
  s.unauthenticated = impl_->stat_unauthenticated;
  s.in_flight = impl_->stat_in_flight;
  s.accepted = impl_->stat_accepted;
  s.closed_for_room = impl_->stat_closed_for_room;
  s.refused = impl_->stat_refused;
  s.timed_out = impl_->stat_timed_out;
  return s;
}

void HttpServer::Shutdown(std::chrono::nanoseconds grace) {
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    if (m.shut_down) return;
    m.shut_down = true;
  }
  asio::post(m.ioc, [&m] { m.StopOnIoThread(); });
  const auto until = SteadyClock::now() + grace;
  std::unique_lock<std::mutex> lock(m.mu);
  m.changed.wait_until(lock, until, [&m] { return m.stat_in_flight == 0; });
  if (m.stat_in_flight > 0) {
    kit::LogLine(kit::LogLevel::kWarn,
                 absl::StrCat("shutdown grace period over: cancelling ", m.stat_in_flight.load(),
                              " running request(s)"));
    m.cancel_all = true;
  }
  m.changed.wait(lock, [&m] { return m.stat_in_flight == 0; });
  // Every answer is written; the connections they used end with a close_notify.
  m.changed.wait_for(lock, kCloseNotifyWait * 2, [&m] { return m.stat_connections == 0; });
  lock.unlock();
  asio::post(m.ioc, [&m] {
    std::vector<std::shared_ptr<Connection>> all;
    for (auto& [id, c] : m.connections) all.push_back(c);
    for (auto& c : all) c->Close();
    m.ioc.stop();
  });
  if (m.io_thread.joinable()) m.io_thread.join();
  m.workers.Shutdown();
  m.connections.clear();
}

HttpServer::~HttpServer() { Shutdown(std::chrono::seconds(0)); }

}  // namespace endpoint
