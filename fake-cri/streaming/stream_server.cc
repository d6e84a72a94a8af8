#include "fake-cri/streaming/stream_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/streaming/channel_conn.h"
#include "fake-cri/streaming/go_http.h"
#include "fake-cri/streaming/http_request.h"
#include "fake-cri/streaming/remote_status.h"
#include "fake-cri/streaming/websocket_frames.h"

namespace fakecri {

namespace {

// The channel.k8s.io protocols remotecommand speaks over WebSocket
// (pkg/cri/streaming/remotecommand/websocket.go@v1.6.20); "" = none asked for.
const std::vector<std::string> kRemoteCommandWs = {"", "channel.k8s.io", "base64.channel.k8s.io",
                                                   "v4.channel.k8s.io", "v4.base64.channel.k8s.io"};
const std::vector<std::string> kPortForwardWs = {"", "v4.channel.k8s.io",
                                                 "v4.base64.channel.k8s.io"};
// Over SPDY (remotecommand/constants.go, portforward/constants.go).
const std::vector<std::string> kRemoteCommandSpdy = {"v4.channel.k8s.io", "v3.channel.k8s.io",
                                                     "v2.channel.k8s.io", "channel.k8s.io"};
const std::vector<std::string> kPortForwardSpdy = {"portforward.k8s.io"};

}  // namespace

StreamServer::StreamServer(Store* store, const ExecRunner* exec, Clock* clock)
    : store_(store), exec_(exec), cache_(clock) {}

StreamServer::~StreamServer() { Shutdown(); }

absl::Status StreamServer::Start() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int err = errno;
    ::close(listen_fd_);
    listen_fd_ = -1;
    return absl::InternalError(
        absl::StrCat("stream server: cannot listen on 127.0.0.1: ", std::strerror(err)));
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { Accept(); });
  return absl::OkStatus();
}

void StreamServer::Shutdown() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  std::list<Connection> connections;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Connection& c : connections_) {
      if (!c.done) ::shutdown(c.fd, SHUT_RDWR);
    }
    connections.swap(connections_);
  }
  for (Connection& c : connections) c.thread.join();
}

absl::StatusOr<std::string> StreamServer::Url(StreamRequest request) {
  const char* kind = std::holds_alternative<ExecStreamRequest>(request)     ? "exec"
                     : std::holds_alternative<AttachStreamRequest>(request) ? "attach"
                                                                            : "portforward";
  auto token = cache_.Insert(std::move(request));
  if (!token.ok()) return token.status();
  return absl::StrCat("http://127.0.0.1:", port_, "/", kind, "/", *token);
}

