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
#include "boost/beast/http.hpp"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/streaming/remote_status.h"
#include "fake-cri/streaming/websocket_frames.h"

namespace fakecri {

namespace http = boost::beast::http;

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

bool SendAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

// Go's http.TimeFormat.
std::string HttpDate() {
  const time_t now = ::time(nullptr);
  struct tm tm;
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// What Go's http.Error writes: the text and a newline, plain text, nosniff.
// `body` may hold it twice, as remotecommand's failed negotiation does.
std::string GoHttpError(int code, const char* status, const std::string& body,
                        const std::vector<std::string>& extra_headers = {}) {
  std::string out = absl::StrCat("HTTP/1.1 ", code, " ", status,
                                 "\r\nContent-Type: text/plain; charset=utf-8\r\n");
  for (const std::string& h : extra_headers) absl::StrAppend(&out, h, "\r\n");
  absl::StrAppend(&out, "X-Content-Type-Options: nosniff\r\nDate: ", HttpDate(),
                  "\r\nContent-Length: ", body.size(), "\r\n\r\n", body);
  return out;
}

// go-restful's answer for a path no route takes.
std::string RestfulNotFound() {
  const std::string body = "404: Page Not Found";
  return absl::StrCat("HTTP/1.1 404 Not Found\r\nDate: ", HttpDate(), "\r\nContent-Length: ",
                      body.size(), "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", body);
}

std::string UrlDecode(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    int hex = 0;
    if (s[i] == '%' && i + 2 < s.size() && absl::SimpleHexAtoi(s.substr(i + 1, 2), &hex)) {
      out += static_cast<char>(hex);
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::vector<std::string> QueryValues(absl::string_view query, absl::string_view key) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (UrlDecode(kv.first) == key) out.push_back(UrlDecode(kv.second));
  }
  return out;
}

// Go's textproto.CanonicalMIMEHeaderKey.
std::string CanonicalHeader(absl::string_view name) {
  std::string out(name);
  bool upper = true;
  for (char& c : out) {
    c = upper ? absl::ascii_toupper(c) : absl::ascii_tolower(c);
    upper = c == '-';
  }
  return out;
}

// Every value of a header, comma lists split (httpstream.Handshake).
std::vector<std::string> HeaderValues(const http::request<http::string_body>& req,
                                      absl::string_view name) {
  std::vector<std::string> out;
  for (const auto& f : req) {
    if (!absl::EqualsIgnoreCase(std::string(f.name_string()), name)) continue;
    for (absl::string_view v : absl::StrSplit(std::string(f.value()), ',')) {
      std::string t(absl::StripAsciiWhitespace(v));
      if (!t.empty()) out.push_back(t);
    }
  }
  return out;
}

// %#v of a Go http.Header, as the SPDY upgrader's error prints it.
std::string GoHeaderDump(const http::request<http::string_body>& req) {
  std::map<std::string, std::vector<std::string>> h;
  for (const auto& f : req) {
    std::string k = CanonicalHeader(std::string(f.name_string()));
    if (k == "Host") continue;  // Go keeps it in Request.Host
    h[k].push_back(std::string(f.value()));
  }
  std::vector<std::string> parts;
  for (const auto& [k, vs] : h) {
    std::vector<std::string> quoted;
    for (const auto& v : vs) quoted.push_back(absl::StrCat("\"", v, "\""));
    parts.push_back(absl::StrCat("\"", k, "\":[]string{", absl::StrJoin(quoted, ", "), "}"));
  }
  return absl::StrCat("http.Header{", absl::StrJoin(parts, ", "), "}");
}

// A connection once upgraded to WebSocket with the channel protocol.
class ChannelConn {
 public:
  ChannelConn(int fd, bool base64, std::string leftover) : fd_(fd), base64_(base64) {
    if (!leftover.empty()) reader_.Feed(leftover.data(), leftover.size());
  }
  bool Send(int channel, const std::string& data) {
    if (base64_) {
      return SendAll(fd_, EncodeWsFrame(WsOpcode::kText,
                                        std::string(1, static_cast<char>('0' + channel)) + Base64(data)));
    }
    return SendAll(fd_, EncodeWsFrame(WsOpcode::kBinary, std::string(1, static_cast<char>(channel)) + data));
  }
  // Sends the close frame (1000, as golang.org/x/net/websocket does) and ends
  // the connection. What the client still sends (stdin) is read and dropped
  // for a moment first: closing with unread bytes would reset the connection
  // and could cost the client the last frames.
  void Close() {
    SendAll(fd_, EncodeWsFrame(WsOpcode::kClose, std::string("\x03\xe8", 2)));
    ::shutdown(fd_, SHUT_WR);
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    char buf[4096];
    while (std::chrono::steady_clock::now() < end) {
      struct pollfd p = {fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) < 0 && errno != EINTR) break;
      if ((p.revents & POLLIN) && ::recv(fd_, buf, sizeof buf, 0) <= 0) break;
      if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) break;
    }
  }

