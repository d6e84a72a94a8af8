#include "common/units.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kit {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// ParseByteQuantity

TEST(ParseByteQuantity, ReadsAPlainByteCount) {
  auto q = ParseByteQuantity("268435456");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(*q, 268435456u);
}

TEST(ParseByteQuantity, ReadsZero) {
  auto q = ParseByteQuantity("0");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(*q, 0u);
}

TEST(ParseByteQuantity, BinarySuffixesArePowersOf1024) {
  struct Case {
    const char* text;
    uint64_t want;
  } cases[] = {
      {"512Ki", 512ULL * 1024},
      {"256Mi", 256ULL * 1024 * 1024},
      {"1Gi", 1ULL << 30},
      {"3Ti", 3ULL << 40},
  };
  for (const auto& c : cases) {
    auto q = ParseByteQuantity(c.text);
    ASSERT_TRUE(q.ok()) << c.text << ": " << q.status();
    EXPECT_EQ(*q, c.want) << c.text;
  }
}

TEST(ParseByteQuantity, DecimalSuffixesArePowersOf1000) {
  struct Case {
    const char* text;
    uint64_t want;
  } cases[] = {
      {"1k", 1000ULL},
      {"500M", 500ULL * 1000 * 1000},
      {"2G", 2ULL * 1000 * 1000 * 1000},
      {"7T", 7ULL * 1000 * 1000 * 1000 * 1000},
  };
  for (const auto& c : cases) {
    auto q = ParseByteQuantity(c.text);
    ASSERT_TRUE(q.ok()) << c.text << ": " << q.status();
    EXPECT_EQ(*q, c.want) << c.text;
  }
}

TEST(ParseByteQuantity, AcceptsTheLargestUint64) {
  auto q = ParseByteQuantity("18446744073709551615");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(*q, UINT64_MAX);
}

TEST(ParseByteQuantity, RejectsADigitStringPastUint64) {
  auto q = ParseByteQuantity("18446744073709551616");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(q.status().message()), HasSubstr("too large"));
}

TEST(ParseByteQuantity, RejectsASuffixThatOverflowsUint64) {
  // 2^24 Ti = 2^64 bytes, one past the largest.
  auto q = ParseByteQuantity("16777216Ti");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(q.status().message()), HasSubstr("too large"));

  auto just_fits = ParseByteQuantity("16777215Ti");
  ASSERT_TRUE(just_fits.ok()) << just_fits.status();
  EXPECT_EQ(*just_fits, 16777215ULL << 40);
}

TEST(ParseByteQuantity, RejectsAnUnknownSuffixAndNamesIt) {
  for (const char* text : {"5Xi", "5KB", "5kb", "5 Mi", "5m", "1.5Gi"}) {
    auto q = ParseByteQuantity(text);
    ASSERT_FALSE(q.ok()) << text;
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(q.status().message()), HasSubstr("unknown suffix")) << text;
    EXPECT_THAT(std::string(q.status().message()), HasSubstr(std::string("\"") + (text + 1) + "\""))
        << text;
  }
}

TEST(ParseByteQuantity, RejectsEmptyText) {
  auto q = ParseByteQuantity("");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(q.status().message()), HasSubstr("is not a byte quantity"));
}

TEST(ParseByteQuantity, RejectsTextWithoutLeadingDigits) {
  for (const char* text : {"Mi", "-1", "-1Mi", " 1", "abc"}) {
    auto q = ParseByteQuantity(text);
    ASSERT_FALSE(q.ok()) << text;
    EXPECT_THAT(std::string(q.status().message()), HasSubstr("is not a byte quantity")) << text;
  }
}

// ParseDurationNanos

TEST(ParseDurationNanos, ReadsEachUnit) {
  struct Case {
    const char* text;
    int64_t want;
  } cases[] = {
      {"7ns", 7},
      {"250us", 250'000},
      {"300ms", 300'000'000},
      {"2s", 2'000'000'000},
      {"2m", 120'000'000'000},
      {"1h", 3'600'000'000'000},
  };
  for (const auto& c : cases) {
    auto d = ParseDurationNanos(c.text);
    ASSERT_TRUE(d.ok()) << c.text << ": " << d.status();
    EXPECT_EQ(*d, c.want) << c.text;
  }
}

TEST(ParseDurationNanos, AddsUpCompoundDurations) {
  auto d = ParseDurationNanos("1m30s");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, 90'000'000'000);

  auto e = ParseDurationNanos("1h2m3s4ms");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(*e, 3'723'004'000'000);
}

TEST(ParseDurationNanos, ReadsFractions) {
  auto d = ParseDurationNanos("1.5s");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, 1'500'000'000);

  auto e = ParseDurationNanos("0.25ms");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(*e, 250'000);
}

TEST(ParseDurationNanos, ReadsABareZero) {
  auto d = ParseDurationNanos("0");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, 0);
}

TEST(ParseDurationNanos, ReadsTheMicroSignSpellingAsGoDoes) {
  auto d = ParseDurationNanos("250\xc2\xb5s");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, 250'000);
}

TEST(ParseDurationNanos, RejectsNegativeDurations) {
  auto d = ParseDurationNanos("-2s");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("negative"));
}

TEST(ParseDurationNanos, RejectsANumberWithoutAUnit) {
  for (const char* text : {"300", "1s500"}) {
    auto d = ParseDurationNanos(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(d.status().message()), HasSubstr("missing unit")) << text;
  }
}

TEST(ParseDurationNanos, RejectsAnUnknownUnitAndNamesIt) {
  auto d = ParseDurationNanos("3d");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("unknown unit \"d\""));
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("\"3d\" is not a duration"));
}

TEST(ParseDurationNanos, RejectsEmptyText) {
  auto d = ParseDurationNanos("");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("empty"));
}

TEST(ParseDurationNanos, RejectsAUnitWithoutANumber) {
  auto d = ParseDurationNanos("s");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("expected a number"));
}

TEST(ParseDurationNanos, RejectsANumberWithTwoDecimalPoints) {
  auto d = ParseDurationNanos("1.2.3s");
  EXPECT_FALSE(d.ok()) << "parsed as " << (d.ok() ? *d : 0) << " ns";
}

// NewId

TEST(NewId, Is64LowercaseHexDigits) {
  for (int i = 0; i < 100; ++i) {
    std::string id = NewId();
    EXPECT_THAT(id, MatchesRegex("[0-9a-f]{64}"));
  }
}

TEST(NewId, GivesDistinctIds) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewId());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace kit
