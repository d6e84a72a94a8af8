#include "fake-cri/streaming/channel_conn.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace fakecri {

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

ChannelConn::ChannelConn(int fd, bool base64, const std::string& leftover)
    : fd_(fd), base64_(base64) {
  if (!leftover.empty()) reader_.Feed(leftover.data(), leftover.size());
}

bool ChannelConn::Send(int channel, const std::string& data) {
  if (base64_) {
    return SendAll(fd_,
                   EncodeWsFrame(WsOpcode::kText,
                                 std::string(1, static_cast<char>('0' + channel)) + Base64(data)));
  }
  return SendAll(
      fd_, EncodeWsFrame(WsOpcode::kBinary, std::string(1, static_cast<char>(channel)) + data));
}

void ChannelConn::Close() {
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

bool ChannelConn::Pump(int ms, const std::function<void(int, const std::string&)>& on_data) {
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

bool ChannelConn::Drain(const std::function<void(int, const std::string&)>& on_data) {
  for (;;) {
    auto m = reader_.Next();
    if (!m.ok()) return false;
    if (!*m) return true;
    switch ((*m)->opcode) {
      case WsOpcode::kClose:
        return false;
      case WsOpcode::kPing:
        SendAll(fd_, EncodeWsFrame(WsOpcode::kPong, (*m)->payload));
        break;
      case WsOpcode::kText:
      case WsOpcode::kBinary: {
        std::string p = std::move((*m)->payload);
        if (p.empty()) break;
        int channel = static_cast<uint8_t>(p[0]);
        if (base64_) channel -= '0';
        on_data(channel, p.substr(1));
        break;
      }
      default:
        break;
    }
  }
}

}  // namespace fakecri