  // Waits up to `ms` for client traffic; data messages go to `on_data`
  // (channel, bytes). False once the client is gone or closed.
  template <typename OnData>
  bool Pump(int ms, OnData on_data) {
    if (!Drain(on_data)) return false;
    struct pollfd p = {fd_, POLLIN | POLLRDHUP, 0};
    const int r = ::poll(&p, 1, ms);
    if (r <= 0) return r == 0 || errno == EINTR;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    reader_.Feed(buf, static_cast<size_t>(n));
    return Drain(on_data);
  }
  int fd() const { return fd_; }

 private:
  template <typename OnData>
  bool Drain(OnData on_data) {
    for (;;) {
      auto m = reader_.Next();
      if (!m.ok()) return false;
      if (!*m) return true;
      switch ((*m)->opcode) {
        case WsOpcode::kClose: return false;
        case WsOpcode::kPing: SendAll(fd_, EncodeWsFrame(WsOpcode::kPong, (*m)->payload)); break;
        case WsOpcode::kText:
        case WsOpcode::kBinary: {
          std::string p = std::move((*m)->payload);
          if (p.empty()) break;
          int channel = static_cast<uint8_t>(p[0]);
          if (base64_) channel -= '0';
          on_data(channel, p.substr(1));
          break;
        }
        default: break;
      }
    }
  }

  int fd_;
  bool base64_;
  WsReader reader_;
};

}  // namespace

