#include "endpoint/metrics.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>

#include "absl/strings/str_cat.h"

namespace endpoint {
namespace {

constexpr char kOperations[] = "kubelet_runtime_operations_total";
constexpr char kOperationErrors[] = "kubelet_runtime_operations_errors_total";
constexpr char kOperationDurations[] = "kubelet_runtime_operations_duration_seconds";
constexpr char kHttpRequests[] = "kubelet_http_requests_total";
constexpr char kHttpResponses[] = "checkpoint_endpoint_http_responses_total";
constexpr char kBuildInfo[] = "kubernetes_build_info";

std::string EscapeHelp(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Header(std::string* out, const char* name, const std::string& help, const char* type) {
  absl::StrAppend(out, "# HELP ", name, " ", EscapeHelp(help), "\n", "# TYPE ", name, " ", type,
                  "\n");
}

// `labels` is the already-escaped `k="v",...` text, or empty.
void Sample(std::string* out, const std::string& name, const std::string& labels, double value) {
  absl::StrAppend(out, name, labels.empty() ? "" : "{", labels, labels.empty() ? "" : "}", " ",
                  FormatPrometheusFloat(value), "\n");
}

std::string Label(const char* name, const std::string& value) {
  return absl::StrCat(name, "=\"", EscapeLabelValue(value), "\"");
}

// server.go NewServer: metricsMethodBuckets.
std::string MethodBucket(const std::string& method) {
  static const std::set<std::string> kKnown = {"OPTIONS", "GET",    "HEAD",  "POST",
                                               "PUT",     "DELETE", "TRACE", "CONNECT"};
  return kKnown.count(method) ? method : "other";
}

}  // namespace

std::string FormatPrometheusFloat(double v) {
  // client_golang writeFloat's special cases, then strconv 'g' shortest.
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return "0";
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, result.ptr);  // "-1.25e-02", "1e+06"
  std::string out;
  if (sci[0] == '-') {
    out = "-";
    sci.erase(0, 1);
  }
  const size_t e = sci.find('e');
  std::string digits = sci.substr(0, e);
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  const int exp = std::atoi(sci.c_str() + e + 1);
  const int nd = static_cast<int>(digits.size());
  // Go: %e when exp < -4 || exp >= eprec, eprec being 6 for shortest.
  if (exp < -4 || exp >= 6) {
    absl::StrAppend(&out, digits.substr(0, 1), nd > 1 ? "." : "", digits.substr(1), "e",
                    exp < 0 ? "-" : "+", std::abs(exp) < 10 ? "0" : "", std::abs(exp));
    return out;
  }
  const int dp = exp + 1;  // digits before the decimal point
  if (dp <= 0) {
    absl::StrAppend(&out, "0.", std::string(-dp, '0'), digits);
  } else if (dp >= nd) {
    absl::StrAppend(&out, digits, std::string(dp - nd, '0'));
  } else {
    absl::StrAppend(&out, digits.substr(0, dp), ".", digits.substr(dp));
  }
  return out;
}

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

const std::vector<double>& Metrics::RuntimeOperationBuckets() {
  // pkg/kubelet/metrics/metrics.go RuntimeOperationsDuration:
  // metrics.ExponentialBuckets(.005, 2.5, 14), computed as Go computes it
  // (repeated multiplication) so the `le` texts come out the same.
  static const std::vector<double> kBuckets = [] {
    std::vector<double> b;
    double start = .005;
    for (int i = 0; i < 14; ++i) {
      b.push_back(start);
      start *= 2.5;
    }
    return b;
  }();
  return kBuckets;
}

void Metrics::SetBuildInfo(const KubeletBuildInfo& info) {
  // Label names as component-base registers them; rendered sorted by name, as
  // client_golang does.
  std::vector<std::pair<std::string, std::string>> labels = {
      {"build_date", std::string(info.build_date)},
      {"compiler", std::string(info.compiler)},
      {"git_commit", std::string(info.git_commit)},
      {"git_tree_state", std::string(info.git_tree_state)},
      {"git_version", std::string(info.git_version)},
      {"go_version", std::string(info.go_version)},
      {"major", std::string(info.major)},
      {"minor", std::string(info.minor)},
      {"platform", std::string(info.platform)},
  };
  std::lock_guard<std::mutex> lock(mu_);
  build_info_ = std::move(labels);
}

void Metrics::RecordRuntimeOperation(const std::string& type, double seconds, bool error) {
  const std::vector<double>& bounds = RuntimeOperationBuckets();
  std::lock_guard<std::mutex> lock(mu_);
  ++operations_[type];
  if (error) ++operation_errors_[type];
  Histogram& h = operation_durations_[type];
  if (h.per_bucket.empty()) h.per_bucket.assign(bounds.size(), 0);
  // Upper bounds are inclusive (client_golang: sort.SearchFloat64s).
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (seconds <= bounds[i]) {
      ++h.per_bucket[i];
      break;
    }
  }
  h.sum += seconds;
  ++h.count;
}

