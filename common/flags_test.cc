#include "common/flags.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kit {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct Parsed {
  std::string name = "unset";
  bool verbose = false;
  bool help = false;
  int64_t count = 0;
  std::chrono::nanoseconds wait{0};
  std::vector<std::string> extra;
};

FlagSet Flags(Parsed* p) {
  FlagSet f;
  f.Section("General:");
  f.AddString("--name", "NAME", "who", &p->name);
  f.AddBool("--verbose", "say more", &p->verbose);
  f.AddSwitch("--help", "this help", [p] { p->help = true; });
  f.AddSwitch("-h", "", [p] { p->help = true; });
  f.Section("Numbers:");
  f.AddInt64("--count", "N", "how many\nsecond line", &p->count, 0, 100);
  f.AddDuration("--wait", "D", "how long", &p->wait);
  f.AddStrings("--extra", "ARG", "repeatable", &p->extra);
  return f;
}

TEST(FlagSet, ReadsThePflagSyntax) {
  Parsed p;
  auto rest = Flags(&p).Parse({"--name", "a", "pos1", "--verbose", "--count=7", "--wait", "1m30s",
                               "--extra=x", "--extra", "y", "--", "--not-a-flag"});
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(p.name, "a");
  EXPECT_TRUE(p.verbose);
  EXPECT_EQ(p.count, 7);
  EXPECT_EQ(p.wait, std::chrono::seconds(90));
  EXPECT_THAT(p.extra, ElementsAre("x", "y"));
  EXPECT_THAT(*rest, ElementsAre("pos1", "--not-a-flag"));
}

TEST(FlagSet, BooleansTakeAValueOnlyAfterAnEqualsSign) {
  Parsed p;
  p.verbose = true;
  auto rest = Flags(&p).Parse({"--verbose=false", "true"});
  ASSERT_TRUE(rest.ok());
  EXPECT_FALSE(p.verbose);
  EXPECT_THAT(*rest, ElementsAre("true"));  // a positional, as in pflag
  for (const char* v : {"1", "t", "T", "TRUE", "true", "True"}) EXPECT_TRUE(*ParseGoBool(v)) << v;
  for (const char* v : {"0", "f", "F", "FALSE", "false", "False"}) EXPECT_FALSE(*ParseGoBool(v));
  EXPECT_FALSE(ParseGoBool("yes").ok());
}

TEST(FlagSet, ErrorsNameTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string want;
  } cases[] = {
      {{"--bogus=1"}, "unknown flag --bogus (see --help)"},
      {{"--name"}, "--name: needs a value"},
      {{"--verbose=maybe"}, "--verbose=maybe: not a boolean"},
      {{"--count=101"}, "--count=101: not an integer from 0 to 100"},
      {{"--count=+5"}, "--count=+5: not an integer from 0 to 100"},
      {{"--count=99999999999999999999"}, "--count=99999999999999999999: not an integer"},
      {{"--wait=0"}, "--wait=0: must be more than 0"},
      {{"--wait=soon"}, "--wait=soon: \"soon\" is not a duration"},
      {{"--help=1"}, "--help: takes no value"},
  };
  for (const Case& c : cases) {
    Parsed p;
    auto r = Flags(&p).Parse(c.args);
    ASSERT_FALSE(r.ok()) << c.args[0];
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.want)) << c.args[0];
  }
}

TEST(FlagSet, ABooleanWithASetterGetsTheTextAsGiven) {
  std::vector<std::string> seen;
  FlagSet f;
  f.AddBool("--criu", "whether CRIU is there", [&seen](const std::string& v) {
    seen.push_back(v);
    return v == "maybe" ? absl::InvalidArgumentError("not a boolean") : absl::OkStatus();
  });
  auto rest = f.Parse({"--criu", "--criu=false", "positional"});
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_THAT(seen, ElementsAre("true", "false"));
  EXPECT_THAT(*rest, ElementsAre("positional"));
  auto bad = f.Parse({"--criu=maybe"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "--criu=maybe: not a boolean");
  EXPECT_EQ(f.Usage(), "  --criu[=BOOL]                     whether CRIU is there\n");
}

TEST(FlagSet, SwitchesAndAliases) {
  Parsed p;
  ASSERT_TRUE(Flags(&p).Parse({"-h"}).ok());
  EXPECT_TRUE(p.help);
}

TEST(FlagSet, UsageComesFromTheRegistrations) {
  Parsed p;
  EXPECT_EQ(Flags(&p).Usage(),
            "General:\n"
            "  --name NAME                       who\n"
            "  --verbose[=BOOL]                  say more\n"
            "  --help                            this help\n"
            "\nNumbers:\n"
            "  --count N                         how many\n"
            "                                    second line\n"
            "  --wait D                          how long\n"
            "  --extra ARG                       repeatable\n");
}

}  // namespace
}  // namespace kit
