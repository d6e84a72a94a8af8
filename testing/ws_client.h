#ifndef FAKE_CRI_TESTING_WS_CLIENT_H_
#define FAKE_CRI_TESTING_WS_CLIENT_H_

// A small blocking client for the streaming server's URLs in tests: plain
// HTTP requests, and WebSocket sessions in the channel protocol (frames
// masked as a client must), read until the close frame or a deadline.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace fakecri {

struct ParsedUrl {
  int port = 0;
  std::string path;  // with the query
};

inline ParsedUrl ParseHttpUrl(const std::string& url) {
  ParsedUrl u;
  const std::string prefix = "http://127.0.0.1:";
  if (url.rfind(prefix, 0) != 0) return u;
  const size_t slash = url.find('/', prefix.size());
  u.port = std::stoi(url.substr(prefix.size(), slash - prefix.size()));
  u.path = slash == std::string::npos ? "/" : url.substr(slash);
  return u;
}

class TestSocket {
 public:
  explicit TestSocket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~TestSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  void Send(const std::string& s) {
    size_t done = 0;
    while (done < s.size()) {
      ssize_t n = ::send(fd_, s.data() + done, s.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }
  // Appends what arrives within `ms` to `buf`: 1 when something came, 0 on
  // timeout, -1 at EOF or on an error.
  int Read(std::string* buf, int ms) {
    struct pollfd p = {fd_, POLLIN, 0};
    if (::poll(&p, 1, ms) <= 0) return 0;
    char tmp[16384];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return -1;
    buf->append(tmp, static_cast<size_t>(n));
    return 1;
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

 private:
  int fd_ = -1;
};

// A whole plain HTTP answer (until the server closes, or 5 s).
inline std::string HttpGet(const std::string& url, const std::vector<std::string>& headers = {}) {
  ParsedUrl u = ParseHttpUrl(url);
  TestSocket s(u.port);
  if (!s.ok()) return "";
  std::string req = "GET " + u.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& h : headers) req += h + "\r\n";
  s.Send(req + "\r\n");
  std::string out;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < end) {
    const int r = s.Read(&out, 200);
    if (r < 0) break;
    if (r == 0) {
      if (out.find("\r\n\r\n") != std::string::npos) {
        // Content-Length known and complete, or the server closed.
        const size_t cl = out.find("Content-Length: ");
        const size_t body = out.find("\r\n\r\n") + 4;
        if (cl == std::string::npos || cl > body) break;
        if (out.size() - body >= std::stoul(out.substr(cl + 16))) break;
      }
    }
  }
  return out;
}

inline std::string ClientFrame(uint8_t opcode, const std::string& payload) {
  std::string f(1, static_cast<char>(0x80 | opcode));
  const char mask[4] = {0x0f, 0x1e, 0x2d, 0x3c};
  if (payload.size() < 126) {
    f += static_cast<char>(0x80 | payload.size());
  } else {
    f += static_cast<char>(0x80 | 126);
    f += static_cast<char>(payload.size() >> 8);
    f += static_cast<char>(payload.size() & 0xff);
  }
  f.append(mask, 4);
  for (size_t i = 0; i < payload.size(); ++i) f += payload[i] ^ mask[i % 4];
  return f;
}

struct WsSession {
  std::string head;                                 // the HTTP answer's head
  std::vector<std::pair<int, std::string>> frames;  // channel (or -opcode), payload
  int close_code = -1;                              // -1: no close frame came
};

// Opens a WebSocket on `url` (+ "?query"), sends `to_send` (whole client
// frames) once upgraded, calls `after_open` (may send more) and reads frames
// until the close frame or `timeout`.
template <typename AfterOpen>
WsSession WsOpen(const std::string& url, const std::string& protocol, AfterOpen after_open,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  WsSession out;
  ParsedUrl u = ParseHttpUrl(url);
  TestSocket s(u.port);
  if (!s.ok()) return out;
  std::string req = "GET " + u.path +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\n";
  if (!protocol.empty()) req += "Sec-WebSocket-Protocol: " + protocol + "\r\n";
  s.Send(req + "\r\n");
  std::string buf;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (buf.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < end) {
    if (s.Read(&buf, 100) < 0) break;
  }
  const size_t head_end = buf.find("\r\n\r\n");
  if (head_end == std::string::npos) return out;
  out.head = buf.substr(0, head_end);
  buf.erase(0, head_end + 4);
  if (out.head.find(" 101 ") == std::string::npos) return out;
  after_open(s);
  while (std::chrono::steady_clock::now() < end) {
    while (buf.size() >= 2) {
      size_t n = static_cast<uint8_t>(buf[1]) & 0x7f, off = 2;
      if (n == 126) {
        if (buf.size() < 4) break;
        n = static_cast<uint8_t>(buf[2]) << 8 | static_cast<uint8_t>(buf[3]);
        off = 4;
      } else if (n == 127) {
        if (buf.size() < 10) break;
        n = 0;
        for (int i = 2; i < 10; ++i) n = n << 8 | static_cast<uint8_t>(buf[i]);
        off = 10;
      }
      if (buf.size() < off + n) break;
      const int op = static_cast<uint8_t>(buf[0]) & 0x0f;
      std::string payload = buf.substr(off, n);
      buf.erase(0, off + n);
      if (op == 8) {
        out.close_code =
            payload.size() >= 2
                ? (static_cast<uint8_t>(payload[0]) << 8 | static_cast<uint8_t>(payload[1]))
                : 0;
        return out;
      }
      if (payload.empty()) {
        out.frames.push_back({-op, ""});
      } else {
        out.frames.push_back({static_cast<uint8_t>(payload[0]), payload.substr(1)});
      }
    }
    if (s.Read(&buf, 50) < 0) break;
  }
  return out;
}

inline WsSession WsOpen(const std::string& url, const std::string& protocol) {
  return WsOpen(url, protocol, [](TestSocket&) {});
}

}  // namespace fakecri

#endif  // FAKE_CRI_TESTING_WS_CLIENT_H_