void Metrics::RecordHttpRequest(const std::string& method, const std::string& path_label,
                                int code) {
  const std::string bucket = MethodBucket(method);
  std::lock_guard<std::mutex> lock(mu_);
  ++http_requests_[{bucket, path_label}];
  ++http_responses_[{std::to_string(code), bucket, path_label}];
}

std::string Metrics::Render() const {
  const std::vector<double>& bounds = RuntimeOperationBuckets();
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  // Families in name order.
  if (!http_responses_.empty()) {
    Header(&out, kHttpResponses,
           "Number of HTTP responses sent by the checkpoint endpoint, by "
           "method, path bucket and status code",
           "counter");
    for (const auto& [key, n] : http_responses_) {
      const auto& [code, method, path] = key;
      Sample(
          &out, kHttpResponses,
          absl::StrCat(Label("code", code), ",", Label("method", method), ",", Label("path", path)),
          static_cast<double>(n));
    }
  }
  if (!http_requests_.empty()) {
    Header(&out, kHttpRequests,
           "[ALPHA] Number of the http requests received since the server "
           "started",
           "counter");
    for (const auto& [key, n] : http_requests_) {
      // Checkpoints are not among the kubelet's long-running requests
      // (exec/attach/portforward/debug), and this server has authentication:
      // "readwrite".
      Sample(&out, kHttpRequests,
             absl::StrCat(Label("long_running", "false"), ",", Label("method", key.first), ",",
                          Label("path", key.second), ",", Label("server_type", "readwrite")),
             static_cast<double>(n));
    }
  }
  if (!operation_durations_.empty()) {
    Header(&out, kOperationDurations,
           "[ALPHA] Duration in seconds of runtime operations. Broken down by "
           "operation type.",
           "histogram");
    for (const auto& [type, h] : operation_durations_) {
      const std::string type_label = Label("operation_type", type);
      uint64_t cumulative = 0;
      for (size_t i = 0; i < bounds.size(); ++i) {
        cumulative += h.per_bucket[i];
        Sample(&out, absl::StrCat(kOperationDurations, "_bucket"),
               absl::StrCat(type_label, ",le=\"", FormatPrometheusFloat(bounds[i]), "\""),
               static_cast<double>(cumulative));
      }
      Sample(&out, absl::StrCat(kOperationDurations, "_bucket"),
             absl::StrCat(type_label, ",le=\"+Inf\""), static_cast<double>(h.count));
      Sample(&out, absl::StrCat(kOperationDurations, "_sum"), type_label, h.sum);
      Sample(&out, absl::StrCat(kOperationDurations, "_count"), type_label,
             static_cast<double>(h.count));
    }
  }
  if (!operation_errors_.empty()) {
    Header(&out, kOperationErrors,
           "[ALPHA] Cumulative number of runtime operation errors by operation "
           "type.",
           "counter");
    for (const auto& [type, n] : operation_errors_) {
      Sample(&out, kOperationErrors, Label("operation_type", type), static_cast<double>(n));
    }
  }
  if (!operations_.empty()) {
    Header(&out, kOperations, "[ALPHA] Cumulative number of runtime operations by operation type.",
           "counter");
    for (const auto& [type, n] : operations_) {
      Sample(&out, kOperations, Label("operation_type", type), static_cast<double>(n));
    }
  }
  if (!build_info_.empty()) {
    // k8s.io/component-base metrics/prometheus/version: GaugeVec, ALPHA.
    Header(&out, kBuildInfo,
           "[ALPHA] A metric with a constant '1' value labeled by major, minor, git version, git "
           "commit, git tree state, build date, Go version, and compiler from which Kubernetes "
           "was built, and platform on which it is running.",
           "gauge");
    std::string labels;
    for (const auto& [name, value] : build_info_) {
      absl::StrAppend(&labels, labels.empty() ? "" : ",", Label(name.c_str(), value));
    }
    Sample(&out, kBuildInfo, labels, 1);
  }
  return out;
}

}  // namespace endpoint
