#include "endpoint/auth/go_csv.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace endpoint {
namespace {

using ::testing::ElementsAre;

std::vector<std::vector<std::string>> Fields(const std::string& text) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text, "f.csv");
  EXPECT_TRUE(records.ok()) << records.status();
  std::vector<std::vector<std::string>> fields;
  if (records.ok()) {
    for (const CsvRecord& record : *records) fields.push_back(record.fields);
  }
  return fields;
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text, "f.csv");
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(records.status().message());
}

using Row = std::vector<std::string>;

TEST(GoCsv, SplitsRecordsOnNewlinesAndFieldsOnCommas) {
  EXPECT_THAT(Fields("a,b,c\nd,e\n"), ElementsAre(Row{"a", "b", "c"}, Row{"d", "e"}));
}

TEST(GoCsv, AcceptsALastLineWithoutNewline) {
  EXPECT_THAT(Fields("a,b"), ElementsAre(Row{"a", "b"}));
}

TEST(GoCsv, TreatsCrLfAsLf) {
  EXPECT_THAT(Fields("a,b\r\nc\r\n"), ElementsAre(Row{"a", "b"}, Row{"c"}));
  EXPECT_THAT(Fields("a,b\r"), ElementsAre(Row{"a", "b"}));
}

TEST(GoCsv, SkipsEmptyLinesButNotBlankOnes) {
  EXPECT_THAT(Fields("\n\na\n\r\n \n"), ElementsAre(Row{"a"}, Row{" "}));
}

TEST(GoCsv, GivesHashNoMeaning) { EXPECT_THAT(Fields("# a,b\n"), ElementsAre(Row{"# a", "b"})); }

TEST(GoCsv, KeepsSpacesAndEmptyFields) {
  EXPECT_THAT(Fields(" a , b,,\n"), ElementsAre(Row{" a ", " b", "", ""}));
}

TEST(GoCsv, ReadsQuotedFieldsWithCommasQuotesAndNewlines) {
  EXPECT_THAT(Fields("t,\"g1,g2\",\"say \"\"hi\"\"\"\n"),
              ElementsAre(Row{"t", "g1,g2", "say \"hi\""}));
  EXPECT_THAT(Fields("\"a\nb\",c\nd\n"), ElementsAre(Row{"a\nb", "c"}, Row{"d"}));
  EXPECT_THAT(Fields("\"\",x\n"), ElementsAre(Row{"", "x"}));
}

TEST(GoCsv, NumbersRecordsByTheirFirstLine) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv("\na\n\"b\nc\"\nd\n", "f.csv");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].line, 2);
  EXPECT_EQ((*records)[1].line, 3);
  EXPECT_EQ((*records)[2].line, 5);
}

TEST(GoCsv, RefusesABareQuoteNamingLineAndColumn) {
  EXPECT_EQ(ErrorOf("ok\nab\"c,d\n"),
            "f.csv:2: parse error at column 3: bare \" in non-quoted-field");
  EXPECT_EQ(ErrorOf("a,b\"\n"), "f.csv:1: parse error at column 4: bare \" in non-quoted-field");
}

TEST(GoCsv, RefusesTextAfterAClosingQuote) {
  EXPECT_EQ(ErrorOf("a,\"b\"c\n"),
            "f.csv:1: parse error at column 5: extraneous or missing \" in "
            "quoted-field");
}

TEST(GoCsv, RefusesAnUnclosedQuote) {
  EXPECT_EQ(ErrorOf("a\n\"b,c\n"),
            "f.csv:2: parse error at column 6: extraneous or missing \" in "
            "quoted-field");
  EXPECT_EQ(ErrorOf("a,\""),
            "f.csv:1: parse error at column 4: extraneous or missing \" in "
            "quoted-field");
}

}  // namespace
}  // namespace endpoint
