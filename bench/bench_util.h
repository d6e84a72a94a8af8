#ifndef BENCH_BENCH_UTIL_H_
#define BENCH_BENCH_UTIL_H_

// Small helpers shared by the benchmark programs: order statistics, the result
// rows every program writes (ci/bench merges them into one table), flag
// parsing and reading a process's memory from /proc. Not thread-safe; each
// program calls these from its main thread.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "nlohmann/json.hpp"

namespace bench {

using SteadyClock = std::chrono::steady_clock;

inline double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Nearest-rank percentile (q in [0, 1]) of a sample; 0 for an empty one.
inline double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(rank, v.size() - 1)];
}

inline double Median(const std::vector<double>& v) { return Percentile(v, 0.5); }

// Median and spread of a sample, as the table quotes them.
struct Summary {
  size_t n = 0;
  double median = 0, p25 = 0, p75 = 0, p99 = 0, min = 0, max = 0;
};

inline Summary Summarize(const std::vector<double>& v) {
  Summary s;
  s.n = v.size();
  if (v.empty()) return s;
  s.median = Percentile(v, 0.5);
  s.p25 = Percentile(v, 0.25);
  s.p75 = Percentile(v, 0.75);
  s.p99 = Percentile(v, 0.99);
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  return s;
}

inline nlohmann::json ToJson(const Summary& s) {
  return {{"n", s.n},     {"median", s.median}, {"p25", s.p25}, {"p75", s.p75},
          {"p99", s.p99}, {"min", s.min},       {"max", s.max}};
}

// One line of the final table. `met` is empty when the row has no target.
struct Row {
  std::string figure;  // "1", "2", ...
  std::string name;    // what was measured
  std::string ours;    // shown as is, e.g. "92 µs (p25-p75 90-95)"
  std::string peer;    // the peer or floor, e.g. "151 µs containerd"
  std::optional<double> ratio;
  std::string target;  // e.g. "<= 0.75"
  std::optional<bool> met;
  nlohmann::json detail = nlohmann::json::object();  // raw numbers
};

inline nlohmann::json ToJson(const Row& r) {
  nlohmann::json j = {{"figure", r.figure}, {"name", r.name},     {"ours", r.ours},
                      {"peer", r.peer},     {"target", r.target}, {"detail", r.detail}};
  j["ratio"] = r.ratio ? nlohmann::json(*r.ratio) : nlohmann::json(nullptr);
  j["met"] = r.met ? nlohmann::json(*r.met) : nlohmann::json(nullptr);
  return j;
}

// Prints the rows and, when `path` is set, writes them as a JSON array.
inline void EmitRows(const std::vector<Row>& rows, const std::string& path) {
  nlohmann::json out = nlohmann::json::array();
  for (const Row& r : rows) {
    std::printf("fig %-3s %-44s ours %-34s vs %-34s ratio %-7s target %-8s %s\n", r.figure.c_str(),
                r.name.c_str(), r.ours.c_str(), r.peer.c_str(),
                r.ratio ? std::to_string(*r.ratio).substr(0, 6).c_str() : "-", r.target.c_str(),
                r.met ? (*r.met ? "met" : "MISSED") : "");
    out.push_back(ToJson(r));
  }
  std::fflush(stdout);
  if (!path.empty()) std::ofstream(path) << out.dump(2) << "\n";
}

// As fake-cri and the endpoint do at start-up: Debian's abseil is built without
// NDEBUG, so absl::Mutex deadlock detection is on and taxes every gRPC call.
inline void DisableMutexDeadlockDetection() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

// printf into a std::string.
template <typename... Args>
std::string Fmt(const char* format, Args... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

// "--name value" pairs; unknown names are reported by Get... callers via Unused().
class Flags {
 public:
  Flags(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string k = argv[i];
      if (k.rfind("--", 0) != 0) {
        bad_.push_back(k);
        continue;
      }
      if (auto eq = k.find('='); eq != std::string::npos) {
        values_[k.substr(2, eq - 2)] = k.substr(eq + 1);
      } else if (i + 1 < argc) {
        values_[k.substr(2)] = argv[++i];
      } else {
        bad_.push_back(k);
      }
    }
  }
  std::string Str(const std::string& name, const std::string& def = "") {
    used_.push_back(name);
    auto it = values_.find(name);
    return it == values_.end() ? def : it->second;
  }
  long Int(const std::string& name, long def) {
    std::string v = Str(name);
    return v.empty() ? def : std::stol(v);
  }
  double Double(const std::string& name, double def) {
    std::string v = Str(name);
    return v.empty() ? def : std::stod(v);
  }
  // Flags given but never asked for, and malformed ones; empty when all is well.
  std::vector<std::string> Unused() const {
    std::vector<std::string> out = bad_;
    for (const auto& [k, v] : values_) {
      if (std::find(used_.begin(), used_.end(), k) == used_.end()) out.push_back("--" + k);
    }
    return out;
  }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> used_, bad_;
};

// VmRSS or VmHWM ("kB" lines of /proc/PID/status) in bytes; 0 if unreadable.
inline double ProcStatusBytes(int pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) * 1024;
  }
  return 0;
}

// User + system CPU seconds a process has used (fields 14 and 15 of
// /proc/PID/stat; "self" for this process); 0 if unreadable.
inline double ProcCpuSeconds(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t end = stat.rfind(')');  // the command name may hold spaces
  if (end == std::string::npos) return 0;
  std::vector<std::string> fields;
  size_t pos = end + 2;
  while (pos < stat.size() && fields.size() < 13) {
    size_t sp = stat.find(' ', pos);
    if (sp == std::string::npos) sp = stat.size();
    fields.push_back(stat.substr(pos, sp - pos));
    pos = sp + 1;
  }
  if (fields.size() < 13) return 0;  // fields[11], [12] are utime, stime
  return (std::stod(fields[11]) + std::stod(fields[12])) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Splits "1,8,32" into integers.
inline std::vector<int> IntList(const std::string& s) {
  std::vector<int> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(std::stoi(s.substr(start, comma - start)));
    start = comma + 1;
  }
  return out;
}

}  // namespace bench

#endif  // BENCH_BENCH_UTIL_H_