StreamServer::StreamServer(Store* store, const ExecRunner* exec, Clock* clock)
    : store_(store), exec_(exec), clock_(clock), cache_(clock) {}

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
  // The request, parsed by Boost.Beast; what follows it is the client's first frames.
  http::request_parser<http::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(1 << 20);
  parser.eager(true);
  std::string pending;
  char buf[8192];
  while (!parser.is_done()) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    pending.append(buf, static_cast<size_t>(n));
    boost::beast::error_code ec;
    const size_t used = parser.put(boost::asio::buffer(pending), ec);
    pending.erase(0, used);
    if (ec == http::error::need_more) continue;
    if (ec) {
      SendAll(fd, GoHttpError(400, "Bad Request", "400 Bad Request"));
      return;
    }
  }
  const http::request<http::string_body>& req = parser.get();

  const std::string target(req.target());
  const size_t q = target.find('?');
  const std::string path = target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
  std::vector<std::string> parts = absl::StrSplit(path, '/');
  const bool routed = parts.size() == 3 && parts[0].empty() && !parts[2].empty() &&
                      (parts[1] == "exec" || parts[1] == "attach" || parts[1] == "portforward") &&
                      (req.method() == http::verb::get || req.method() == http::verb::post);
  if (!routed) {
    SendAll(fd, RestfulNotFound());
    return;
  }
  const std::string& kind = parts[1];
  std::optional<StreamRequest> cached = cache_.Consume(parts[2]);
  const bool right_kind =
      cached && ((kind == "exec" && std::holds_alternative<ExecStreamRequest>(*cached)) ||
                 (kind == "attach" && std::holds_alternative<AttachStreamRequest>(*cached)) ||
                 (kind == "portforward" && std::holds_alternative<PortForwardStreamRequest>(*cached)));
  if (!right_kind) {
    SendAll(fd, GoHttpError(404, "Not Found", "404 page not found\n"));  // http.NotFound
    return;
  }
  const bool portforward = kind == "portforward";

  const bool websocket =
      absl::EqualsIgnoreCase(std::string(req[http::field::upgrade]), "websocket") &&
      absl::StrContains(absl::AsciiStrToLower(std::string(req[http::field::connection])), "upgrade");
  if (!websocket) {
    // SPDY: remotecommand's / portforward's httpstream.Handshake, then the upgrader.
    const std::vector<std::string>& server = portforward ? kPortForwardSpdy : kRemoteCommandSpdy;
    const std::vector<std::string> client = HeaderValues(req, "X-Stream-Protocol-Version");
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
    if (!absl::StrContains(absl::AsciiStrToLower(std::string(req[http::field::connection])),
                           "upgrade") ||
        !absl::EqualsIgnoreCase(std::string(req[http::field::upgrade]), "SPDY/3.1")) {
      SendAll(fd, GoHttpError(400, "Bad Request",
                              absl::StrCat("unable to upgrade: missing upgrade headers in request: ",
                                           GoHeaderDump(req), "\n")));
      return;
    }
    SendAll(fd, absl::StrCat("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                             "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ",
                             chosen, "\r\n\r\n"));
    // No SPDY streams are served: GOAWAY (last stream 0, status OK), then close.
    SendAll(fd, std::string("\x80\x03\x00\x07\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00", 16));
    return;
  }

  // WebSocket (wsstream.Conn): the first protocol of the client's that we speak.
  const std::vector<std::string>& supported = portforward ? kPortForwardWs : kRemoteCommandWs;
  std::vector<std::string> offered = HeaderValues(req, "Sec-WebSocket-Protocol");
  if (offered.empty()) offered.push_back("");
  std::optional<std::string> protocol;
  for (const std::string& o : offered) {
    if (!protocol && std::find(supported.begin(), supported.end(), o) != supported.end()) {
      protocol = o;
    }
  }
  const std::string key(req[http::field::sec_websocket_key]);
  if (!protocol || key.empty() || req[http::field::sec_websocket_version] != "13") {
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
  auto gone = [this] { return stopping_.load(); };

  if (const auto* e = std::get_if<ExecStreamRequest>(&*cached)) {
    conn.Send(e->stdout ? 1 : e->stderr ? 2 : 3, "");
    auto result = exec_->Run(e->container_id, e->cmd, 0, gone);
    RemoteStatus status;
    if (!result.ok()) {
      status = RemoteStatus::Internal(absl::StrCat(
          "error executing command in container: failed to exec in container: ",
          result.status().message()));
    } else {
      if (e->tty) {  // one stream; the terminal turns \n into \r\n
        std::string both = absl::StrReplaceAll(result->stdout_text + result->stderr_text,
                                               {{"\n", "\r\n"}});
        if (e->stdout && !both.empty()) conn.Send(1, both);
      } else {
        if (e->stdout && !result->stdout_text.empty()) conn.Send(1, result->stdout_text);
        if (e->stderr && !result->stderr_text.empty()) conn.Send(2, result->stderr_text);
      }
      status = result->exit_code == 0 ? RemoteStatus::Ok()
                                      : RemoteStatus::NonZeroExit(e->cmd, result->exit_code);
    }
    const std::string s = v4 ? status.V4Json() : status.V1Text();
    if (!s.empty()) conn.Send(3, s);
    conn.Close();
    return;
  }

  if (const auto* a = std::get_if<AttachStreamRequest>(&*cached)) {
    conn.Send(a->stdout ? 1 : a->stderr ? 2 : 3, "");
    // attachContainer (pkg/cri/server/container_attach.go@v1.6.20): held
    // while the container runs; the output was written when it started.
    auto running = [&]() -> absl::Status {
      auto id = store_->ResolveContainer(a->container_id);
      if (!id.ok()) {
        return absl::Status(id.status().code(), absl::StrCat("failed to find container \"",
                                                             a->container_id, "\" in store: ",
                                                             id.status().message()));
      }
      auto c = store_->GetContainer(*id);
      if (!c.ok()) return c.status();
      if (c->state != ContainerState::kRunning) {
        return absl::UnknownError(
            absl::StrCat("container is in ", ContainerStateName(c->state), " state"));
      }
      return absl::OkStatus();
    };
    RemoteStatus status;
    if (absl::Status s = running(); !s.ok()) {
      status = RemoteStatus::Internal(absl::StrCat("error attaching to container: ", s.message()));
    } else {
      while (!stopping_ && running().ok() && conn.Pump(20, [](int, const std::string&) {})) {
      }
    }
    const std::string s = v4 ? status.V4Json() : status.V1Text();
    if (!s.empty()) conn.Send(3, s);
    conn.Close();
    return;
  }

  // Port forwarding (portforward/websocket.go, sandbox_portforward_linux.go@v1.6.20).
  const auto& pf = std::get<PortForwardStreamRequest>(*cached);
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
    conn.Send(static_cast<int>(2 * i), le);
    conn.Send(static_cast<int>(2 * i + 1), le);
  }
  for (size_t i = 0; i < ports.size(); ++i) {
    Forward f{ports[i]};
    std::string err;
    auto id = store_->ResolveSandbox(pf.sandbox_id);
    absl::StatusOr<Sandbox> sb = id.ok() ? store_->GetSandbox(*id) : absl::StatusOr<Sandbox>(id.status());
    if (!sb.ok()) {
      err = absl::StrCat("failed to find sandbox \"", pf.sandbox_id, "\" in store: ",
                         id.ok() ? sb.status().message() : id.status().message());
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
            host ? "host" : absl::StrCat("/var/run/netns/cni-", sb->id.substr(0, 8), "-",
                                         sb->id.substr(8, 4), "-", sb->id.substr(12, 4), "-",
                                         sb->id.substr(16, 4), "-", sb->id.substr(20, 12));
        err = absl::StrCat("failed to execute portforward in network namespace \"", netns,
                           "\": failed to connect to localhost:", f.port, " inside namespace \"",
                           sb->id, "\", IPv4: dial tcp4 127.0.0.1:", f.port, ": ", v4_error,
                           " IPv6 dial tcp6: address localhost: no suitable address found ");
      }
    }
    if (!err.empty()) {
      conn.Send(static_cast<int>(2 * i + 1),
                absl::StrCat("error forwarding port ", f.port, " to pod ", pf.sandbox_id,
                             ", uid : ", err));
    }
    forwards.push_back(f);
  }
  // Relay: client data frames to the connections, their bytes back as frames.
  auto open = [&] {
    return std::any_of(forwards.begin(), forwards.end(), [](const Forward& f) { return f.fd >= 0; });
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
        conn.Send(static_cast<int>(2 * i), std::string(data, static_cast<size_t>(n)));
      }
    }
    const bool alive = conn.Pump(10, [&](int channel, const std::string& bytes) {
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
  conn.Close();
}

}  // namespace fakecri
