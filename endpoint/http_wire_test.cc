#include "endpoint/http_wire.h"

#include "gtest/gtest.h"

namespace endpoint {
namespace {

TEST(ParseRequestHead, PostWithoutContentLengthHasNoBody) {
  // What `curl -X POST URL` sends.
  auto h = ParseRequestHead(
      "POST /checkpoint/default/web/nginx HTTP/1.1\r\nHost: localhost:10250\r\n"
      "User-Agent: curl/7.88.1\r\nAccept: */*");
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(h->method, "POST");
  EXPECT_EQ(h->path, "/checkpoint/default/web/nginx");
  EXPECT_EQ(h->content_length, 0);
  EXPECT_FALSE(h->chunked);
  EXPECT_TRUE(h->keep_alive);
  EXPECT_EQ(h->headers.at("user-agent"), "curl/7.88.1");
}

TEST(ParseRequestHead, QueryKeepsOrderAndDecodes) {
  auto h = ParseRequestHead("POST /checkpoint/a/b/c?timeout=5&x=a%20b&timeout=30s HTTP/1.1\r\n");
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->query.size(), 3u);
  EXPECT_EQ(h->query[0], std::make_pair(std::string("timeout"), std::string("5")));
  EXPECT_EQ(h->query[1].second, "a b");
  EXPECT_EQ(h->query[2].second, "30s");
}

TEST(ParseQuery, DropsPairsWithASemicolonAsGoDoes) {
  auto q = ParseQuery("timeout=5;x=1&a=1&b=%3B&timeout=7;&c");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], std::make_pair(std::string("a"), std::string("1")));
  EXPECT_EQ(q[1], std::make_pair(std::string("b"), std::string(";")));
  EXPECT_EQ(q[2], std::make_pair(std::string("c"), std::string()));
}

TEST(ParseRequestHead, PathIsPercentDecoded) {
  auto h = ParseRequestHead("POST /checkpoint/default/we%62/c HTTP/1.1\r\n");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->path, "/checkpoint/default/web/c");
}

TEST(ParseRequestHead, ConnectionSemanticsFollowTheVersion) {
  EXPECT_FALSE(ParseRequestHead("GET / HTTP/1.1\r\nConnection: close\r\n")->keep_alive);
  EXPECT_FALSE(ParseRequestHead("GET / HTTP/1.0\r\n")->keep_alive);
  EXPECT_TRUE(ParseRequestHead("GET / HTTP/1.0\r\nConnection: keep-alive\r\n")->keep_alive);
}

TEST(ParseRequestHead, RejectsMalformedHeads) {
  for (const char* bad : {"", "GET /", "GET / HTTP/2.0", "GET x HTTP/1.1", "GET /%zz HTTP/1.1",
                          "GET / HTTP/1.1\r\nno colon", "GET / HTTP/1.1\r\nContent-Length: -1",
                          "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2"}) {
    auto h = ParseRequestHead(bad);
    EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseRequestHead("POST / HTTP/1.1\r\nTransfer-Encoding: gzip").status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(ParseRequestHead("POST / HTTP/1.1\r\nTransfer-Encoding: chunked")->chunked);
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

}  // namespace
}  // namespace endpoint
