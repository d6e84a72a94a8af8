#include "endpoint/auth/bearer_token.h"

#include "gtest/gtest.h"

namespace endpoint {
namespace {

std::optional<std::string> TokenFrom(const std::string& authorization) {
  return BearerToken({{"authorization", authorization}});
}

TEST(BearerToken, IsAbsentWithoutAnAuthorizationHeader) {
  EXPECT_EQ(BearerToken({}), std::nullopt);
  EXPECT_EQ(BearerToken({{"x-authorization", "Bearer abc"}}), std::nullopt);
}

TEST(BearerToken, IsTheSecondWordAfterBearer) {
  EXPECT_EQ(TokenFrom("Bearer abc.def-ghi"), "abc.def-ghi");
}

TEST(BearerToken, AcceptsTheSchemeInAnyCase) {
  EXPECT_EQ(TokenFrom("bearer abc"), "abc");
  EXPECT_EQ(TokenFrom("BEARER abc"), "abc");
  EXPECT_EQ(TokenFrom("bEaReR abc"), "abc");
}

TEST(BearerToken, TrimsSurroundingWhitespace) { EXPECT_EQ(TokenFrom("  Bearer abc \t"), "abc"); }

TEST(BearerToken, IgnoresWordsAfterTheToken) { EXPECT_EQ(TokenFrom("Bearer abc def"), "abc"); }

TEST(BearerToken, IsAbsentForOtherSchemes) {
  EXPECT_EQ(TokenFrom("Basic YWxpY2U6cHc="), std::nullopt);
  EXPECT_EQ(TokenFrom("Bearerabc"), std::nullopt);
  EXPECT_EQ(TokenFrom("Bearer"), std::nullopt);
  EXPECT_EQ(TokenFrom("abc"), std::nullopt);
}

TEST(BearerToken, IsAbsentWhenEmpty) {
  EXPECT_EQ(TokenFrom(""), std::nullopt);
  EXPECT_EQ(TokenFrom("   "), std::nullopt);
  EXPECT_EQ(TokenFrom("Bearer  abc"), std::nullopt);  // split on single spaces
  EXPECT_EQ(TokenFrom("Bearer\tabc"), std::nullopt);  // a tab does not separate
}

}  // namespace
}  // namespace endpoint
