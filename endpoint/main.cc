// checkpoint-endpoint: flags, wiring, signals. Everything else lives in the library.
#include <signal.h>

#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "endpoint/config.h"
#include "endpoint/endpoint.h"

namespace {
constexpr char kVersion[] = "0.1.0";  // the kit's version: CMake's PROJECT_VERSION
}

int main(int argc, char** argv) {
  // Debian builds abseil without NDEBUG, which leaves absl::Mutex deadlock
  // detection on: every lock gRPC takes then updates a global graph (10-20% of
  // a CRI call, bench/README.md, figure 1).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--version") != args.end()) {
    std::cout << "checkpoint-endpoint " << kVersion << " (kubelet checkpoint API)\n";
    return 0;
  }
  auto config = endpoint::ParseConfig(args);
  if (!config.ok()) {
    std::cerr << "checkpoint-endpoint: " << config.status().message() << "\n";
    return 2;
  }
  if (config->help) {
    std::cout << endpoint::ConfigUsage();
    return 0;
  }
  kit::SetLogLevel(config->log_level);

  // Stop signals go to one waiting thread, not to gRPC's or the HTTP server's.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that goes away must not kill us

  endpoint::RealClock clock;
  auto ep = endpoint::Endpoint::Start(*config, &clock);
  if (!ep.ok()) {
    std::cerr << "checkpoint-endpoint: " << ep.status().message() << "\n";
    return 1;
  }
  kit::LogLine(
      kit::LogLevel::kInfo,
      absl::StrCat("checkpoint-endpoint serving ", config->insecure_http ? "http" : "https", " on ",
                   config->address, ":", (*ep)->port(), " as kubelet ", config->kubelet_version,
                   " (node ", config->hostname_override, ", runtime ",
                   config->container_runtime_endpoint, ", ContainerCheckpoint=",
                   config->CheckpointGate(**endpoint::FindKubeletProfile(config->kubelet_version))
                       ? "true"
                       : "false",
                   ")"));
  int sig = 0;
  sigwait(&stop, &sig);
  kit::LogLine(kit::LogLevel::kInfo, absl::StrCat("signal ", sig, ": stopping; waiting up to ",
                                                  config->shutdown_grace_period.count() / 1000000,
                                                  " ms for running checkpoints"));
  (*ep)->Shutdown(config->shutdown_grace_period);
  kit::LogLine(kit::LogLevel::kInfo, "stopped");
  return 0;
}
