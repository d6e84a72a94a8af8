#ifndef FAKE_CRI_STREAMING_CHANNEL_CONN_H_
#define FAKE_CRI_STREAMING_CHANNEL_CONN_H_

#include <functional>
#include <string>

#include "fake-cri/streaming/websocket_frames.h"

namespace fakecri {

// Writes all of `data` to a socket (no SIGPIPE); false when it fails.
bool SendAll(int fd, const std::string& data);

// A connection once upgraded to WebSocket in the channel protocol of
// k8s.io/apiserver's wsstream (what containerd's streaming server uses): each
// message is a channel byte (an ASCII digit in the base64 protocols) and
// data. Answers pings; reads client messages only when asked. Not
// thread-safe; one per connection thread. Does not own the socket.
class ChannelConn {
 public:
  // `leftover`: bytes that came after the HTTP request (the first frames).
  ChannelConn(int fd, bool base64, const std::string& leftover);

  // One message on `channel`.
  bool Send(int channel, const std::string& data);
  // Sends the close frame (1000, as golang.org/x/net/websocket does) and ends
  // the connection. What the client still sends (stdin) is read and dropped
  // for a moment first: closing with unread bytes would reset the connection
  // and could cost the client the last frames.
  void Close();
  // Waits up to `ms` for client traffic; data messages go to `on_data`
  // (channel, bytes). False once the client is gone or closed.
  bool Pump(int ms, const std::function<void(int, const std::string&)>& on_data);

 private:
  bool Drain(const std::function<void(int, const std::string&)>& on_data);

  int fd_;
  bool base64_;
  WsReader reader_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_STREAMING_CHANNEL_CONN_H_
