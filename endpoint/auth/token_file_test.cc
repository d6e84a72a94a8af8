#include "endpoint/auth/token_file.h"

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::unique_ptr<TokenFileAuthenticator> MustParse(const std::string& contents) {
  absl::StatusOr<std::unique_ptr<TokenFileAuthenticator>> authenticator =
      TokenFileAuthenticator::Parse(contents, "tokens.csv");
  EXPECT_TRUE(authenticator.ok()) << authenticator.status();
  return authenticator.ok() ? *std::move(authenticator) : nullptr;
}

std::string ParseError(const std::string& contents) {
  absl::StatusOr<std::unique_ptr<TokenFileAuthenticator>> authenticator =
      TokenFileAuthenticator::Parse(contents, "tokens.csv");
  EXPECT_EQ(authenticator.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(authenticator.status().message());
}

AuthRequest WithAuthorization(const std::string& value) {
  AuthRequest request;
  request.method = "POST";
  request.path = "/checkpoint/ns/pod/ctr";
  request.headers["authorization"] = value;
  return request;
}

// A file per test in one directory that lives as long as the test binary.
std::string WriteTempFile(const std::string& contents) {
  static kit::testing::TempDir dir("token-file-test");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return dir.WriteFile(std::string(info->test_suite_name()) + "_" + info->name() + ".csv",
                       contents);
}

constexpr char kGoodFile[] =
    "tok-alice,alice,uid-a,\"system:masters,devs\"\n"
    "tok-bob,bob,uid-b\n"
    "tok-carol,carol,uid-c,ops,extra,columns\n";

TEST(TokenFile, AuthenticatesAListedTokenAsItsUser) {
  auto authenticator = MustParse(kGoodFile);
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->size(), 3u);

  AuthnResult alice = authenticator->Authenticate(WithAuthorization("Bearer tok-alice"));
  EXPECT_EQ(alice.kind, AuthnResult::Kind::kAuthenticated);
  EXPECT_EQ(alice.user.name, "alice");
  EXPECT_EQ(alice.user.uid, "uid-a");
  EXPECT_THAT(alice.user.groups, ElementsAre("system:masters", "devs"));

  AuthnResult bob = authenticator->Authenticate(WithAuthorization("Bearer tok-bob"));
  EXPECT_EQ(bob.kind, AuthnResult::Kind::kAuthenticated);
  EXPECT_EQ(bob.user.name, "bob");
  EXPECT_THAT(bob.user.groups, IsEmpty());
}

TEST(TokenFile, IgnoresColumnsAfterTheFourth) {
  auto authenticator = MustParse(kGoodFile);
  ASSERT_NE(authenticator, nullptr);
  AuthnResult carol = authenticator->Authenticate(WithAuthorization("Bearer tok-carol"));
  EXPECT_EQ(carol.kind, AuthnResult::Kind::kAuthenticated);
  EXPECT_EQ(carol.user.name, "carol");
  EXPECT_THAT(carol.user.groups, ElementsAre("ops"));
}

TEST(TokenFile, AcceptsTheBearerSchemeInAnyCase) {
  auto authenticator = MustParse(kGoodFile);
  ASSERT_NE(authenticator, nullptr);
  for (const char* scheme : {"bearer", "BEARER", "Bearer", "beaRER"}) {
    EXPECT_EQ(
        authenticator->Authenticate(WithAuthorization(std::string(scheme) + " tok-alice")).kind,
        AuthnResult::Kind::kAuthenticated)
        << scheme;
  }
}

TEST(TokenFile, RejectsAnUnknownTokenWithoutNamingIt) {
  auto authenticator = MustParse(kGoodFile);
  ASSERT_NE(authenticator, nullptr);
  for (const char* token : {"not-a-token-xyz", "tok-alic", "tok-alice2", "TOK-ALICE"}) {
    AuthnResult result =
        authenticator->Authenticate(WithAuthorization(std::string("Bearer ") + token));
    EXPECT_EQ(result.kind, AuthnResult::Kind::kRejected) << token;
    EXPECT_EQ(result.reason, "invalid bearer token");
    EXPECT_THAT(result.reason, Not(HasSubstr(token)));
  }
}

TEST(TokenFile, HasNoOpinionWithoutABearerToken) {
  auto authenticator = MustParse(kGoodFile);
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->Authenticate(AuthRequest{}).kind, AuthnResult::Kind::kNoOpinion);
  EXPECT_EQ(authenticator->Authenticate(WithAuthorization("Basic dG9rLWFsaWNl")).kind,
            AuthnResult::Kind::kNoOpinion);
  EXPECT_EQ(authenticator->Authenticate(WithAuthorization("Bearer ")).kind,
            AuthnResult::Kind::kNoOpinion);
}

