#include "endpoint/auth/union.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace endpoint {
namespace {

using ::testing::ElementsAre;
using Kind = AuthnResult::Kind;

// Answers the same every time and counts how often it was asked.
class FixedAuthenticator final : public Authenticator {
 public:
  FixedAuthenticator(AuthnResult result, int* calls) : result_(std::move(result)), calls_(calls) {}
  AuthnResult Authenticate(const AuthRequest& /*request*/) override {
    ++*calls_;
    return result_;
  }

 private:
  const AuthnResult result_;
  int* const calls_;
};

AuthnResult Authenticated(const std::string& name, std::vector<std::string> groups = {}) {
  AuthnResult result;
  result.kind = Kind::kAuthenticated;
  result.user = UserInfo{name, "uid-" + name, std::move(groups)};
  return result;
}

AuthnResult NoOpinion() { return AuthnResult{}; }

AuthnResult Rejected(const std::string& reason) {
  AuthnResult result;
  result.kind = Kind::kRejected;
  result.reason = reason;
  return result;
}

struct UnionRow {
  std::string name;
  std::vector<AuthnResult> answers;
  bool anonymous_enabled;
  Kind want_kind;
  std::string want_user;    // when authenticated
  std::string want_reason;  // when rejected
  std::vector<int> want_calls;
};

class UnionOutcomeTest : public ::testing::TestWithParam<UnionRow> {};

TEST_P(UnionOutcomeTest, AnswersAsTheKubeletsDelegatingAuthenticator) {
  const UnionRow& row = GetParam();
  std::vector<int> calls(row.answers.size(), 0);
  std::vector<std::unique_ptr<Authenticator>> authenticators;
  for (size_t i = 0; i < row.answers.size(); ++i) {
    authenticators.push_back(std::make_unique<FixedAuthenticator>(row.answers[i], &calls[i]));
  }
  UnionAuthenticator authenticator(std::move(authenticators), row.anonymous_enabled);

  AuthnResult result = authenticator.Authenticate(AuthRequest{});

  EXPECT_EQ(result.kind, row.want_kind);
  if (row.want_kind == Kind::kAuthenticated) {
    EXPECT_EQ(result.user.name, row.want_user);
  } else {
    EXPECT_EQ(result.reason, row.want_reason);
  }
  for (size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i], row.want_calls[i]) << "authenticator " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Union, UnionOutcomeTest,
    ::testing::Values(
        UnionRow{"NoAuthenticatorsAnonymousOn",
                 {},
                 true,
                 Kind::kAuthenticated,
                 "system:anonymous",
                 "",
                 {}},
        UnionRow{
            "NoAuthenticatorsAnonymousOff", {}, false, Kind::kRejected, "", "no credentials", {}},
        UnionRow{"AllNoOpinionAnonymousOn",
                 {NoOpinion(), NoOpinion()},
                 true,
                 Kind::kAuthenticated,
                 "system:anonymous",
                 "",
                 {1, 1}},
        UnionRow{"AllNoOpinionAnonymousOff",
                 {NoOpinion(), NoOpinion()},
                 false,
                 Kind::kRejected,
                 "",
                 "no credentials",
                 {1, 1}},
        UnionRow{"AuthenticatedAnonymousOn",
                 {Authenticated("alice")},
                 true,
                 Kind::kAuthenticated,
                 "alice",
                 "",
                 {1}},
        UnionRow{"AuthenticatedAnonymousOff",
                 {Authenticated("alice")},
                 false,
                 Kind::kAuthenticated,
                 "alice",
                 "",
                 {1}},
        UnionRow{"FirstAuthenticatedWins",
                 {Authenticated("alice"), Authenticated("bob")},
                 true,
                 Kind::kAuthenticated,
                 "alice",
                 "",
                 {1, 0}},
        UnionRow{"AuthenticatedStopsBeforeARejection",
                 {Authenticated("alice"), Rejected("bad")},
                 true,
                 Kind::kAuthenticated,
                 "alice",
                 "",
                 {1, 0}},
        UnionRow{"AuthenticatedAfterARejectionWins",
                 {Rejected("bad cert"), Authenticated("bob")},
                 false,
                 Kind::kAuthenticated,
                 "bob",
                 "",
                 {1, 1}},
        UnionRow{"NoOpinionThenAuthenticated",
                 {NoOpinion(), Authenticated("bob")},
                 false,
                 Kind::kAuthenticated,
                 "bob",
                 "",
                 {1, 1}},
        UnionRow{"RejectedIsNeverAnonymous",
                 {Rejected("bad token")},
                 true,
                 Kind::kRejected,
                 "",
                 "bad token",
                 {1}},
        UnionRow{"RejectedAnonymousOff",
                 {Rejected("bad token")},
                 false,
                 Kind::kRejected,
                 "",
                 "bad token",
                 {1}},
        UnionRow{"NoOpinionAndRejectedIsRejected",
                 {NoOpinion(), Rejected("bad token")},
                 true,
                 Kind::kRejected,
                 "",
                 "bad token",
                 {1, 1}},
        UnionRow{"EveryRejectionIsReported",
                 {Rejected("bad cert"), NoOpinion(), Rejected("bad token")},
                 true,
                 Kind::kRejected,
                 "",
                 "bad cert; bad token",
                 {1, 1, 1}}),
    [](const ::testing::TestParamInfo<UnionRow>& info) { return info.param.name; });

