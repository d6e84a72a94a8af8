// Figure 1: CRI calls, fake-cri vs containerd 1.6, one client, same machine.
// Version; ListContainers with 100 containers (created through CRI in both);
// ContainerStatus. Google Benchmark runs every (call, runtime) pair as
// repetitions in random interleaved order, so both runtimes see the same noise;
// each row is the median of the repetitions' mean call times and their spread.
// A third "runtime", a gRPC server in its own process (this program, run as
// `cri_calls --serve-floor DIR`) answering each call with a canned reply (the
// same messages fake-cri sent), is what gRPC and protobuf alone cost: the
// floor under any C++ CRI server built like fake-cri.
//
//   cri_calls --fake-cri unix:///... [--containerd unix:///... | --containerd-note WHY]
//             [--containers 100] [--repetitions 12] [--min-time 0.3] [--json FILE]
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/cri_setup.h"
#include "benchmark/benchmark.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

extern char** environ;

namespace {

namespace v1 = runtime::v1;

// Answers Version, ListContainers and ContainerStatus with fixed replies.
class CannedRuntime final : public v1::RuntimeService::Service {
 public:
  v1::VersionResponse version;
  v1::ListContainersResponse list;
  v1::ContainerStatusResponse status;

  grpc::Status Version(grpc::ServerContext*, const v1::VersionRequest*,
                       v1::VersionResponse* out) override {
    *out = version;
    return grpc::Status::OK;
  }
  grpc::Status ListContainers(grpc::ServerContext*, const v1::ListContainersRequest*,
                              v1::ListContainersResponse* out) override {
    *out = list;
    return grpc::Status::OK;
  }
  grpc::Status ContainerStatus(grpc::ServerContext*, const v1::ContainerStatusRequest*,
                               v1::ContainerStatusResponse* out) override {
    *out = status;
    return grpc::Status::OK;
  }
};

struct Target {
  std::string label;       // fake-cri, containerd, grpc-floor
  std::string sandbox_id;  // made here, removed at the end
  std::unique_ptr<v1::RuntimeService::Stub> stub;
  std::string status_id;  // a container to ask ContainerStatus about
  size_t listed = 0;      // containers ListContainers returned at set-up
};

// Keeps every repetition's mean call time, by benchmark name.
class Collector : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, std::vector<double>> micros;
  std::vector<std::string> errors;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.error_occurred) errors.push_back(r.benchmark_name() + ": " + r.error_message);
      if (r.run_type == Run::RT_Iteration && !r.error_occurred) {
        micros[r.run_name.function_name].push_back(r.GetAdjustedRealTime());
      }
    }
    std::vector<Run> aggregates;
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate) aggregates.push_back(r);
    }
    if (!aggregates.empty()) ConsoleReporter::ReportRuns(aggregates);
  }
};

template <typename Req, typename Resp>
using Call = grpc::Status (v1::RuntimeService::Stub::*)(grpc::ClientContext*, const Req&, Resp*);

template <typename Req, typename Resp>
void Register(const std::string& name, Target* t, Call<Req, Resp> call, Req req) {
  benchmark::RegisterBenchmark(name.c_str(),
                               [t, call, req](benchmark::State& state) {
                                 Resp resp;
                                 for (auto _ : state) {
                                   grpc::ClientContext ctx;
                                   grpc::Status s = ((*t->stub).*call)(&ctx, req, &resp);
                                   if (!s.ok()) {
                                     state.SkipWithError(s.error_message().c_str());
                                     break;
                                   }
                                 }
                               })
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

constexpr const char* kCanned[] = {"version.pb", "list.pb", "status.pb"};

// The floor server's process: serves the canned replies found in `dir` on
// unix://dir/floor.sock until killed (or until its parent dies).
int ServeFloor(const std::string& dir) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  CannedRuntime canned;
  google::protobuf::Message* msgs[] = {&canned.version, &canned.list, &canned.status};
  for (int i = 0; i < 3; ++i) {
    std::ifstream in(dir + "/" + kCanned[i], std::ios::binary);
    if (!msgs[i]->ParseFromIstream(&in)) return 1;
  }
  grpc::ServerBuilder builder;
  builder.AddListeningPort("unix://" + dir + "/floor.sock", grpc::InsecureServerCredentials());
  builder.RegisterService(&canned);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return 1;
  server->Wait();
  return 0;
}

std::string Micros(const bench::Summary& s) {
  return bench::Fmt("%.0f us (%.0f-%.0f)", s.median, s.min, s.max);
}

}  // namespace

