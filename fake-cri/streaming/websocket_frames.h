#ifndef FAKE_CRI_STREAMING_WEBSOCKET_FRAMES_H_
#define FAKE_CRI_STREAMING_WEBSOCKET_FRAMES_H_

// RFC 6455 framing for the streaming server: what a server sends (unmasked,
// unfragmented) and a reader for what clients send (masked, possibly
// fragmented, control frames between fragments). The HTTP request before it
// is parsed by Boost.Beast.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace fakecri {

enum class WsOpcode : uint8_t {
  kContinuation = 0,
  kText = 1,
  kBinary = 2,
  kClose = 8,
  kPing = 9,
  kPong = 10,
};

// One whole server frame (FIN set, no mask).
std::string EncodeWsFrame(WsOpcode opcode, const std::string& payload);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string WebSocketAccept(const std::string& key);

// Standard base64 with padding (the base64.channel.k8s.io protocols).
std::string Base64(const std::string& data);

struct WsMessage {
  WsOpcode opcode;  // kText, kBinary, or a control opcode
  std::string payload;
};

// Reassembles client messages from bytes as they arrive. Unmasked client
// frames, reserved bits, unknown opcodes, fragmented control frames and
// messages over `max_message` bytes are protocol errors (the connection is
// then closed).
class WsReader {
 public:
  explicit WsReader(size_t max_message = 16 << 20) : max_message_(max_message) {}
  void Feed(const char* data, size_t n) { buf_.append(data, n); }
  // The next whole message, nullopt when more bytes are needed.
  absl::StatusOr<std::optional<WsMessage>> Next();

 private:
  size_t max_message_;
  std::string buf_;
  std::optional<WsOpcode> partial_opcode_;
  std::string partial_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_STREAMING_WEBSOCKET_FRAMES_H_
