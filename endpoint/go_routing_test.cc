#include "endpoint/go_routing.h"

#include "gtest/gtest.h"

namespace endpoint {
namespace {

TEST(GoCleanPath, MatchesNetHttpCleanPath) {
  const std::pair<const char*, const char*> rows[] = {
      {"", "/"},
      {"/", "/"},
      {"/checkpoint", "/checkpoint"},
      {"/checkpoint/", "/checkpoint/"},
      {"/checkpoint/ns//c", "/checkpoint/ns/c"},
      {"/checkpoint/ns/pod/c/", "/checkpoint/ns/pod/c/"},
      {"/checkpoint/ns/pod/c//", "/checkpoint/ns/pod/c/"},
      {"/checkpoint/./ns/pod/c", "/checkpoint/ns/pod/c"},
      {"/checkpoint/ns/pod/c/.", "/checkpoint/ns/pod/c"},
      {"/checkpoint/ns/pod/c/..", "/checkpoint/ns/pod"},
      {"/checkpoint/ns/pod/c/../", "/checkpoint/ns/pod/"},
      {"/../../checkpoint", "/checkpoint"},
      {"//metrics", "/metrics"},
      {"metrics", "/metrics"},
      {"/a/.../b", "/a/.../b"},
  };
  for (const auto& [in, want] : rows) EXPECT_EQ(GoCleanPath(in), want) << in;
}

TEST(GoEscapePath, EscapesAsUrlStringDoes) {
  EXPECT_EQ(GoEscapePath("/checkpoint/ns/p-1_x.y~/c"), "/checkpoint/ns/p-1_x.y~/c");
  EXPECT_EQ(GoEscapePath("/a b/c?d#e%f"), "/a%20b/c%3Fd%23e%25f");
  EXPECT_EQ(GoEscapePath("/$&+,:;=@"), "/$&+,:;=@");
  EXPECT_EQ(GoEscapePath("/\xc3\xa9\"<>"), "/%C3%A9%22%3C%3E");
}

TEST(MatchServeMux, ExactAndSubtreePatterns) {
  const std::vector<std::string> patterns = {"/checkpoint/", "/healthz", "/metrics"};
  MuxDecision d = MatchServeMux(patterns, "/checkpoint/a/b/c", "");
  EXPECT_EQ(d.kind, MuxDecision::Kind::kHandler);
  EXPECT_EQ(d.pattern, "/checkpoint/");
  EXPECT_EQ(MatchServeMux(patterns, "/metrics", "").pattern, "/metrics");
  EXPECT_EQ(MatchServeMux(patterns, "/metrics/", "").kind, MuxDecision::Kind::kNotFound);
  EXPECT_EQ(MatchServeMux(patterns, "/metrics/cadvisor", "").kind, MuxDecision::Kind::kNotFound);
  EXPECT_EQ(MatchServeMux(patterns, "/checkpointpod/a/b", "").kind, MuxDecision::Kind::kNotFound);
  EXPECT_EQ(MatchServeMux(patterns, "/", "").kind, MuxDecision::Kind::kNotFound);
}

TEST(MatchServeMux, RedirectsToTheSubtreeOnlyWhenTheBarePathIsUnregistered) {
  MuxDecision d = MatchServeMux({"/checkpoint/"}, "/checkpoint", "timeout=1;x");
  EXPECT_EQ(d.kind, MuxDecision::Kind::kRedirect);
  EXPECT_EQ(d.location, "/checkpoint/?timeout=1;x");  // the raw query, as sent
  d = MatchServeMux({"/checkpoint", "/checkpoint/"}, "/checkpoint", "");
  EXPECT_EQ(d.kind, MuxDecision::Kind::kHandler);
  EXPECT_EQ(d.pattern, "/checkpoint");
}

TEST(MatchServeMux, RedirectsUncleanPathsEvenWhenNothingMatches) {
  MuxDecision d = MatchServeMux({"/metrics"}, "/nothing//here", "");
  EXPECT_EQ(d.kind, MuxDecision::Kind::kRedirect);
  EXPECT_EQ(d.location, "/nothing/here");
  d = MatchServeMux({"/checkpoint/"}, "/checkpoint/../checkpoint", "a=1");
  EXPECT_EQ(d.location, "/checkpoint/?a=1");  // cleaned, then "/tree" -> "/tree/"
  d = MatchServeMux({"/checkpoint/"}, "/checkpoint/a b//c", "");
  EXPECT_EQ(d.location, "/checkpoint/a%20b/c");
}

TEST(GoNotFound, IsHttpNotFound) {
  HttpAnswer a = GoNotFound();
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body, "404 page not found\n");
  EXPECT_EQ(a.content_type, "text/plain; charset=utf-8");
  EXPECT_TRUE(a.nosniff);
}

TEST(GoRedirect, BodyAndTypeDependOnTheMethod) {
  HttpAnswer post = GoRedirect("POST", "/checkpoint/");
  EXPECT_EQ(post.status, 301);
  EXPECT_EQ(post.content_type, "");
  EXPECT_EQ(post.body, "");
  EXPECT_EQ(post.headers,
            (std::vector<std::pair<std::string, std::string>>{{"Location", "/checkpoint/"}}));
  HttpAnswer head = GoRedirect("HEAD", "/checkpoint/");
  EXPECT_EQ(head.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(head.body, "");
  HttpAnswer get = GoRedirect("GET", "/a/?x=1&y='2'");
  EXPECT_EQ(get.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(get.body, "<a href=\"/a/?x=1&amp;y=&#39;2&#39;\">Moved Permanently</a>.\n\n");
}

TEST(RestfulAcceptsJson, MatchesAsGoRestfulDoes) {
  for (const char* ok :
       {"", "*/*", "application/json", "application/json;q=0.5", "text/plain, application/json",
        "text/html,*/*;q=0.1", "  application/json  ; charset=utf-8"}) {
    EXPECT_TRUE(RestfulAcceptsJson(ok)) << ok;
  }
  for (const char* bad : {"text/plain", "application/*", "Application/JSON", "application/json-seq",
                          "text/*;q=1", "\tapplication/json"}) {
    EXPECT_FALSE(RestfulAcceptsJson(bad)) << bad;
  }
}

}  // namespace
}  // namespace endpoint
