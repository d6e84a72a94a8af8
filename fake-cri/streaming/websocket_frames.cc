#include "fake-cri/streaming/websocket_frames.h"

#include <openssl/sha.h>

namespace fakecri {

std::string EncodeWsFrame(WsOpcode opcode, const std::string& payload) {
  std::string out;
  out += static_cast<char>(0x80 | static_cast<uint8_t>(opcode));
  const uint64_t n = payload.size();
  if (n < 126) {
    out += static_cast<char>(n);
  } else if (n <= 0xffff) {
    out += static_cast<char>(126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xff);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
  }
  return out + payload;
}

std::string Base64(const std::string& data) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t v = static_cast<uint8_t>(data[i]) << 16 |
                       static_cast<uint8_t>(data[i + 1]) << 8 | static_cast<uint8_t>(data[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(v >> shift) & 63];
  }
  if (i < data.size()) {
    uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    if (i + 1 < data.size()) v |= static_cast<uint8_t>(data[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string WebSocketAccept(const std::string& key) {
  const std::string in = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 section 1.3
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
  return Base64(std::string(reinterpret_cast<char*>(digest), sizeof digest));
}

absl::StatusOr<std::optional<WsMessage>> WsReader::Next() {
  for (;;) {
    if (buf_.size() < 2) return std::nullopt;
    const uint8_t b0 = static_cast<uint8_t>(buf_[0]), b1 = static_cast<uint8_t>(buf_[1]);
    const bool fin = b0 & 0x80;
    if (b0 & 0x70) return absl::InvalidArgumentError("websocket: reserved bits set");
    const uint8_t op = b0 & 0x0f;
    if (!(b1 & 0x80)) return absl::InvalidArgumentError("websocket: client frame not masked");
    uint64_t len = b1 & 0x7f;
    size_t off = 2;
    if (len == 126) {
      if (buf_.size() < 4) return std::nullopt;
      len = static_cast<uint8_t>(buf_[2]) << 8 | static_cast<uint8_t>(buf_[3]);
      off = 4;
    } else if (len == 127) {
      if (buf_.size() < 10) return std::nullopt;
      len = 0;
      for (int i = 2; i < 10; ++i) len = len << 8 | static_cast<uint8_t>(buf_[i]);
      off = 10;
    }
    if (len > max_message_) return absl::ResourceExhaustedError("websocket: message too large");
    if (buf_.size() < off + 4 + len) return std::nullopt;
    const char* mask = buf_.data() + off;
    std::string payload = buf_.substr(off + 4, len);
    for (size_t i = 0; i < payload.size(); ++i) payload[i] ^= mask[i % 4];
    buf_.erase(0, off + 4 + len);

    const bool control = op & 0x08;
    if (control) {
      if (!fin || len > 125) return absl::InvalidArgumentError("websocket: bad control frame");
      if (op != 8 && op != 9 && op != 10)
        return absl::InvalidArgumentError("websocket: bad opcode");
      return WsMessage{static_cast<WsOpcode>(op), std::move(payload)};
    }
    if (op == 0) {
      if (!partial_opcode_) return absl::InvalidArgumentError("websocket: stray continuation");
    } else if (op == 1 || op == 2) {
      if (partial_opcode_) return absl::InvalidArgumentError("websocket: unfinished message");
      partial_opcode_ = static_cast<WsOpcode>(op);
    } else {
      return absl::InvalidArgumentError("websocket: bad opcode");
    }
    if (partial_.size() + payload.size() > max_message_) {
      return absl::ResourceExhaustedError("websocket: message too large");
    }
    partial_ += payload;
    if (fin) {
      WsMessage m{*partial_opcode_, std::move(partial_)};
      partial_.clear();
      partial_opcode_.reset();
      return m;
    }
  }
}

}  // namespace fakecri