TEST(TokenFile, SplitsTheGroupsFieldOnEveryCommaAsUpstream) {
  auto authenticator = MustParse(
      "t1,u1,id1,\"a,,b\"\n"
      "t2,u2,id2,\n"
      "t3,u3,id3,\"\"\n");
  ASSERT_NE(authenticator, nullptr);
  EXPECT_THAT(authenticator->Authenticate(WithAuthorization("Bearer t1")).user.groups,
              ElementsAre("a", "", "b"));
  EXPECT_THAT(authenticator->Authenticate(WithAuthorization("Bearer t2")).user.groups,
              ElementsAre(""));
  EXPECT_THAT(authenticator->Authenticate(WithAuthorization("Bearer t3")).user.groups,
              ElementsAre(""));
}

TEST(TokenFile, KeepsSpacesInFields) {
  auto authenticator = MustParse("t, alice ,id\n");
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->Authenticate(WithAuthorization("Bearer t")).user.name, " alice ");
}

TEST(TokenFile, SkipsRecordsWithAnEmptyToken) {
  auto authenticator = MustParse(",nobody,id0\nt,alice,id\n");
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->size(), 1u);
}

TEST(TokenFile, LetsTheLaterOfTwoEqualTokensWin) {
  auto authenticator = MustParse("t,first,id1\nt,second,id2\n");
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->size(), 1u);
  EXPECT_EQ(authenticator->Authenticate(WithAuthorization("Bearer t")).user.name, "second");
}

TEST(TokenFile, SkipsEmptyLinesAndCrLf) {
  auto authenticator = MustParse("\r\nt1,a,1\r\n\r\nt2,b,2\r\n");
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->size(), 2u);
  EXPECT_EQ(authenticator->Authenticate(WithAuthorization("Bearer t1")).user.uid, "1");
}

TEST(TokenFile, AcceptsAnEmptyFile) {
  auto authenticator = MustParse("");
  ASSERT_NE(authenticator, nullptr);
  EXPECT_EQ(authenticator->Authenticate(WithAuthorization("Bearer t")).kind,
            AuthnResult::Kind::kRejected);
}

TEST(TokenFile, RefusesARecordWithFewerThanThreeColumnsNamingFileAndLine) {
  EXPECT_EQ(ParseError("t1,a,1\n\ns3cret-token,alice\n"),
            "tokens.csv:3: must have at least 3 columns (token, user name, "
            "user uid), found 2");
}

TEST(TokenFile, RefusesCommentLinesBecauseUpstreamHasNone) {
  EXPECT_EQ(ParseError("# tokens for this node, one a line\n"),
            "tokens.csv:1: must have at least 3 columns (token, user name, "
            "user uid), found 2");
  EXPECT_EQ(ParseError("#comment\n"),
            "tokens.csv:1: must have at least 3 columns (token, user name, "
            "user uid), found 1");
}

TEST(TokenFile, RefusesBadQuotingNamingFileLineAndColumn) {
  EXPECT_EQ(ParseError("t1,a,1\nse\"cret,b,2\n"),
            "tokens.csv:2: parse error at column 3: bare \" in non-quoted-field");
  EXPECT_EQ(ParseError("t1,a,1,\"g1,g2\n"),
            "tokens.csv:1: parse error at column 15: extraneous or missing \" "
            "in quoted-field");
}

TEST(TokenFile, NeverPutsATokenInAnError) {
  for (const std::string contents : {"secret-1,alice\n", "secret-1\n", "secret-1,\"al\"ice,1\n",
                                     "secret-1,alice,1\nsecret-2\n"}) {
    absl::Status status = TokenFileAuthenticator::Parse(contents, "tokens.csv").status();
    EXPECT_FALSE(status.ok()) << contents;
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr("secret")));
  }
}

TEST(TokenFile, LoadsAFileFromDisk) {
  absl::StatusOr<std::unique_ptr<TokenFileAuthenticator>> authenticator =
      TokenFileAuthenticator::Load(WriteTempFile(kGoodFile));
  ASSERT_TRUE(authenticator.ok()) << authenticator.status();
  EXPECT_EQ((*authenticator)->size(), 3u);
}

TEST(TokenFile, NamesTheFileInLoadErrors) {
  std::string path = WriteTempFile("x,y\n");
  absl::Status status = TokenFileAuthenticator::Load(path).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), path +
                                  ":1: must have at least 3 columns (token, user name, user "
                                  "uid), found 2");
}

TEST(TokenFile, ReportsAMissingFile) {
  absl::Status status = TokenFileAuthenticator::Load("/nonexistent/tokens.csv").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(),
            "token file /nonexistent/tokens.csv: cannot read: No such file or "
            "directory");
}

TEST(TokenFile, AnEndlessFileIsAnErrorNotAnOutOfMemory) {
  absl::Status status = TokenFileAuthenticator::Load("/dev/zero").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "token file /dev/zero: larger than 16 MiB");
}

TEST(TokenFile, ReportsADirectory) {
  absl::Status status = TokenFileAuthenticator::Load(::testing::TempDir()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("Is a directory"));
}

}  // namespace
}  // namespace endpoint
