// Figure 4: checkpoints per second with small archives. The endpoint in front of
// fake-cri (no modelled latency, sparse pages) under closed-loop load against a
// floor: a loop in this program that creates, writes, fsyncs and renames files
// of the same size in the same directory, at the same concurrency. Time slices
// of the two alternate, so both see the same machine; each row is the median
// of the slices' rates, with their spread.
//
//   checkpoint_rate --cri unix:///... --port N --ca-cert FILE --token T --dir DIR
//                   [--concurrency 1,8] [--slice 2] [--rounds 5] [--json FILE]
//                   [--endpoint-pid P --cri-pid P]   (adds CPU per checkpoint)
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/checkpoint_client.h"
#include "bench/load_runner.h"

int main(int argc, char** argv) {
  bench::DisableMutexDeadlockDetection();
  bench::Flags flags(argc, argv);
  const bench::EndpointAddress address = bench::EndpointAddressFromFlags(flags);
  const std::string cri = flags.Str("cri");
  const std::string dir = flags.Str("dir");
  const std::vector<int> levels = bench::IntList(flags.Str("concurrency", "1,8"));
  const double slice = flags.Double("slice", 2);
  const int rounds = static_cast<int>(flags.Int("rounds", 5));
  const int pods = static_cast<int>(flags.Int("pods", 50));
  const int per_pod = static_cast<int>(flags.Int("containers-per-pod", 40));
  const std::string json = flags.Str("json");
  const std::string endpoint_pid = flags.Str("endpoint-pid");
  const std::string cri_pid = flags.Str("cri-pid");
  if (cri.empty() || address.port == 0 || dir.empty() || !flags.Unused().empty()) {
    std::cerr << "usage: checkpoint_rate --cri URL --port N --ca-cert F --token T --dir D\n";
    return 2;
  }
  auto setup = bench::ConnectAndMakeNode(cri, pods, per_pod, "64Mi");
  if (!setup.ok()) {
    std::cerr << setup.status() << "\n";
    return 1;
  }
  bench::Node* node = &setup->node;

  // The floor writes files as large as the endpoint's archives.
  bench::EndpointClient probe(address);
  bench::CheckpointResult first =
      probe.Checkpoint("bench", node->targets[0].pod, node->targets[0].container);
  struct stat st {};
  if (!first.ok || ::stat(first.location.c_str(), &st) != 0) {
    std::cerr << "first checkpoint failed: " << first.error << "\n";
    return 1;
  }
  ::unlink(first.location.c_str());
  const size_t bytes = static_cast<size_t>(st.st_size);

  bench::EndpointLoad load(address, &*node);
  load.Run(levels.back(), 1.0);  // warm-up: connections, threads, caches
  std::map<int, std::vector<double>> ours, floor;
  // CPU seconds used during the slices, by process, and the requests they served.
  struct Cpu {
    double endpoint = 0, cri = 0, client = 0;
    long requests = 0;
  };
  std::map<int, Cpu> cpu_ours, cpu_floor;
  auto cpu_now = [&] {
    return Cpu{endpoint_pid.empty() ? 0 : bench::ProcCpuSeconds(endpoint_pid),
               cri_pid.empty() ? 0 : bench::ProcCpuSeconds(cri_pid), bench::ProcCpuSeconds("self"),
               0};
  };
  auto add_cpu = [](Cpu* sum, const Cpu& a, const Cpu& b, long requests) {
    sum->endpoint += b.endpoint - a.endpoint;
    sum->cri += b.cri - a.cri;
    sum->client += b.client - a.client;
    sum->requests += requests;
  };
  long errors = 0;
  std::string first_error;
  for (int r = 0; r < rounds; ++r) {
    for (int c : levels) {
      auto endpoint_slice = [&] {
        const Cpu before = cpu_now();
        bench::LoadResult res = load.Run(c, slice);
        add_cpu(&cpu_ours[c], before, cpu_now(), res.requests);
        ours[c].push_back(res.rate());
        errors += res.errors;
        if (first_error.empty()) first_error = res.first_error;
      };
      auto floor_slice = [&] {
        const Cpu before = cpu_now();
        bench::LoadResult res = bench::RunFloorLoad(dir, bytes, c, slice);
        add_cpu(&cpu_floor[c], before, cpu_now(), res.requests);
        floor[c].push_back(res.rate());
        errors += res.errors;
      };
      if (r % 2 == 0) {
        endpoint_slice();
        floor_slice();
      } else {
        floor_slice();
        endpoint_slice();
      }
      std::printf("round %d c=%d endpoint %.0f/s floor %.0f/s\n", r, c, ours[c].back(),
                  floor[c].back());
      std::fflush(stdout);
    }
  }
  if (errors) std::cerr << errors << " errors, first: " << first_error << "\n";

  std::vector<bench::Row> rows;
  for (int c : levels) {
    const bench::Summary o = bench::Summarize(ours[c]);
    const bench::Summary f = bench::Summarize(floor[c]);
    bench::Row row;
    row.figure = "4";
    row.name = bench::Fmt("Checkpoints/s, %zu-byte archives, conc %d", bytes, c);
    row.ours = bench::Fmt("%.0f/s (%.0f-%.0f)", o.median, o.min, o.max);
    row.peer = bench::Fmt("%.0f/s (%.0f-%.0f) floor", f.median, f.min, f.max);
    row.ratio = o.median / f.median;
    row.target = ">= 0.5";
    row.met = *row.ratio >= 0.5 && errors == 0;
    row.detail = {{"endpoint_per_s", bench::ToJson(o)},
                  {"floor_per_s", bench::ToJson(f)},
                  {"archive_bytes", bytes},
                  {"errors", errors}};
    if (!endpoint_pid.empty() && !cri_pid.empty() && cpu_ours[c].requests > 0) {
      // What bounds the rate when the CPUs are the limit: CPU time per checkpoint.
      const Cpu& a = cpu_ours[c];
      const Cpu& b = cpu_floor[c];
      const double n = static_cast<double>(a.requests), m = static_cast<double>(b.requests);
      const double total = (a.endpoint + a.cri + a.client) / n * 1e3;
      const double floor_total = b.client / m * 1e3;
      const double cores = static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
      row.detail["cpu_ms_per_checkpoint"] = {{"endpoint", a.endpoint / n * 1e3},
                                             {"fake_cri", a.cri / n * 1e3},
                                             {"client", a.client / n * 1e3},
                                             {"floor", floor_total}};
      bench::Row cpu;
      cpu.figure = "4";
      cpu.name = bench::Fmt("  CPU/checkpoint, conc %d: ceiling %.0f/s", c, cores / total * 1e3);
      cpu.ours = bench::Fmt("%.2f ms (endpoint %.2f, fake-cri %.2f, client %.2f)", total,
                            a.endpoint / n * 1e3, a.cri / n * 1e3, a.client / n * 1e3);
      cpu.peer = bench::Fmt("%.2f ms floor", floor_total);
      cpu.ratio = total / floor_total;
      cpu.target = "(bound)";
      rows.push_back(row);
      rows.push_back(cpu);
      continue;
    }
    rows.push_back(row);
  }
  bench::EmitRows(rows, json);
  return errors == 0 ? 0 : 1;
}
