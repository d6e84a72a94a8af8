#include "fake-cri/server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "grpcpp/server_builder.h"

namespace fakecri {
namespace {

// Whether a server accepts connections on the unix socket at `path`.
bool SocketIsLive(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return live;
}

absl::Status PrepareSocketPath(const std::string& path) {
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("--listen: socket path \"", path,
                                                   "\" is longer than ",
                                                   sizeof(sockaddr_un{}.sun_path) - 1, " bytes"));
  }
  std::string dir = path.substr(0, path.rfind('/'));
  struct stat st;
  if (!dir.empty() && (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
    return absl::NotFoundError(absl::StrCat("--listen: directory \"", dir, "\" does not exist"));
  }
  if (::lstat(path.c_str(), &st) != 0) return absl::OkStatus();
  if (!S_ISSOCK(st.st_mode)) {
    return absl::AlreadyExistsError(
        absl::StrCat("--listen: \"", path, "\" exists and is not a socket; not removing it"));
  }
  if (SocketIsLive(path)) {
    return absl::AlreadyExistsError(
        absl::StrCat("--listen: a server is already listening on \"", path, "\""));
  }
  if (::unlink(path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("--listen: cannot remove stale socket \"", path,
                                            "\": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> UnixSocketPath(const std::string& endpoint) {
  const std::string prefix = "unix://";
  if (endpoint.rfind(prefix, 0) != 0 || endpoint.size() <= prefix.size() ||
      endpoint[prefix.size()] != '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", endpoint, "\" is not a unix socket URL (expected unix:///absolute/path.sock)"));
  }
  return endpoint.substr(prefix.size());
}

FakeCriServer::FakeCriServer(Clock* clock, FileOps* ops, const ServerOptions& options)
    : store_(clock, options.checkpoint.time_scale),
      faults_(ServedCriMethods()),
      gate_(&faults_, &counters_, clock, &store_),
      exec_(&store_, clock),
      streams_(&store_, &exec_, clock),
      checkpointer_(&store_, clock, ops, &counters_, options.checkpoint),
      images_(&gate_),
      runtime_(&store_, &checkpointer_, &faults_, &gate_, clock, &images_, &exec_, &streams_,
               options.runtime),
      control_(&faults_, &counters_) {}

absl::StatusOr<std::unique_ptr<FakeCriServer>> FakeCriServer::Start(const ServerOptions& options,
                                                                    Clock* clock, FileOps* ops) {
  auto path = UnixSocketPath(options.listen);
  if (!path.ok())
    return absl::InvalidArgumentError(absl::StrCat("--listen: ", path.status().message()));
  if (absl::Status s = PrepareSocketPath(*path); !s.ok()) return s;

  std::unique_ptr<FakeCriServer> server(new FakeCriServer(clock, ops, options));
  server->socket_path_ = *path;
  for (const FaultRule& r : options.faults) {
    if (auto id = server->faults_.Add(r); !id.ok()) return id.status();
  }
  if (absl::Status s = PopulateFromFixture(options.fixture, &server->store_, &server->faults_,
                                           server->images_.store());
      !s.ok()) {
    return s;
  }
  if (absl::Status s = server->streams_.Start(); !s.ok()) return s;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials());
  builder.RegisterService(&server->runtime_);
  builder.RegisterService(&server->images_);
  builder.RegisterService(&server->control_);
  // The kubelet sends up to 16 MiB messages; accept the same.
  builder.SetMaxReceiveMessageSize(16 << 20);
  // Keep threads between bursts: with gRPC's defaults (1 to 2 pollers) a burst
  // of N concurrent checkpoints starts N threads one after the other and ends
  // them afterwards, which put up to +20% on 32 concurrent 16 MiB checkpoints
  // (bench/README.md, figure 5).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 4);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 64);
  server->server_ = builder.BuildAndStart();
  if (!server->server_) {
    return absl::UnavailableError(absl::StrCat("--listen: cannot listen on ", options.listen));
  }
  // Only the owner (and its group) may talk to a runtime, as with containerd.
  ::chmod(path->c_str(), 0660);
  return server;
}

void FakeCriServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  checkpointer_.Shutdown();
  streams_.Shutdown();
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  ::unlink(socket_path_.c_str());
}

void FakeCriServer::Wait() {
  if (server_) server_->Wait();
}

FakeCriServer::~FakeCriServer() { Shutdown(); }

}  // namespace fakecri
