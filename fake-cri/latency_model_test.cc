#include "fake-cri/latency_model.h"

#include <vector>

#include "gtest/gtest.h"

namespace fakecri {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

TEST(LatencyParams, DefaultsAre300msAnd320MiBPerSecondWithoutJitter) {
  LatencyParams p;
  EXPECT_EQ(p.fixed_cost_ns, 300'000'000);
  EXPECT_DOUBLE_EQ(p.throughput_bytes_per_second, 320.0 * kMiB);
  EXPECT_DOUBLE_EQ(p.jitter, 0);
}

TEST(ModelledCheckpointNanos, IsFixedCostPlusWorkingSetOverThroughput) {
  LatencyParams p;  // 300 ms + ws / 320 MiB/s
  EXPECT_EQ(ModelledCheckpointNanos(320 * kMiB, p), 1'300'000'000);
  EXPECT_EQ(ModelledCheckpointNanos(160 * kMiB, p), 800'000'000);
  EXPECT_EQ(ModelledCheckpointNanos(1536 * kMiB, p), 5'100'000'000);

  LatencyParams q;
  q.fixed_cost_ns = 50'000'000;
  q.throughput_bytes_per_second = 1'000'000'000;  // 1 GB/s: 1 byte per ns
  EXPECT_EQ(ModelledCheckpointNanos(123'456'789, q), 50'000'000 + 123'456'789);
}

TEST(ModelledCheckpointNanos, IsTheFixedCostForAnEmptyWorkingSet) {
  LatencyParams p;
  p.fixed_cost_ns = 42;
  EXPECT_EQ(ModelledCheckpointNanos(0, p), 42);
}

TEST(ModelledCheckpointNanos, IgnoresUWithoutJitter) {
  LatencyParams p;
  EXPECT_EQ(ModelledCheckpointNanos(320 * kMiB, p, -1), 1'300'000'000);
  EXPECT_EQ(ModelledCheckpointNanos(320 * kMiB, p, 1), 1'300'000'000);
}

TEST(ModelledCheckpointNanos, JitterScalesByOneMinusAndOnePlusJitterAtTheEnds) {
  LatencyParams p;
  p.jitter = 0.2;
  EXPECT_EQ(ModelledCheckpointNanos(320 * kMiB, p, -1), 1'040'000'000);  // 1.3 s * 0.8
  EXPECT_EQ(ModelledCheckpointNanos(320 * kMiB, p, 0), 1'300'000'000);
  EXPECT_EQ(ModelledCheckpointNanos(320 * kMiB, p, 1), 1'560'000'000);  // 1.3 s * 1.2
}

TEST(ModelledCheckpointNanos, StaysWithinTheJitterBoundsForDrawnU) {
  LatencyParams p;
  p.jitter = 0.5;
  JitterSource jitter(7);
  for (int i = 0; i < 1000; ++i) {
    int64_t ns = ModelledCheckpointNanos(320 * kMiB, p, jitter.Next());
    EXPECT_GE(ns, 650'000'000);
    EXPECT_LE(ns, 1'950'000'000);
  }
}

TEST(LatencyOverride, WithNothingSetKeepsTheBase) {
  LatencyParams base;
  base.fixed_cost_ns = 1;
  base.throughput_bytes_per_second = 2;
  base.jitter = 0.3;
  LatencyParams got = LatencyOverride{}.ApplyTo(base);
  EXPECT_EQ(got.fixed_cost_ns, 1);
  EXPECT_DOUBLE_EQ(got.throughput_bytes_per_second, 2);
  EXPECT_DOUBLE_EQ(got.jitter, 0.3);
}

TEST(LatencyOverride, ReplacesOnlyTheFieldsItSets) {
  LatencyParams base;
  base.fixed_cost_ns = 1;
  base.throughput_bytes_per_second = 2;
  base.jitter = 0.3;

  LatencyOverride fixed_only;
  fixed_only.fixed_cost_ns = 10;
  LatencyParams a = fixed_only.ApplyTo(base);
  EXPECT_EQ(a.fixed_cost_ns, 10);
  EXPECT_DOUBLE_EQ(a.throughput_bytes_per_second, 2);
  EXPECT_DOUBLE_EQ(a.jitter, 0.3);

  LatencyOverride throughput_only;
  throughput_only.throughput_bytes_per_second = 20;
  LatencyParams b = throughput_only.ApplyTo(base);
  EXPECT_EQ(b.fixed_cost_ns, 1);
  EXPECT_DOUBLE_EQ(b.throughput_bytes_per_second, 20);
  EXPECT_DOUBLE_EQ(b.jitter, 0.3);

  LatencyOverride both;
  both.fixed_cost_ns = 0;  // an explicit zero overrides too
  both.throughput_bytes_per_second = 30;
  LatencyParams c = both.ApplyTo(base);
  EXPECT_EQ(c.fixed_cost_ns, 0);
  EXPECT_DOUBLE_EQ(c.throughput_bytes_per_second, 30);
  EXPECT_DOUBLE_EQ(c.jitter, 0.3);
}

TEST(JitterSource, SameSeedGivesTheSameSequence) {
  JitterSource a(12345), b(12345);
  for (int i = 0; i < 100; ++i) EXPECT_DOUBLE_EQ(a.Next(), b.Next()) << "draw " << i;
}

TEST(JitterSource, DifferentSeedsGiveDifferentSequences) {
  JitterSource a(1), b(2);
  std::vector<double> xs, ys;
  for (int i = 0; i < 10; ++i) {
    xs.push_back(a.Next());
    ys.push_back(b.Next());
  }
  EXPECT_NE(xs, ys);
}

TEST(JitterSource, DrawsLieInMinusOneToOneAndCoverBothSigns) {
  JitterSource j(99);
  int negative = 0, positive = 0;
  for (int i = 0; i < 1000; ++i) {
    double u = j.Next();
    EXPECT_GE(u, -1.0);
    EXPECT_LE(u, 1.0);
    if (u < 0) ++negative;
    if (u > 0) ++positive;
  }
  // Uniform on [-1, 1]: about half each way; a very wide bound.
  EXPECT_GT(negative, 300);
  EXPECT_GT(positive, 300);
}

}  // namespace
}  // namespace fakecri