void StreamServer::Accept() {
  while (!stopping_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (it->done) {
        it->thread.join();  // it has returned: joining does not wait
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
    if (stopping_) {
      ::close(fd);
      return;
    }
    connections_.push_back({std::thread(), fd});
    Connection* c = &connections_.back();
    c->thread = std::thread([this, c] {
      Serve(c->fd);
      std::lock_guard<std::mutex> l(mu_);
      ::close(c->fd);
      c->done = true;
    });
  }
}

void StreamServer::Serve(int fd) {
  // The request; what follows it is the client's first frames.
  auto parsed = ReadHttpRequest(fd);
  if (absl::IsNotFound(parsed.status())) return;
  if (!parsed.ok()) {
    SendAll(fd, GoHttpError(400, "Bad Request", "400 Bad Request"));
    return;
  }
  const HttpRequest& req = *parsed;
  const HttpHeaders& headers = req.headers;
  const std::string& pending = req.leftover;
  const std::string& target = req.target;
  const size_t q = target.find('?');
  const std::string path = target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
  std::vector<std::string> parts = absl::StrSplit(path, '/');
  const bool routed = parts.size() == 3 && parts[0].empty() && !parts[2].empty() &&
                      (parts[1] == "exec" || parts[1] == "attach" || parts[1] == "portforward") &&
                      (req.method == "GET" || req.method == "POST");
  if (!routed) {
    SendAll(fd, RestfulNotFound());
    return;
  }
  const std::string& kind = parts[1];
  std::optional<StreamRequest> cached = cache_.Consume(parts[2]);
  const bool right_kind =
      cached &&
      ((kind == "exec" && std::holds_alternative<ExecStreamRequest>(*cached)) ||
       (kind == "attach" && std::holds_alternative<AttachStreamRequest>(*cached)) ||
       (kind == "portforward" && std::holds_alternative<PortForwardStreamRequest>(*cached)));
  if (!right_kind) {
    SendAll(fd, GoHttpError(404, "Not Found", "404 page not found\n"));  // http.NotFound
    return;
  }
  const bool portforward = kind == "portforward";

  const bool websocket =
      absl::EqualsIgnoreCase(HeaderValue(headers, "Upgrade"), "websocket") &&
      absl::StrContains(absl::AsciiStrToLower(HeaderValue(headers, "Connection")), "upgrade");
  if (!websocket) {
    // SPDY: remotecommand's / portforward's httpstream.Handshake, then the upgrader.
    const std::vector<std::string>& server = portforward ? kPortForwardSpdy : kRemoteCommandSpdy;
    const std::vector<std::string> client = HeaderValues(headers, "X-Stream-Protocol-Version");
    if (client.empty()) {
      SendAll(fd, GoHttpError(400, "Bad Request",
                              "unable to upgrade: X-Stream-Protocol-Version is required\n"));
      return;
    }
    std::string chosen;
    for (const std::string& c : client) {
      if (chosen.empty() && std::find(server.begin(), server.end(), c) != server.end()) chosen = c;
    }
    if (chosen.empty()) {
      const std::string text = absl::StrCat(
          "unable to upgrade: unable to negotiate protocol: client supports [",
          absl::StrJoin(client, " "), "], server accepts [", absl::StrJoin(server, " "), "]\n");
      std::vector<std::string> accepted;
      for (const std::string& s : server) {
        accepted.push_back("X-Accepted-Stream-Protocol-Versions: " + s);
      }
      SendAll(fd, GoHttpError(403, "Forbidden", text + text, accepted));
      return;
    }
    if (!absl::StrContains(absl::AsciiStrToLower(HeaderValue(headers, "Connection")), "upgrade") ||
        !absl::EqualsIgnoreCase(HeaderValue(headers, "Upgrade"), "SPDY/3.1")) {
      SendAll(fd,
              GoHttpError(400, "Bad Request",
                          absl::StrCat("unable to upgrade: missing upgrade headers in request: ",
                                       GoHeaderDump(headers), "\n")));
      return;
    }
    SendAll(fd, absl::StrCat("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                             "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ",
                             chosen, "\r\n\r\n"));
    // No SPDY streams are served: GOAWAY (last stream 0, status OK), then close.
    SendAll(fd,
            std::string("\x80\x03\x00\x07\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00", 16));
    return;
  }

  // WebSocket (wsstream.Conn): the first protocol of the client's that we speak.
  const std::vector<std::string>& supported = portforward ? kPortForwardWs : kRemoteCommandWs;
  std::vector<std::string> offered = HeaderValues(headers, "Sec-WebSocket-Protocol");
  if (offered.empty()) offered.push_back("");
  std::optional<std::string> protocol;
  for (const std::string& o : offered) {
    if (!protocol && std::find(supported.begin(), supported.end(), o) != supported.end()) {
      protocol = o;
    }
  }
  const std::string key = HeaderValue(headers, "Sec-WebSocket-Key");
  if (!protocol || key.empty() || HeaderValue(headers, "Sec-WebSocket-Version") != "13") {
    SendAll(fd, absl::StrCat("HTTP/1.1 403 Forbidden\r\nDate: ", HttpDate(),
                             "\r\nContent-Length: 0\r\n\r\n"));
    return;
  }
  std::string head = absl::StrCat(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: ",
      WebSocketAccept(key), "\r\n");
  if (!protocol->empty()) absl::StrAppend(&head, "Sec-WebSocket-Protocol: ", *protocol, "\r\n");
  if (!SendAll(fd, head + "\r\n")) return;
  ChannelConn conn(fd, absl::StrContains(*protocol, "base64"), pending);
  const bool v4 = absl::StartsWith(*protocol, "v4.");

  if (const auto* e = std::get_if<ExecStreamRequest>(&*cached)) {
    ServeExec(*e, v4, &conn);
  } else if (const auto* a = std::get_if<AttachStreamRequest>(&*cached)) {
    ServeAttach(*a, v4, &conn);
  } else {
    ServePortForward(std::get<PortForwardStreamRequest>(*cached), query, &conn);
  }
  conn.Close();
}

void StreamServer::ServeExec(const ExecStreamRequest& req, bool v4, ChannelConn* conn) {
  auto gone = [this] { return stopping_.load(); };
  conn->Send(req.stdout ? 1 : req.stderr ? 2 : 3, "");
  auto result = exec_->Run(req.container_id, req.cmd, 0, gone);
  RemoteStatus status;
  if (!result.ok()) {
    status = RemoteStatus::Internal(
        absl::StrCat("error executing command in container: failed to exec in container: ",
                     result.status().message()));
  } else {
    if (req.tty) {  // one stream; the terminal turns \n into \r\n
      std::string both =
          absl::StrReplaceAll(result->stdout_text + result->stderr_text, {{"\n", "\r\n"}});
      if (req.stdout && !both.empty()) conn->Send(1, both);
    } else {
      if (req.stdout && !result->stdout_text.empty()) conn->Send(1, result->stdout_text);
      if (req.stderr && !result->stderr_text.empty()) conn->Send(2, result->stderr_text);
    }
    status = result->exit_code == 0 ? RemoteStatus::Ok()
                                    : RemoteStatus::NonZeroExit(req.cmd, result->exit_code);
  }
  const std::string s = v4 ? status.V4Json() : status.V1Text();
  if (!s.empty()) conn->Send(3, s);
}

void StreamServer::ServeAttach(const AttachStreamRequest& req, bool v4, ChannelConn* conn) {
  conn->Send(req.stdout ? 1 : req.stderr ? 2 : 3, "");
  // attachContainer (pkg/cri/server/container_attach.go@v1.6.20): held
  // while the container runs; the output was written when it started.
  auto running = [&]() { return store_->FindRunningContainer(req.container_id).status(); };
  RemoteStatus status;
  if (absl::Status s = running(); !s.ok()) {
    status = RemoteStatus::Internal(absl::StrCat("error attaching to container: ", s.message()));
  } else {
    while (!stopping_ && running().ok() && conn->Pump(20, [](int, const std::string&) {})) {
    }
  }
  const std::string s = v4 ? status.V4Json() : status.V1Text();
  if (!s.empty()) conn->Send(3, s);
}

void StreamServer::ServePortForward(const PortForwardStreamRequest& pf, const std::string& query,
                                    ChannelConn* conn) {
  std::vector<int32_t> ports;
  for (const std::string& value : QueryValues(query, "port")) {
    for (absl::string_view p : absl::StrSplit(value, ',')) {
      uint32_t port = 0;
      if (absl::SimpleAtoi(p, &port) && port >= 1 && port <= 65535) {
        ports.push_back(static_cast<int32_t>(port));
      }
    }
  }
  struct Forward {
    int32_t port;
    int fd = -1;
  };
  std::vector<Forward> forwards;
  for (size_t i = 0; i < ports.size(); ++i) {
    const std::string le = {static_cast<char>(ports[i] & 0xff), static_cast<char>(ports[i] >> 8)};
    conn->Send(static_cast<int>(2 * i), le);
    conn->Send(static_cast<int>(2 * i + 1), le);
  }
  for (size_t i = 0; i < ports.size(); ++i) {
    Forward f{ports[i]};
    std::string err;
    auto id = store_->ResolveSandbox(pf.sandbox_id);
    absl::StatusOr<Sandbox> sb =
        id.ok() ? store_->GetSandbox(*id) : absl::StatusOr<Sandbox>(id.status());
    if (!sb.ok()) {
      err = absl::StrCat("failed to find sandbox \"", pf.sandbox_id,
                         "\" in store: ", id.ok() ? sb.status().message() : id.status().message());
    } else {
      const bool host = sb->namespaces.network == kNamespaceNode;
      std::string v4_error = "connect: connection refused";
      if (host) {
        // The pod shares the node's network: localhost is this host's.
        f.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(static_cast<uint16_t>(f.port));
        if (f.fd >= 0 && ::connect(f.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
          v4_error = "connect: " + GoErrnoText(errno);
          ::close(f.fd);
          f.fd = -1;
        }
      }
      if (f.fd < 0) {
        const std::string netns =
            host ? "host"
                 : absl::StrCat("/var/run/netns/cni-", sb->id.substr(0, 8), "-",
                                sb->id.substr(8, 4), "-", sb->id.substr(12, 4), "-",
                                sb->id.substr(16, 4), "-", sb->id.substr(20, 12));
        err = absl::StrCat("failed to execute portforward in network namespace \"", netns,
                           "\": failed to connect to localhost:", f.port, " inside namespace \"",
                           sb->id, "\", IPv4: dial tcp4 127.0.0.1:", f.port, ": ", v4_error,
                           " IPv6 dial tcp6: address localhost: no suitable address found ");
      }
    }
    if (!err.empty()) {
      conn->Send(static_cast<int>(2 * i + 1),
                 absl::StrCat("error forwarding port ", f.port, " to pod ", pf.sandbox_id,
                              ", uid : ", err));
    }
    forwards.push_back(f);
  }
  // Relay: client data frames to the connections, their bytes back as frames.
  auto open = [&] {
    return std::any_of(forwards.begin(), forwards.end(),
                       [](const Forward& f) { return f.fd >= 0; });
  };
  while (!stopping_ && open()) {
    std::vector<struct pollfd> fds;
    for (const Forward& f : forwards) fds.push_back({f.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), 0) > 0) {
      for (size_t i = 0; i < forwards.size(); ++i) {
        if (forwards[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char data[16384];
        const ssize_t n = ::recv(forwards[i].fd, data, sizeof data, 0);
        if (n <= 0) {
          ::close(forwards[i].fd);
          forwards[i].fd = -1;
          continue;
        }
        conn->Send(static_cast<int>(2 * i), std::string(data, static_cast<size_t>(n)));
      }
    }
    const bool alive = conn->Pump(10, [&](int channel, const std::string& bytes) {
      if (channel % 2 == 0 && static_cast<size_t>(channel / 2) < forwards.size() &&
          forwards[channel / 2].fd >= 0) {
        SendAll(forwards[channel / 2].fd, bytes);
      }
    });
    if (!alive) break;
  }
  for (Forward& f : forwards) {
    if (f.fd >= 0) ::close(f.fd);
  }
}

}  // namespace fakecri
