// Figure 3: archive throughput with `full` pages. A CheckpointContainer of a
// container whose working set is 256 MiB, 1 GiB, 2 GiB (no modelled latency, so
// the call lasts as long as writing the archive does) against `dd` writing the
// same number of bytes into the same directory with conv=fsync, alternating.
// Also fake-cri's peak RSS during the largest archive, from the kernel's own
// accounting (VmHWM, reset through /proc/PID/clear_refs before each archive).
//
//   archive_throughput --cri unix:///... --pid FAKE_CRI_PID --dir DIR
//                      [--sizes 256Mi,1Gi,2Gi] [--repeat 3] [--json FILE]
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "bench/bench_util.h"
#include "bench/checkpoint_client.h"
#include "common/units.h"

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Seconds dd takes to write `mib` MiB of zeros to `path`, fsync included; <0 on failure.
double TimeDd(const std::string& path, uint64_t mib) {
  const std::string cmd = "dd if=/dev/zero of='" + path + "' bs=1M count=" + std::to_string(mib) +
                          " conv=fsync status=none";
  const auto start = bench::SteadyClock::now();
  int rc = std::system(cmd.c_str());
  double took = bench::SecondsSince(start);
  ::unlink(path.c_str());
  return rc == 0 ? took : -1;
}

bool ResetPeak(int pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5";
  return static_cast<bool>(out.flush());
}

}  // namespace

int main(int argc, char** argv) {
  bench::DisableMutexDeadlockDetection();
  bench::Flags flags(argc, argv);
  const std::string cri = flags.Str("cri");
  const int pid = static_cast<int>(flags.Int("pid", 0));
  const std::string dir = flags.Str("dir");
  const std::vector<std::string> sizes = absl::StrSplit(flags.Str("sizes", "256Mi,1Gi,2Gi"), ',');
  const int repeat = static_cast<int>(flags.Int("repeat", 3));
  const std::string json = flags.Str("json");
  if (cri.empty() || pid == 0 || dir.empty() || !flags.Unused().empty()) {
    std::cerr << "usage: archive_throughput --cri URL --pid PID --dir DIR\n";
    return 2;
  }
  auto channel = bench::ConnectCri(cri);
  if (!channel.ok()) {
    std::cerr << channel.status() << "\n";
    return 1;
  }
  auto stub = runtime::v1::RuntimeService::NewStub(*channel);

  struct Series {
    std::string size;
    std::string container_id;
    std::vector<double> ours_mibs, dd_mibs;
    double archive_bytes = 0, peak_rss = 0;
  };
  std::vector<Series> series;
  for (const std::string& size : sizes) {
    auto pod =
        bench::MakePod(stub.get(), "bench", "full-" + size, 1, true, bench::ZeroLatency(size));
    if (!pod.ok()) {
      std::cerr << pod.status() << "\n";
      return 1;
    }
    series.push_back({size, pod->container_ids[0], {}, {}, 0, 0});
  }

  int errors = 0;
  for (int r = 0; r < repeat; ++r) {
    for (Series& s : series) {
      const std::string location = dir + "/archive-" + s.size + ".tar";
      const bool dd_first = r % 2 == 1;  // alternate who goes first
      double dd_s = 0;
      uint64_t mib = 0;
      auto run_dd = [&] {
        if (mib == 0) mib = *kit::ParseByteQuantity(s.size) / (1 << 20);
        dd_s = TimeDd(dir + "/dd-" + s.size + ".bin", mib);
      };
      if (dd_first) run_dd();
      if (!ResetPeak(pid)) std::cerr << "cannot reset peak RSS of " << pid << "\n";
      bench::CheckpointResult c = bench::DirectCheckpoint(stub.get(), s.container_id, location);
      const double peak = bench::ProcStatusBytes(pid, "VmHWM");
      struct stat st {};
      if (!c.ok || ::stat(location.c_str(), &st) != 0) {
        std::cerr << "checkpoint " << s.size << " failed: " << c.error << "\n";
        ++errors;
        continue;
      }
      ::unlink(location.c_str());
      // dd writes as many MiB as the archive holds.
      mib = static_cast<uint64_t>(static_cast<double>(st.st_size) / kMiB + 0.5);
      if (!dd_first) run_dd();
      if (dd_s < 0) {
        std::cerr << "dd failed\n";
        ++errors;
        continue;
      }
      s.archive_bytes = static_cast<double>(st.st_size);
      s.ours_mibs.push_back(static_cast<double>(st.st_size) / kMiB / c.seconds);
      s.dd_mibs.push_back(static_cast<double>(mib) / dd_s);
      s.peak_rss = std::max(s.peak_rss, peak);
      std::printf("%s: archive %.0f MiB in %.2f s, dd %.2f s, peak RSS %.1f MiB\n", s.size.c_str(),
                  static_cast<double>(st.st_size) / kMiB, c.seconds, dd_s, peak / kMiB);
      std::fflush(stdout);
    }
  }

  std::vector<bench::Row> rows;
  for (const Series& s : series) {
    const bench::Summary ours = bench::Summarize(s.ours_mibs);
    const bench::Summary dd = bench::Summarize(s.dd_mibs);
    bench::Row row;
    row.figure = "3";
    row.name = "Archive throughput, full pages, " + s.size;
    row.ours = bench::Fmt("%.0f MiB/s (%.0f-%.0f)", ours.median, ours.min, ours.max);
    row.peer = bench::Fmt("%.0f MiB/s (%.0f-%.0f) dd", dd.median, dd.min, dd.max);
    if (dd.median > 0) row.ratio = ours.median / dd.median;
    row.target = ">= 0.9";
    row.met = row.ratio && *row.ratio >= 0.9;
    row.detail = {{"ours_mib_s", bench::ToJson(ours)},
                  {"dd_mib_s", bench::ToJson(dd)},
                  {"archive_bytes", s.archive_bytes},
                  {"peak_rss_bytes", s.peak_rss}};
    rows.push_back(row);
  }
  if (!series.empty()) {
    const Series& big = series.back();
    bench::Row rss;
    rss.figure = "3";
    rss.name = "fake-cri peak RSS during " + big.size + " archive";
    rss.ours = bench::Fmt("%.1f MiB", big.peak_rss / kMiB);
    rss.peer = "64 MiB limit";
    rss.ratio = big.peak_rss / kMiB / 64;
    rss.target = "<= 1";
    rss.met = big.peak_rss > 0 && big.peak_rss <= 64 * kMiB;
    rows.push_back(rss);
  }
  bench::EmitRows(rows, json);
  return errors == 0 ? 0 : 1;
}
