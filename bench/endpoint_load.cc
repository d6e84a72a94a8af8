// Figure 6: load on the endpoint in front of fake-cri (no modelled latency,
// sparse pages): closed-loop clients at concurrency 1, 8, 32, 64, each level for
// a fixed time: requests/s, p50, p99, errors. Then more requests until the run
// has made --total of them, and the resident memory of the endpoint and of
// fake-cri before (after a warm-up) and after.
//
//   endpoint_load --cri unix:///... --port N --ca-cert FILE --token T
//                 --endpoint-pid P --cri-pid P [--concurrency 1,8,32,64]
//                 [--seconds 10] [--total 100000] [--json FILE]
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include "bench/bench_util.h"
#include "bench/checkpoint_client.h"
#include "bench/load_runner.h"

int main(int argc, char** argv) {
  bench::DisableMutexDeadlockDetection();
  bench::Flags flags(argc, argv);
  const bench::EndpointAddress address = bench::EndpointAddressFromFlags(flags);
  const std::string cri = flags.Str("cri");
  const int endpoint_pid = static_cast<int>(flags.Int("endpoint-pid", 0));
  const int cri_pid = static_cast<int>(flags.Int("cri-pid", 0));
  const std::vector<int> levels = bench::IntList(flags.Str("concurrency", "1,8,32,64"));
  const double seconds = flags.Double("seconds", 10);
  const long total = flags.Int("total", 100000);
  const int pods = static_cast<int>(flags.Int("pods", 50));
  const int per_pod = static_cast<int>(flags.Int("containers-per-pod", 40));
  const std::string json = flags.Str("json");
  if (cri.empty() || address.port == 0 || endpoint_pid == 0 || cri_pid == 0 ||
      !flags.Unused().empty()) {
    std::cerr << "usage: endpoint_load --cri URL --port N --ca-cert F --token T "
                 "--endpoint-pid P --cri-pid P\n";
    return 2;
  }
  auto setup = bench::ConnectAndMakeNode(cri, pods, per_pod, "64Mi");
  if (!setup.ok()) {
    std::cerr << setup.status() << "\n";
    return 1;
  }
  bench::Node* node = &setup->node;
  bench::EndpointLoad load(address, &*node);
  int max_level = 1;
  for (int c : levels) max_level = std::max(max_level, c);
  long done = 0, errors = 0;
  std::string first_error;
  auto count = [&](const bench::LoadResult& r) {
    done += r.requests;
    errors += r.errors;
    if (first_error.empty()) first_error = r.first_error;
  };
  count(load.Run(max_level, 60, 2000));  // warm-up: every connection and thread exists
  const double endpoint_before = bench::ProcStatusBytes(endpoint_pid, "VmRSS");
  const double cri_before = bench::ProcStatusBytes(cri_pid, "VmRSS");

  std::vector<bench::Row> rows;
  for (int c : levels) {
    bench::LoadResult r = load.Run(c, seconds);
    count(r);
    const bench::Summary s = bench::Summarize(r.latencies_ms);
    std::printf("c=%d %.0f/s p50 %.2f ms p99 %.2f ms errors %ld\n", c, r.rate(), s.median, s.p99,
                r.errors);
    std::fflush(stdout);
    bench::Row row;
    row.figure = "6";
    row.name = bench::Fmt("Load, concurrency %d", c);
    row.ours = bench::Fmt("%.0f/s p50 %.1f p99 %.1f ms", r.rate(), s.median, s.p99);
    row.peer = bench::Fmt("%ld errors", r.errors);
    row.target = "0 errors";
    row.met = r.errors == 0;
    row.detail = {{"rate_per_s", r.rate()},
                  {"latency_ms", bench::ToJson(s)},
                  {"requests", r.requests},
                  {"errors", r.errors}};
    rows.push_back(row);
  }
  // The rest of the requests at the busiest level that is still cheap to run.
  while (done < total) {
    bench::LoadResult r = load.Run(std::min(8, max_level), 3600, total - done);
    count(r);
    if (r.requests == 0) break;
  }
  const double endpoint_after = bench::ProcStatusBytes(endpoint_pid, "VmRSS");
  const double cri_after = bench::ProcStatusBytes(cri_pid, "VmRSS");
  if (errors) std::cerr << errors << " errors, first: " << first_error << "\n";
  constexpr double kMiB = 1024.0 * 1024.0;
  for (const auto& [who, before, after] :
       {std::tuple<const char*, double, double>{"endpoint", endpoint_before, endpoint_after},
        {"fake-cri", cri_before, cri_after}}) {
    bench::Row row;
    row.figure = "6";
    row.name = bench::Fmt("%s RSS growth over %ld requests", who, done);
    row.ours = bench::Fmt("%.1f MiB after", after / kMiB);
    row.peer = bench::Fmt("%.1f MiB before", before / kMiB);
    row.ratio = before > 0 ? after / before : 0;
    row.target = "<= 1.10";
    row.met = before > 0 && after / before <= 1.10;
    row.detail = {
        {"before_bytes", before}, {"after_bytes", after}, {"requests", done}, {"errors", errors}};
    rows.push_back(row);
  }
  bench::EmitRows(rows, json);
  return errors == 0 ? 0 : 1;
}
