#ifndef FAKE_CRI_STREAMING_STREAM_SERVER_H_
#define FAKE_CRI_STREAMING_STREAM_SERVER_H_

#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "fake-cri/clock.h"
#include "fake-cri/exec_runner.h"
#include "fake-cri/store.h"
#include "fake-cri/streaming/request_cache.h"

namespace fakecri {

class ChannelConn;

// The streaming server behind Exec, Attach and PortForward URLs, as
// containerd's (pkg/cri/streaming@v1.6.20): plain HTTP on 127.0.0.1 and a
// port of its own, `/exec/<token>`, `/attach/<token>`, `/portforward/<token>`,
// each token good once.
//
// How far the protocols go:
// - WebSocket (channel.k8s.io, base64.channel.k8s.io and their v4. forms):
//   complete for exec (the configured answer's stdout, stderr, the v4 JSON
//   status or the v1 error text, then a close frame), attach (held until the
//   container stops, then the status) and port forwarding (the port frames,
//   then the bytes of 127.0.0.1:<port> for a host-network pod, or the
//   connection's error as containerd words it).
// - SPDY/3.1 (what kubectl and the kubelet speak): the handshake is answered
//   as containerd answers it (101, the negotiated X-Stream-Protocol-Version),
//   then the session is ended with a GOAWAY frame; no stream is served.
// - Plain requests get containerd's 400/403/404 answers and texts.
// Thread-safe; one thread per connection.
class StreamServer {
 public:
  StreamServer(Store* store, const ExecRunner* exec, Clock* clock);
  ~StreamServer();

  // Listens on 127.0.0.1:0 and serves until Shutdown.
  absl::Status Start();
  void Shutdown();

  // The URL of a new token for `request`: http://127.0.0.1:<port>/<kind>/<token>.
  absl::StatusOr<std::string> Url(StreamRequest request);
  int port() const { return port_; }

 private:
  void Accept();
  // One connection: the request, the route, the token, the protocol.
  void Serve(int fd);
  // The sessions, once upgraded to WebSocket (`v4`: the v4 status format).
  void ServeExec(const ExecStreamRequest& req, bool v4, ChannelConn* conn);
  void ServeAttach(const AttachStreamRequest& req, bool v4, ChannelConn* conn);
  void ServePortForward(const PortForwardStreamRequest& req, const std::string& query,
                        ChannelConn* conn);

  Store* store_;
  const ExecRunner* exec_;
  RequestCache cache_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::mutex mu_;
  // One thread per connection; finished ones are joined as new ones come.
  struct Connection {
    std::thread thread;
    int fd;
    bool done = false;
  };
  std::list<Connection> connections_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_STREAMING_STREAM_SERVER_H_
