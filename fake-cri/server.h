#ifndef FAKE_CRI_SERVER_H_
#define FAKE_CRI_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fake-cri/call_gate.h"
#include "fake-cri/checkpointer.h"
#include "fake-cri/control_service.h"
#include "fake-cri/counters.h"
#include "fake-cri/exec_runner.h"
#include "fake-cri/fault_rules.h"
#include "fake-cri/fixture.h"
#include "fake-cri/image_service.h"
#include "fake-cri/runtime_service.h"
#include "fake-cri/store.h"
#include "fake-cri/streaming/stream_server.h"
#include "grpcpp/server.h"

namespace fakecri {

struct ServerOptions {
  std::string listen;  // unix:///path.sock
  CheckpointerOptions checkpoint;
  RuntimeServiceImpl::Options runtime;
  std::vector<FaultRule> faults;     // from flags
  const Fixture* fixture = nullptr;  // loaded into the store when set

  // Behave as `profile`, with its latency and archive layout.
  void UseProfile(const RuntimeProfile& profile) {
    checkpoint.profile = &profile;
    checkpoint.latency = profile.latency;
    checkpoint.flavor = profile.layout;
    runtime.profile = &profile;
  }
};

// One fake runtime: the store, the services and the gRPC server on a unix
// socket (RuntimeService, ImageService and our Control service), and the
// streaming server for Exec/Attach/PortForward URLs on 127.0.0.1. A stale
// socket file is replaced; one that a live server answers on is an error.
// Thread-safe; Shutdown may be called from any thread, once.
class FakeCriServer {
 public:
  static absl::StatusOr<std::unique_ptr<FakeCriServer>> Start(const ServerOptions& options,
                                                              Clock* clock, FileOps* ops);
  ~FakeCriServer();

  // Stops taking calls; running checkpoints are cancelled and clean up.
  void Shutdown();
  void Wait();

  Store* store() { return &store_; }
  FaultRules* faults() { return &faults_; }
  Counters* counters() { return &counters_; }

 private:
  FakeCriServer(Clock* clock, FileOps* ops, const ServerOptions& options);

  std::string socket_path_;
  Store store_;
  FaultRules faults_;
  Counters counters_;
  CallGate gate_;
  ExecRunner exec_;
  StreamServer streams_;
  Checkpointer checkpointer_;
  ImageServiceImpl images_;
  RuntimeServiceImpl runtime_;
  ControlServiceImpl control_;
  std::unique_ptr<grpc::Server> server_;
  bool shut_down_ = false;
};

// "unix:///run/x.sock" -> "/run/x.sock"; INVALID_ARGUMENT for anything else.
absl::StatusOr<std::string> UnixSocketPath(const std::string& endpoint);

}  // namespace fakecri

#endif  // FAKE_CRI_SERVER_H_
