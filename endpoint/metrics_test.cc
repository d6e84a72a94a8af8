#include "endpoint/metrics.h"

#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace endpoint {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The lines of `text` that start with `prefix`.
std::vector<std::string> LinesStartingWith(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

TEST(Metrics, NoSeriesBeforeTheFirstObservation) {
  // As client_golang: a vector with no observed label values renders nothing
  // (the kubelet pre-creates no checkpoint_container series).
  Metrics metrics;
  EXPECT_EQ(metrics.Render(), "");
}

TEST(Metrics, OneSuccessfulCheckpointCountsOneAndCreatesNoErrorSeries) {
  Metrics metrics;
  metrics.RecordRuntimeOperation("checkpoint_container", 0.2, false);
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("kubelet_runtime_operations_total{operation_type="
                              "\"checkpoint_container\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("kubelet_runtime_operations_errors_total")));
}

TEST(Metrics, BuildInfoIsOneWithComponentBaseLabelsSorted) {
  Metrics metrics;
  KubeletBuildInfo info{"1",        "28", "v1.28.0",    "abc", "clean", "2023-08-15T00:00:00Z",
                        "go1.20.7", "gc", "linux/amd64"};
  metrics.SetBuildInfo(info);
  EXPECT_EQ(metrics.Render(),
            "# HELP kubernetes_build_info [ALPHA] A metric with a constant '1' value labeled by "
            "major, minor, git version, git commit, git tree state, build date, Go version, and "
            "compiler from which Kubernetes was built, and platform on which it is running.\n"
            "# TYPE kubernetes_build_info gauge\n"
            "kubernetes_build_info{build_date=\"2023-08-15T00:00:00Z\",compiler=\"gc\","
            "git_commit=\"abc\",git_tree_state=\"clean\",git_version=\"v1.28.0\","
            "go_version=\"go1.20.7\",major=\"1\",minor=\"28\",platform=\"linux/amd64\"} 1\n");
}

TEST(Metrics, RendersSmallCaseExactly) {
  Metrics metrics;
  metrics.RecordRuntimeOperation("list_containers", 0.01, true);
  metrics.RecordHttpRequest("POST", "checkpoint", 200);
  const std::string b =
      "kubelet_runtime_operations_duration_seconds_bucket{"
      "operation_type=\"list_containers\",le=";
  EXPECT_EQ(metrics.Render(),
            "# HELP checkpoint_endpoint_http_responses_total Number of HTTP "
            "responses sent by the checkpoint endpoint, by method, path bucket and "
            "status code\n"
            "# TYPE checkpoint_endpoint_http_responses_total counter\n"
            "checkpoint_endpoint_http_responses_total{code=\"200\",method=\"POST\","
            "path=\"checkpoint\"} 1\n"
            "# HELP kubelet_http_requests_total [ALPHA] Number of the http requests "
            "received since the server started\n"
            "# TYPE kubelet_http_requests_total counter\n"
            "kubelet_http_requests_total{long_running=\"false\",method=\"POST\","
            "path=\"checkpoint\",server_type=\"readwrite\"} 1\n"
            "# HELP kubelet_runtime_operations_duration_seconds [ALPHA] Duration in "
            "seconds of runtime operations. Broken down by operation type.\n"
            "# TYPE kubelet_runtime_operations_duration_seconds histogram\n" +
                b + "\"0.005\"} 0\n" + b + "\"0.0125\"} 1\n" + b + "\"0.03125\"} 1\n" + b +
                "\"0.078125\"} 1\n" + b + "\"0.1953125\"} 1\n" + b + "\"0.48828125\"} 1\n" + b +
                "\"1.220703125\"} 1\n" + b + "\"3.0517578125\"} 1\n" + b +
                "\"7.62939453125\"} 1\n" + b + "\"19.073486328125\"} 1\n" + b +
                "\"47.6837158203125\"} 1\n" + b + "\"119.20928955078125\"} 1\n" + b +
                "\"298.0232238769531\"} 1\n" + b + "\"745.0580596923828\"} 1\n" + b +
                "\"+Inf\"} 1\n" +
                "kubelet_runtime_operations_duration_seconds_sum{operation_type="
                "\"list_containers\"} 0.01\n"
                "kubelet_runtime_operations_duration_seconds_count{operation_type="
                "\"list_containers\"} 1\n"
                "# HELP kubelet_runtime_operations_errors_total [ALPHA] Cumulative "
                "number of runtime operation errors by operation type.\n"
                "# TYPE kubelet_runtime_operations_errors_total counter\n"
                "kubelet_runtime_operations_errors_total{operation_type="
                "\"list_containers\"} 1\n"
                "# HELP kubelet_runtime_operations_total [ALPHA] Cumulative number "
                "of runtime operations by operation type.\n"
                "# TYPE kubelet_runtime_operations_total counter\n"
                "kubelet_runtime_operations_total{operation_type="
                "\"list_containers\"} 1\n");
}

TEST(Metrics, UsesTheKubeletBuckets) {
  const std::vector<double>& b = Metrics::RuntimeOperationBuckets();
  ASSERT_EQ(b.size(), 14u);
  EXPECT_DOUBLE_EQ(b.front(), 0.005);
  for (size_t i = 1; i < b.size(); ++i) EXPECT_DOUBLE_EQ(b[i], b[i - 1] * 2.5);
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInclusiveUpperBounds) {
  Metrics metrics;
  const std::string op = "checkpoint_container";
  metrics.RecordRuntimeOperation(op, 0.005, false);  // exactly on le=0.005
  metrics.RecordRuntimeOperation(op, 0.02, false);   // le=0.03125
  metrics.RecordRuntimeOperation(op, 0.02, true);    // le=0.03125
  metrics.RecordRuntimeOperation(op, 5, false);      // le=7.62939453125
  metrics.RecordRuntimeOperation(op, 10000, false);  // only +Inf
  const std::vector<std::string> buckets =
      LinesStartingWith(metrics.Render(), "kubelet_runtime_operations_duration_seconds_bucket{");
  const std::vector<std::string> want_counts = {"1", "1", "3", "3", "3", "3", "3", "3",
                                                "4", "4", "4", "4", "4", "4", "5"};
  ASSERT_EQ(buckets.size(), want_counts.size());
  for (size_t i = 0; i < buckets.size(); ++i) {
    EXPECT_EQ(buckets[i].substr(buckets[i].rfind(' ') + 1), want_counts[i]) << buckets[i];
  }
  EXPECT_EQ(buckets.back(),
            "kubelet_runtime_operations_duration_seconds_bucket{operation_type="
            "\"checkpoint_container\",le=\"+Inf\"} 5");
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("kubelet_runtime_operations_duration_seconds_sum{"
                              "operation_type=\"checkpoint_container\"} "
                              "10005.045\n"));
  EXPECT_THAT(text, HasSubstr("_count{operation_type=\"checkpoint_container\"} "
                              "5\n"));
  EXPECT_THAT(text, HasSubstr("kubelet_runtime_operations_total{operation_type="
                              "\"checkpoint_container\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("kubelet_runtime_operations_errors_total{operation_"
                              "type=\"checkpoint_container\"} 1\n"));
}

TEST(Metrics, EscapesLabelValues) {
  Metrics metrics;
  metrics.RecordRuntimeOperation("a\"b\\c\nd", 1, false);
  metrics.RecordHttpRequest("POST", "odd\"path", 500);
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("kubelet_runtime_operations_total{operation_type="
                              "\"a\\\"b\\\\c\\nd\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("path=\"odd\\\"path\""));
  EXPECT_THAT(text, Not(HasSubstr("c\nd")));
  EXPECT_EQ(EscapeLabelValue("plain"), "plain");
  EXPECT_EQ(EscapeLabelValue("\\\"\n"), "\\\\\\\"\\n");
}

TEST(Metrics, BucketsUnknownMethodsAsOtherLikeTheKubelet) {
  Metrics metrics;
  metrics.RecordHttpRequest("PATCH", "checkpoint", 405);
  metrics.RecordHttpRequest("BREW", "other", 404);
  metrics.RecordHttpRequest("GET", "checkpoint", 405);
  const std::vector<std::string> lines =
      LinesStartingWith(metrics.Render(), "kubelet_http_requests_total{");
  EXPECT_THAT(lines,
              ::testing::ElementsAre("kubelet_http_requests_total{long_running=\"false\",method="
                                     "\"GET\",path=\"checkpoint\",server_type=\"readwrite\"} 1",
                                     "kubelet_http_requests_total{long_running=\"false\",method="
                                     "\"other\",path=\"checkpoint\",server_type=\"readwrite\"} 1",
                                     "kubelet_http_requests_total{long_running=\"false\",method="
                                     "\"other\",path=\"other\",server_type=\"readwrite\"} 1"));
  EXPECT_THAT(LinesStartingWith(metrics.Render(), "checkpoint_endpoint_http_responses_total{"),
              ::testing::ElementsAre("checkpoint_endpoint_http_responses_total{code=\"404\",method="
                                     "\"other\",path=\"other\"} 1",
                                     "checkpoint_endpoint_http_responses_total{code=\"405\",method="
                                     "\"GET\",path=\"checkpoint\"} 1",
                                     "checkpoint_endpoint_http_responses_total{code=\"405\",method="
                                     "\"other\",path=\"checkpoint\"} 1"));
}

TEST(Metrics, CountsExactlyUnderConcurrentRecording) {
  Metrics metrics;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kPerThread; ++i) {
        metrics.RecordRuntimeOperation("checkpoint_container", 0.5, i % 10 == 0);
        metrics.RecordHttpRequest("POST", "checkpoint", t % 2 ? 200 : 500);
        if (i % 1000 == 0) metrics.Render();  // readers alongside writers
      }
    });
  }
  for (auto& th : threads) th.join();
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("kubelet_runtime_operations_total{operation_type="
                              "\"checkpoint_container\"} 40000\n"));
  EXPECT_THAT(text, HasSubstr("kubelet_runtime_operations_errors_total{operation_"
                              "type=\"checkpoint_container\"} 4000\n"));
  EXPECT_THAT(text, HasSubstr("_sum{operation_type=\"checkpoint_container\"} "
                              "20000\n"));
  EXPECT_THAT(text, HasSubstr("le=\"0.48828125\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("le=\"1.220703125\"} 40000\n"));
  EXPECT_THAT(text, HasSubstr("server_type=\"readwrite\"} 40000\n"));
  EXPECT_THAT(text, HasSubstr("{code=\"200\",method=\"POST\",path="
                              "\"checkpoint\"} 20000\n"));
  EXPECT_THAT(text, HasSubstr("{code=\"500\",method=\"POST\",path="
                              "\"checkpoint\"} 20000\n"));
}

