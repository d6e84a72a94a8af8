#include "endpoint/archive_namer.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "endpoint/testing/mocks.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::kit::testing::FakeClock;

const WallTime kT0 = WallTime(std::chrono::seconds(1728962280));  // 2024-10-15T03:18:00Z

class TimeZone {
 public:
  explicit TimeZone(const char* tz) {
    const char* old = getenv("TZ");
    old_ = old ? old : "";
    had_ = old != nullptr;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~TimeZone() {
    if (had_) {
      setenv("TZ", old_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::string old_;
  bool had_ = false;
};

TEST(Rfc3339Local, UtcEndsInZ) {
  TimeZone tz("UTC");
  EXPECT_EQ(Rfc3339Local(kT0), "2024-10-15T03:18:00Z");
}

TEST(Rfc3339Local, OtherZonesCarryTheirOffset) {
  {
    TimeZone tz("Asia/Tokyo");
    EXPECT_EQ(Rfc3339Local(kT0), "2024-10-15T12:18:00+09:00");
  }
  {
    TimeZone tz("America/St_Johns");  // -02:30 in October (daylight time)
    EXPECT_EQ(Rfc3339Local(kT0), "2024-10-15T00:48:00-02:30");
  }
}

TEST(KubeletArchiveName, MatchesTheKubeletsFormat) {
  TimeZone tz("UTC");
  EXPECT_EQ(KubeletArchiveName("/var/lib/kubelet/checkpoints", "default", "web", "nginx", kT0),
            "/var/lib/kubelet/checkpoints/checkpoint-web_default-nginx-2024-10-15T03:18:00Z.tar");
}

TEST(ArchiveNamer, ByDefaultTwoReservationsInOneSecondShareTheName) {
  // As the kubelet: the name for this second, whatever was handed out or is on disk.
  TimeZone tz("UTC");
  kit::testing::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/false);
  std::ofstream(KubeletArchiveName(dir.path(), "ns", "p", "c", kT0)) << "older archive";
  const std::string expected = KubeletArchiveName(dir.path(), "ns", "p", "c", kT0);
  std::string a = *namer.Reserve("ns", "p", "c");
  std::string b = *namer.Reserve("ns", "p", "c");
  EXPECT_EQ(a, expected);
  EXPECT_EQ(b, expected);
  EXPECT_EQ(clock.sleeps().size(), 0u);
  // In use until both have ended.
  namer.Release(a);
  EXPECT_TRUE(namer.InUse(expected));
  namer.Release(b);
  EXPECT_FALSE(namer.InUse(expected));
}

TEST(ArchiveNamer, UniqueNamesWaitForTheNextSecond) {
  TimeZone tz("UTC");
  kit::testing::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  EXPECT_EQ(*namer.Reserve("ns", "p", "c"), KubeletArchiveName(dir.path(), "ns", "p", "c", kT0));
  EXPECT_EQ(*namer.Reserve("ns", "p", "c"),
            KubeletArchiveName(dir.path(), "ns", "p", "c", kT0 + std::chrono::seconds(1)));
  EXPECT_EQ(clock.sleeps().size(), 1u);
}

TEST(ArchiveNamer, UniqueNamesNeverNameOneOnDisk) {
  TimeZone tz("UTC");
  kit::testing::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  std::ofstream(KubeletArchiveName(dir.path(), "ns", "p", "c", kT0)) << "older archive";
  EXPECT_EQ(*namer.Reserve("ns", "p", "c"),
            KubeletArchiveName(dir.path(), "ns", "p", "c", kT0 + std::chrono::seconds(1)));
}

TEST(ArchiveNamer, UniqueNamesLetDifferentContainersShareASecond) {
  TimeZone tz("UTC");
  kit::testing::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  std::string a = *namer.Reserve("ns", "p", "a");
  std::string b = *namer.Reserve("ns", "p", "b");
  EXPECT_NE(a, b);
  EXPECT_EQ(clock.sleeps().size(), 0u);
}

TEST(ArchiveNamer, UniqueConcurrentReservationsAreAllDistinct) {
  kit::testing::TempDir dir;
  RealClock clock;
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  std::vector<std::string> names(3);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] { names[i] = *namer.Reserve("ns", "p", "c"); });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), 3u);
}

TEST(ArchiveNamer, ReleaseEndsInUse) {
  for (bool unique : {false, true}) {
    kit::testing::TempDir dir;
    FakeClock clock(kT0);
    ArchiveNamer namer(dir.path(), &clock, unique);
    std::string a = *namer.Reserve("ns", "p", "c");
    EXPECT_TRUE(namer.InUse(a)) << unique;
    namer.Release(a);
    EXPECT_FALSE(namer.InUse(a)) << unique;
  }
}

// A clock stuck at one instant (an NTP step back, a frozen VM): sleeping on it
// never reaches the next second.
class StuckClock final : public Clock {
 public:
  WallTime Now() override { return kT0; }
  void SleepUntil(WallTime) override { ++sleeps; }
  int sleeps = 0;
};

TEST(ArchiveNamer, UniqueNamesNeverLoopForever) {
  TimeZone tz("UTC");
  kit::testing::TempDir dir;
  StuckClock clock;
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  ASSERT_TRUE(namer.Reserve("ns", "p", "c").ok());
  auto second = namer.Reserve("ns", "p", "c");
  EXPECT_EQ(second.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(second.status().message(),
            "no free archive name for ns/p/c after 5 seconds (--unique-archive-names)");
  EXPECT_EQ(clock.sleeps, ArchiveNamer::kMaxUniqueWaits);
}

TEST(ArchiveNamer, RefusesANulByteInEitherMode) {
  kit::testing::TempDir dir;
  FakeClock clock(kT0);
  for (bool unique : {false, true}) {
    ArchiveNamer namer(dir.path(), &clock, unique);
    // "a\0b" ends at the NUL as a C path: the runtime would write another file.
    EXPECT_EQ(namer.Reserve("ns", std::string("a\0b", 3), "c").status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(clock.sleeps().size(), 0u);
}

TEST(ArchiveNamer, UniqueNamesTreatOnlyNoSuchFileAsFree) {
  TimeZone tz("UTC");
  kit::testing::TempDir dir;
  FakeClock clock(kT0);
  ArchiveNamer namer(dir.path(), &clock, /*unique=*/true);
  // Valid Kubernetes names long enough to pass NAME_MAX (255) together.
  auto r = namer.Reserve(std::string(63, 'n'), std::string(253, 'p'), std::string(63, 'c'));
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("File name too long"), std::string::npos) << r.status();
  EXPECT_EQ(clock.sleeps().size(), 0u);
}

}  // namespace
}  // namespace endpoint
