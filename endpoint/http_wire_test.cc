#include "endpoint/http_wire.h"

#include "gtest/gtest.h"

namespace endpoint {
namespace {

TEST(ParseQuery, KeepsOrderAndDecodes) {
  auto q = ParseQuery("timeout=5&x=a%20b+c&timeout=30s");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], std::make_pair(std::string("timeout"), std::string("5")));
  EXPECT_EQ(q[1].second, "a b c");
  EXPECT_EQ(q[2].second, "30s");
}

TEST(ParseQuery, DropsPairsWithASemicolonAsGoDoes) {
  auto q = ParseQuery("timeout=5;x=1&a=1&b=%3B&timeout=7;&c");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], std::make_pair(std::string("a"), std::string("1")));
  EXPECT_EQ(q[1], std::make_pair(std::string("b"), std::string(";")));
  EXPECT_EQ(q[2], std::make_pair(std::string("c"), std::string()));
}

TEST(PercentDecode, KeepsPlusInPathsAndRefusesBadEscapes) {
  std::string out;
  EXPECT_TRUE(PercentDecode("/a+b%2Fc", false, &out));
  EXPECT_EQ(out, "/a+b/c");
  EXPECT_FALSE(PercentDecode("/%zz", false, &out));
  EXPECT_FALSE(PercentDecode("/%4", false, &out));
}

TEST(FormatResponse, WritesStatusHeadersAndBody) {
  HttpAnswer a;
  a.status = 405;
  a.body = "405: Method Not Allowed";
  a.headers.push_back({"Allow", "POST"});
  std::string r = FormatResponse(a, /*close=*/false, 1728962280);
  // go-restful's error writer sets no Content-Type (Go sniffs text/plain) and
  // no X-Content-Type-Options.
  EXPECT_EQ(r,
            "HTTP/1.1 405 Method Not Allowed\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Date: Tue, 15 Oct 2024 03:18:00 GMT\r\n"
            "Allow: POST\r\n"
            "Content-Length: 23\r\n\r\n"
            "405: Method Not Allowed");
}

TEST(FormatResponse, NosniffOnlyWhenAsked) {
  HttpAnswer a;
  a.status = 404;
  a.body = "404 page not found\n";
  a.nosniff = true;  // as Go's http.NotFound
  EXPECT_EQ(FormatResponse(a, /*close=*/false, 1728962280),
            "HTTP/1.1 404 Not Found\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            "Date: Tue, 15 Oct 2024 03:18:00 GMT\r\n"
            "Content-Length: 19\r\n\r\n"
            "404 page not found\n");
}

TEST(FormatResponse, NoContentTypeForAnEmptyRedirect) {
  HttpAnswer a;
  a.status = 301;
  a.content_type.clear();
  a.headers.push_back({"Location", "/checkpoint/"});
  EXPECT_EQ(FormatResponse(a, /*close=*/true, 1728962280),
            "HTTP/1.1 301 Moved Permanently\r\n"
            "Date: Tue, 15 Oct 2024 03:18:00 GMT\r\n"
            "Location: /checkpoint/\r\n"
            "Content-Length: 0\r\n"
            "Connection: close\r\n\r\n");
}

TEST(FormatResponse, HeadGetsTheHeadersWithoutTheBody) {
  HttpAnswer a;
  a.status = 200;
  a.body = "ok";
  // Go: Content-Length from what the handler wrote, no body bytes.
  EXPECT_EQ(FormatResponse(a, /*close=*/false, 1728962280, /*head=*/true),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Date: Tue, 15 Oct 2024 03:18:00 GMT\r\n"
            "Content-Length: 2\r\n\r\n");
  a.body.clear();
  a.status = 301;
  EXPECT_EQ(FormatResponse(a, /*close=*/false, 1728962280, /*head=*/true),
            "HTTP/1.1 301 Moved Permanently\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Date: Tue, 15 Oct 2024 03:18:00 GMT\r\n\r\n");
}

}  // namespace
}  // namespace endpoint
