// Latency-model fidelity: measured ÷ modelled checkpoint time, seen from a CRI
// client, for working sets from 16 MiB to 4 GiB, one checkpoint at a time and
// with 8 and 32 concurrent checkpoints of different containers. The runtime is
// the real fake-cri server, in process, on a unix socket; archives go to a temp
// directory on the same disk as the build. Prints one table.
//
// With --versus-real it also compares the default runtime profile's times, one
// checkpoint at a time, with the medians measured on a real containerd 2.1.5
// (docs/runtime-profiles.md): the "latency vs containerd" row.
//
//   latency_fidelity [--pages sparse|full] [--repeat N] [--concurrency 1,8,32]
//                    [--sizes 16Mi,64Mi,...] [--time-scale F] [--json FILE]
//                    [--runtime-profile NAME] [--versus-real]
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "bench/bench_util.h"
#include "common/log.h"
#include "common/units.h"
#include "fake-cri/annotations.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/clock.h"
#include "fake-cri/profiles/runtime_profile.h"
#include "fake-cri/server.h"
#include "grpcpp/create_channel.h"
#include "nlohmann/json.hpp"
#include "proto/cri_runtime_v1.grpc.pb.h"

namespace {

namespace v1 = runtime::v1;
using Clock = std::chrono::steady_clock;

struct Row {
  std::string size;
  int concurrency;
  double modelled_s;
  std::vector<double> ratios;
};

// Medians of 3 checkpoints through CRI of a real containerd 2.1.5 (runc 1.1.5,
// CRIU 4.2.1, memory filled) on a 2-vCPU VM of this kind; docs/runtime-profiles.md.
const std::map<std::string, double> kRealContainerdSeconds = {
    {"16Mi", 0.433}, {"64Mi", 0.621}, {"256Mi", 1.64}, {"1Gi", 5.44}};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  bench::DisableMutexDeadlockDetection();
  std::string pages = "sparse", json_out;
  std::vector<std::string> sizes = {"16Mi", "64Mi", "256Mi", "1Gi", "4Gi"};
  std::vector<int> concurrency = {1, 8, 32};
  int repeat = 3;
  double time_scale = 1;
  std::string profile = fakecri::kDefaultRuntimeProfile;
  bool versus_real = false;
  for (int i = 1; i < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--versus-real") {
      versus_real = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << k << " needs a value\n";
      return 2;
    }
    std::string v = argv[i + 1];
    if (k == "--pages")
      pages = v;
    else if (k == "--runtime-profile")
      profile = v;
    else if (k == "--repeat")
      repeat = std::stoi(v);
    else if (k == "--time-scale")
      time_scale = std::stod(v);
    else if (k == "--json")
      json_out = v;
    else if (k == "--sizes")
      sizes = absl::StrSplit(v, ',');
    else if (k == "--concurrency") {
      concurrency.clear();
      for (auto c : absl::StrSplit(v, ',')) concurrency.push_back(std::stoi(std::string(c)));
    } else {
      std::cerr << "unknown flag " << k << "\n";
      return 2;
    }
  }

  char tmpl[] = "/var/tmp/fidelity-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  fakecri::RealClock clock;
  fakecri::ServerOptions o;
  const fakecri::RuntimeProfile* chosen = fakecri::FindRuntimeProfile(profile);
  if (!chosen) {
    std::cerr << "unknown runtime profile " << profile << "\n";
    return 2;
  }
  o.UseProfile(*chosen);
  o.listen = "unix://" + dir + "/cri.sock";
  o.checkpoint.time_scale = time_scale;
  o.checkpoint.pages = *fakecri::ParsePagesMode(pages);
  kit::SetLogLevel(kit::LogLevel::kWarn);
  auto server = fakecri::FakeCriServer::Start(o, &clock, fakecri::RealFileOps());
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return 1;
  }
  auto channel = grpc::CreateChannel(o.listen, grpc::InsecureChannelCredentials());
  auto stub = v1::RuntimeService::NewStub(channel);
  const int max_c = *std::max_element(concurrency.begin(), concurrency.end());

  std::vector<Row> rows;
  int seq = 0;
  for (const std::string& size : sizes) {
    // One pod per size, with as many containers as the highest concurrency.
    grpc::ClientContext sctx;
    v1::RunPodSandboxRequest sreq;
    sreq.mutable_config()->mutable_metadata()->set_name("pod-" + size);
    sreq.mutable_config()->mutable_metadata()->set_namespace_("bench");
    sreq.mutable_config()->mutable_metadata()->set_uid("uid-" + size);
    (*sreq.mutable_config()->mutable_annotations())[fakecri::kWorkingSetAnnotation] = size;
    v1::RunPodSandboxResponse sresp;
    if (!stub->RunPodSandbox(&sctx, sreq, &sresp).ok()) return 1;
    std::vector<std::string> ids;
    for (int i = 0; i < max_c; ++i) {
      grpc::ClientContext c1, c2;
      v1::CreateContainerRequest creq;
      creq.set_pod_sandbox_id(sresp.pod_sandbox_id());
      creq.mutable_config()->mutable_metadata()->set_name("c" + std::to_string(i));
      creq.mutable_config()->mutable_image()->set_image("busybox");
      v1::CreateContainerResponse cresp;
      if (!stub->CreateContainer(&c1, creq, &cresp).ok()) return 1;
      v1::StartContainerRequest st;
      st.set_container_id(cresp.container_id());
      v1::StartContainerResponse stresp;
      if (!stub->StartContainer(&c2, st, &stresp).ok()) return 1;
      ids.push_back(cresp.container_id());
    }
    const uint64_t ws = *kit::ParseByteQuantity(size);
    const double modelled =
        fakecri::ModelledCheckpointNanos(ws, o.checkpoint.latency) / 1e9 / time_scale;
    for (int c : concurrency) {
      Row row{size, c, modelled, {}};
      for (int r = 0; r < repeat; ++r) {
        std::vector<std::thread> threads;
        std::vector<double> took(c);
        std::atomic<int> failures{0};
        for (int i = 0; i < c; ++i) {
          std::string loc = dir + "/" + std::to_string(seq++) + ".tar";
          threads.emplace_back([&, i, loc] {
            grpc::ClientContext ctx;
            v1::CheckpointContainerRequest req;
            req.set_container_id(ids[i]);
            req.set_location(loc);
            req.set_timeout(3600);
            v1::CheckpointContainerResponse resp;
            auto start = Clock::now();
            grpc::Status s = stub->CheckpointContainer(&ctx, req, &resp);
            took[i] = std::chrono::duration<double>(Clock::now() - start).count();
            if (!s.ok()) {
              ++failures;
              std::cerr << "checkpoint failed: " << s.error_message() << "\n";
            }
            std::filesystem::remove(loc);
          });
        }
        for (auto& t : threads) t.join();
        if (failures) return 1;
        for (double t : took) row.ratios.push_back(t / modelled);
      }
      rows.push_back(row);
    }
  }
  (*server)->Shutdown();
  std::filesystem::remove_all(dir);

  std::printf("pages=%s time-scale=%g repeat=%d\n", pages.c_str(), time_scale, repeat);
  std::printf("%-8s %5s %11s %8s %8s %8s  %s\n", "size", "conc", "modelled_s", "median", "min",
              "max", "within 1.00-1.05 / max 1.10");
  // One table row per concurrency: the per-size medians' range and the overall max.
  std::vector<bench::Row> out;
  for (int c : concurrency) {
    double lo_med = 1e9, hi_med = 0, lo = 1e9, hi = 0;
    bool met = true;
    nlohmann::json sizes_json = nlohmann::json::array();
    for (const Row& r : rows) {
      if (r.concurrency != c) continue;
      const double med = Median(r.ratios);
      const double mn = *std::min_element(r.ratios.begin(), r.ratios.end());
      const double mx = *std::max_element(r.ratios.begin(), r.ratios.end());
      const bool ok = med >= 1.0 && med <= 1.05 && mn >= 1.0 && mx <= 1.10;
      met = met && ok;
      lo_med = std::min(lo_med, med);
      hi_med = std::max(hi_med, med);
      lo = std::min(lo, mn);
      hi = std::max(hi, mx);
      std::printf("%-8s %5d %11.3f %8.4f %8.4f %8.4f  %s\n", r.size.c_str(), r.concurrency,
                  r.modelled_s, med, mn, mx, ok ? "yes" : "NO");
      sizes_json.push_back({{"size", r.size},
                            {"modelled_s", r.modelled_s},
                            {"median", med},
                            {"min", mn},
                            {"max", mx},
                            {"met", ok}});
    }
    bench::Row row;
    row.figure = "5";
    row.name = bench::Fmt("Latency fidelity %s-%s, conc %d", sizes.front().c_str(),
                          sizes.back().c_str(), c);
    row.ours = bench::Fmt("median %.3f-%.3f, range %.3f-%.3f", lo_med, hi_med, lo, hi);
    row.peer = "model (1.000)";
    row.ratio = hi_med;
    row.target = "med 1-1.05, max<=1.10";
    row.met = met;
    row.detail = {{"pages", pages}, {"repeat", repeat}, {"sizes", sizes_json}};
    out.push_back(row);
  }
  if (versus_real) {
    // Measured time at concurrency 1 against the real runtime's median.
    std::string ours, real;
    double worst = 1;
    bool met = true;
    nlohmann::json detail = nlohmann::json::array();
    for (const Row& r : rows) {
      auto it = kRealContainerdSeconds.find(r.size);
      if (r.concurrency != 1 || it == kRealContainerdSeconds.end()) continue;
      const double seconds = Median(r.ratios) * r.modelled_s * time_scale;
      const double ratio = seconds / it->second;
      met = met && ratio >= 0.85 && ratio <= 1.15;
      if (std::abs(ratio - 1) > std::abs(worst - 1)) worst = ratio;
      ours += bench::Fmt("%s%s %.2fs", ours.empty() ? "" : ", ", r.size.c_str(), seconds);
      real += bench::Fmt("%s%.2fs", real.empty() ? "" : "/", it->second);
      detail.push_back({{"size", r.size},
                        {"fake_cri_s", seconds},
                        {"containerd_s", it->second},
                        {"ratio", ratio}});
    }
    bench::Row row;
    row.figure = "5";
    row.name = bench::Fmt("Checkpoint time, %s profile vs containerd 2.1.5", profile.c_str());
    row.ours = ours;
    row.peer = real + " containerd (measured)";
    row.ratio = worst;
    row.target = "0.85-1.15 each";
    row.met = met;
    row.detail = {{"sizes", detail}};
    out.push_back(row);
  }
  bench::EmitRows(out, json_out);
  return 0;
}