std::vector<std::unique_ptr<Authenticator>> One(AuthnResult answer, int* calls) {
  std::vector<std::unique_ptr<Authenticator>> authenticators;
  authenticators.push_back(std::make_unique<FixedAuthenticator>(std::move(answer), calls));
  return authenticators;
}

TEST(Union, GivesTheAnonymousUserTheUnauthenticatedGroupOnly) {
  UnionAuthenticator authenticator({}, /*anonymous_enabled=*/true);
  AuthnResult result = authenticator.Authenticate(AuthRequest{});
  EXPECT_EQ(result.user.name, "system:anonymous");
  EXPECT_EQ(result.user.uid, "");
  EXPECT_THAT(result.user.groups, ElementsAre("system:unauthenticated"));
}

TEST(Union, AddsTheAuthenticatedGroupToAnAuthenticatedUser) {
  int calls = 0;
  UnionAuthenticator authenticator(One(Authenticated("alice", {"system:masters", "devs"}), &calls),
                                   false);
  AuthnResult result = authenticator.Authenticate(AuthRequest{});
  EXPECT_EQ(result.user.uid, "uid-alice");
  EXPECT_THAT(result.user.groups, ElementsAre("system:masters", "devs", "system:authenticated"));
}

TEST(Union, DoesNotAddTheAuthenticatedGroupTwice) {
  int calls = 0;
  UnionAuthenticator authenticator(
      One(Authenticated("alice", {"system:authenticated", "devs"}), &calls), false);
  EXPECT_THAT(authenticator.Authenticate(AuthRequest{}).user.groups,
              ElementsAre("system:authenticated", "devs"));
}

TEST(Union, DoesNotAddTheAuthenticatedGroupToAnUnauthenticatedOrAnonymousUser) {
  int calls = 0;
  UnionAuthenticator unauthenticated(One(Authenticated("bob", {"system:unauthenticated"}), &calls),
                                     false);
  EXPECT_THAT(unauthenticated.Authenticate(AuthRequest{}).user.groups,
              ElementsAre("system:unauthenticated"));
  UnionAuthenticator anonymous(One(Authenticated("system:anonymous"), &calls), false);
  EXPECT_THAT(anonymous.Authenticate(AuthRequest{}).user.groups, ::testing::IsEmpty());
}

}  // namespace
}  // namespace endpoint
