#ifndef ENDPOINT_METRICS_H_
#define ENDPOINT_METRICS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "endpoint/kubelet_profile.h"

namespace endpoint {

// The endpoint's metrics registry, rendered in the Prometheus text format
// (version 0.0.4) as the kubelet's /metrics renders the same series:
//
//   kubelet_runtime_operations_total{operation_type}            counter
//   kubelet_runtime_operations_errors_total{operation_type}     counter
//   kubelet_runtime_operations_duration_seconds{operation_type} histogram
//   kubelet_http_requests_total{long_running,method,path,server_type} counter
//   checkpoint_endpoint_http_responses_total{code,method,path}  counter (ours)
//   kubernetes_build_info{major,minor,git_version,...}          gauge, 1
//
// Names, help texts ("[ALPHA] " is what k8s.io/component-base prefixes to an
// alpha metric's help), labels and buckets are the kubelet's: runtime ones from
// pkg/kubelet/metrics/metrics.go (recorded by pkg/kubelet/kuberuntime/
// instrumented_services.go, operation "checkpoint_container" for
// CheckpointContainer), the HTTP one from pkg/kubelet/server/metrics/metrics.go
// (counted in server.go ServeHTTP). The kubelet's HTTP counter has no status
// code label, so the count by code is a metric of ours. kubernetes_build_info
// is k8s.io/component-base's (metrics/prometheus/version), registered by the
// kubelet's imports.
//
// As in the kubelet, no series exists before its first observation: the
// runtime counters have no operation_type="checkpoint_container" series until
// a checkpoint has been attempted (the node e2e test reads a missing series as
// 0), and the error counter none until one failed.
//
// Families render sorted by name, series by label values, a family with no
// series not at all, numbers as Go's strconv 'g' (client_golang's writeFloat):
// all as client_golang's registry does.
//
// Thread-safe: every method may be called from any thread at any time.
class Metrics {
 public:
  // Content-Type of Render()'s output.
  static constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

  Metrics() = default;

  // kubernetes_build_info{...} 1, with `info`'s labels (replaces any earlier).
  void SetBuildInfo(const KubeletBuildInfo& info);

  // One CRI call of `type` (e.g. "checkpoint_container") that took `seconds`;
  // `error` when it failed. As recordOperation/recordError: the total and the
  // histogram always, the error counter only on error.
  void RecordRuntimeOperation(const std::string& type, double seconds, bool error);

  // One HTTP request answered with `code`. `method` is bucketed as the kubelet
  // does (OPTIONS GET HEAD POST PUT DELETE TRACE CONNECT, anything else
  // "other"); `path_label` is the caller's bucket for the path: the kubelet
  // uses the path's first segment when it serves that root ("checkpoint",
  // "metrics", "healthz", ...) and "other" otherwise.
  void RecordHttpRequest(const std::string& method, const std::string& path_label, int code);

  // The whole exposition, one "\n"-terminated line each.
  std::string Render() const;

  // ExponentialBuckets(.005, 2.5, 14), the kubelet's runtime histogram buckets.
  static const std::vector<double>& RuntimeOperationBuckets();

 private:
  struct Histogram {
    std::vector<uint64_t> per_bucket;  // non-cumulative; +Inf is `count`
    double sum = 0;
    uint64_t count = 0;
  };

  mutable std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> build_info_;  // labels; empty: none
  std::map<std::string, uint64_t> operations_;                   // by operation_type
  std::map<std::string, uint64_t> operation_errors_;
  std::map<std::string, Histogram> operation_durations_;
  std::map<std::pair<std::string, std::string>, uint64_t> http_requests_;  // (method, path)
  std::map<std::tuple<std::string, std::string, std::string>, uint64_t>
      http_responses_;  // (code, method, path)
};

// A number as client_golang writes it: Go's strconv.FormatFloat(v, 'g', -1,
// 64), with "+Inf", "-Inf" and "NaN" ("1e+06", "0.0125", "3").
std::string FormatPrometheusFloat(double v);

// A label value escaped for the text format: \ " and newline as \\ \" \n.
std::string EscapeLabelValue(const std::string& value);

}  // namespace endpoint

#endif  // ENDPOINT_METRICS_H_
