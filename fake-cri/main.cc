// fake-cri: flags, wiring, signals. Everything else lives in the library.
#include <signal.h>

#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/clock.h"
#include "fake-cri/ctl.h"
#include "fake-cri/flags.h"
#include "fake-cri/server.h"

namespace {
constexpr char kVersion[] = "0.1.0";
}

int main(int argc, char** argv) {
  // Debian builds abseil without NDEBUG, which leaves absl::Mutex deadlock
  // detection on: every lock gRPC takes then updates a global graph (10-20% of
  // a CRI call, bench/README.md, figure 1).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "ctl") {
    return fakecri::RunCtl({args.begin() + 1, args.end()}, std::cout, std::cerr);
  }
  auto flags = fakecri::ParseFlags(args);
  if (!flags.ok()) {
    std::cerr << "fake-cri: " << flags.status().message() << "\n";
    return 2;
  }
  if (flags->help) {
    std::cout << fakecri::FlagsUsage();
    return 0;
  }
  if (flags->version) {
    std::cout << "fake-cri " << kVersion << " (CRI runtime.v1)\n";
    return 0;
  }
  if (flags->list_profiles) {
    std::cout << fakecri::ListProfiles();
    return 0;
  }
  kit::SetLogLevel(flags->log_level);

  std::optional<fakecri::Fixture> fixture;
  if (!flags->fixture.empty()) {
    auto loaded = fakecri::LoadFixture(flags->fixture);
    if (!loaded.ok()) {
      std::cerr << "fake-cri: bad fixture: " << loaded.status().message() << "\n";
      return 2;
    }
    fixture = std::move(*loaded);
  }

  // Block the stop signals in every thread (gRPC's included); one thread waits.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  fakecri::RealClock clock;
  auto options = fakecri::MergeOptions(*flags, fixture ? &*fixture : nullptr);
  if (!options.ok()) {
    std::cerr << "fake-cri: " << options.status().message() << "\n";
    return 2;
  }
  auto server = fakecri::FakeCriServer::Start(*options, &clock, fakecri::RealFileOps());
  if (!server.ok()) {
    std::cerr << "fake-cri: " << server.status().message() << "\n";
    return 1;
  }
  size_t pods = fixture ? fixture->pods.size() : 0;
  kit::LogLine(
      kit::LogLevel::kInfo,
      absl::StrCat("fake-cri ", kVersion, " serving runtime.v1 on ", flags->listen, " (", pods,
                   " pods from ", flags->fixture.empty() ? "no fixture" : flags->fixture,
                   ", runtime profile ", options->checkpoint.profile->name,
                   options->checkpoint.criu ? "" : " without CRIU", ", time scale ",
                   flags->time_scale, ")"));
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    kit::LogLine(kit::LogLevel::kInfo, absl::StrCat("signal ", sig, ": shutting down"));
    (*server)->Shutdown();
  });
  (*server)->Wait();
  waiter.join();
  return 0;
}