TEST(FormatPrometheusFloat, MatchesGoStrconvShortestG) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(FormatPrometheusFloat(0), "0");
  EXPECT_EQ(FormatPrometheusFloat(1), "1");
  EXPECT_EQ(FormatPrometheusFloat(-1), "-1");
  EXPECT_EQ(FormatPrometheusFloat(40000), "40000");
  EXPECT_EQ(FormatPrometheusFloat(123456), "123456");
  EXPECT_EQ(FormatPrometheusFloat(1e6), "1e+06");
  EXPECT_EQ(FormatPrometheusFloat(1234567), "1.234567e+06");
  EXPECT_EQ(FormatPrometheusFloat(0.0001), "0.0001");
  EXPECT_EQ(FormatPrometheusFloat(0.00001), "1e-05");
  EXPECT_EQ(FormatPrometheusFloat(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatPrometheusFloat(1e100), "1e+100");
  EXPECT_EQ(FormatPrometheusFloat(-2.5e-7), "-2.5e-07");
  EXPECT_EQ(FormatPrometheusFloat(kInf), "+Inf");
  EXPECT_EQ(FormatPrometheusFloat(-kInf), "-Inf");
  EXPECT_EQ(FormatPrometheusFloat(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

}  // namespace
}  // namespace endpoint