int main(int argc, char** argv) {
  bench::DisableMutexDeadlockDetection();
  if (argc == 3 && std::string(argv[1]) == "--serve-floor") return ServeFloor(argv[2]);
  bench::Flags flags(argc, argv);
  const std::string fake_cri = flags.Str("fake-cri");
  const std::string containerd = flags.Str("containerd");
  const std::string containerd_note = flags.Str("containerd-note", "not given");
  const int containers = static_cast<int>(flags.Int("containers", 100));
  const long repetitions = flags.Int("repetitions", 12);
  const double min_time = flags.Double("min-time", 0.3);
  const std::string json = flags.Str("json");
  if (fake_cri.empty() || !flags.Unused().empty()) {
    std::cerr << "usage: cri_calls --fake-cri URL [--containerd URL] [--json FILE]\n";
    return 2;
  }

  std::vector<std::unique_ptr<Target>> targets;
  auto add = [&](const std::string& label, const std::string& url) -> bool {
    auto channel = bench::ConnectCri(url);
    if (!channel.ok()) {
      std::cerr << label << ": " << channel.status() << "\n";
      return false;
    }
    auto t = std::make_unique<Target>();
    t->label = label;
    t->stub = v1::RuntimeService::NewStub(*channel);
    auto pod = bench::MakePod(t->stub.get(), "bench", "list-" + std::to_string(::getpid()),
                              containers, false);
    if (!pod.ok()) {
      std::cerr << label << ": " << pod.status() << "\n";
      return false;
    }
    t->status_id = pod->container_ids.front();
    t->sandbox_id = pod->sandbox_id;
    targets.push_back(std::move(t));
    return true;
  };
  if (!add("fake-cri", fake_cri)) return 1;
  if (!containerd.empty() && !add("containerd", containerd)) return 1;

  // The floor: canned replies copied from fake-cri's, served by a child process.
  char dir_template[] = "/tmp/cri-floor-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  {
    v1::RuntimeService::Stub* s = targets[0]->stub.get();
    CannedRuntime canned;
    grpc::ClientContext c1, c2, c3;
    v1::ContainerStatusRequest sreq;
    sreq.set_container_id(targets[0]->status_id);
    if (!s->Version(&c1, v1::VersionRequest(), &canned.version).ok() ||
        !s->ListContainers(&c2, v1::ListContainersRequest(), &canned.list).ok() ||
        !s->ContainerStatus(&c3, sreq, &canned.status).ok()) {
      std::cerr << "fake-cri: set-up calls failed\n";
      return 1;
    }
    targets[0]->listed = static_cast<size_t>(canned.list.containers_size());
    const google::protobuf::Message* msgs[] = {&canned.version, &canned.list, &canned.status};
    for (int i = 0; i < 3; ++i) {
      std::ofstream out(dir + "/" + kCanned[i], std::ios::binary);
      msgs[i]->SerializeToOstream(&out);
    }
  }
  pid_t floor_pid = 0;
  {
    std::string self = "/proc/self/exe", flag = "--serve-floor", arg = dir;
    char* child_argv[] = {self.data(), flag.data(), arg.data(), nullptr};
    if (posix_spawn(&floor_pid, "/proc/self/exe", nullptr, nullptr, child_argv, environ) != 0) {
      std::cerr << "cannot start the floor server\n";
      return 1;
    }
    auto channel = bench::ConnectCri("unix://" + dir + "/floor.sock");
    if (!channel.ok()) {
      std::cerr << "floor: " << channel.status() << "\n";
      return 1;
    }
    auto t = std::make_unique<Target>();
    t->label = "grpc-floor";
    t->stub = v1::RuntimeService::NewStub(*channel);
    t->status_id = targets[0]->status_id;
    targets.push_back(std::move(t));
  }

  for (auto& t : targets) {
    v1::ContainerStatusRequest sreq;
    sreq.set_container_id(t->status_id);
    Register<v1::VersionRequest, v1::VersionResponse>(
        "Version/" + t->label, t.get(), &v1::RuntimeService::Stub::Version, v1::VersionRequest());
    Register<v1::ListContainersRequest, v1::ListContainersResponse>(
        "ListContainers/" + t->label, t.get(), &v1::RuntimeService::Stub::ListContainers,
        v1::ListContainersRequest());
    Register<v1::ContainerStatusRequest, v1::ContainerStatusResponse>(
        "ContainerStatus/" + t->label, t.get(), &v1::RuntimeService::Stub::ContainerStatus, sreq);
  }

  std::vector<std::string> args = {
      argv[0], "--benchmark_repetitions=" + std::to_string(repetitions),
      "--benchmark_enable_random_interleaving=true",
      "--benchmark_min_time=" + std::to_string(min_time), "--benchmark_color=false"};
  std::vector<char*> bargv;
  for (auto& a : args) bargv.push_back(a.data());
  int bargc = static_cast<int>(bargv.size());
  benchmark::Initialize(&bargc, bargv.data());
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::Shutdown();
  ::kill(floor_pid, SIGKILL);
  ::waitpid(floor_pid, nullptr, 0);
  for (auto& t : targets) {
    if (!t->sandbox_id.empty()) bench::RemovePod(t->stub.get(), t->sandbox_id);
  }
  std::filesystem::remove_all(dir);
  for (const auto& e : collector.errors) std::cerr << "error: " << e << "\n";

  std::vector<bench::Row> rows;
  const bool have_containerd = !containerd.empty();
  for (const std::string call : {"Version", "ListContainers", "ContainerStatus"}) {
    const bench::Summary ours = bench::Summarize(collector.micros[call + "/fake-cri"]);
    const bench::Summary floor = bench::Summarize(collector.micros[call + "/grpc-floor"]);
    bench::Row row;
    row.figure = "1";
    row.name = call == "ListContainers"
                   ? "CRI ListContainers (" + std::to_string(targets[0]->listed) + ")"
                   : "CRI " + call;
    row.ours = Micros(ours);
    row.target = "<= 0.75";
    row.detail = {{"fake_cri_us", bench::ToJson(ours)}, {"grpc_floor_us", bench::ToJson(floor)}};
    if (have_containerd) {
      const bench::Summary peer = bench::Summarize(collector.micros[call + "/containerd"]);
      row.peer = Micros(peer) + " containerd";
      row.ratio = ours.median / peer.median;
      row.met = *row.ratio <= 0.75;
      row.detail["containerd_us"] = bench::ToJson(peer);
    } else {
      row.peer = "containerd: " + containerd_note;
    }
    rows.push_back(row);
    bench::Row floor_row;
    floor_row.figure = "1";
    floor_row.name = "  gRPC floor, canned " + call;
    floor_row.ours = Micros(ours);
    floor_row.peer = Micros(floor) + " floor";
    floor_row.ratio = ours.median / floor.median;
    floor_row.target = "(bound)";
    rows.push_back(floor_row);
  }
  bench::EmitRows(rows, json);
  return collector.errors.empty() ? 0 : 1;
}
