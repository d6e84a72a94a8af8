// The streaming server's pieces: tokens, WebSocket frames, remote-command statuses.
#include <set>
#include <string>

#include "fake-cri/streaming/go_http.h"
#include "fake-cri/streaming/remote_status.h"
#include "fake-cri/streaming/request_cache.h"
#include "fake-cri/streaming/websocket_frames.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_cri_clock.h"

namespace fakecri {

using FakeClock = ::kit::testing::FakeCriClock;
namespace {

using ::testing::MatchesRegex;

TEST(RequestCache, TokensAreEightUrlSafeCharactersGoodOnce) {
  FakeClock clock;
  RequestCache cache(&clock);
  auto token = cache.Insert(ExecStreamRequest{"c", {"true"}});
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_THAT(*token, MatchesRegex("[A-Za-z0-9_-]{8}"));
  auto got = cache.Consume(*token);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(std::get<ExecStreamRequest>(*got).container_id, "c");
  EXPECT_FALSE(cache.Consume(*token).has_value());
  EXPECT_FALSE(cache.Consume("unknown1").has_value());
}

TEST(RequestCache, TokensExpireAfterAMinute) {
  FakeClock clock;
  RequestCache cache(&clock);
  auto fresh = cache.Insert(AttachStreamRequest{"c"});
  auto stale = cache.Insert(AttachStreamRequest{"c"});
  clock.Advance(std::chrono::seconds(60));
  EXPECT_TRUE(cache.Consume(*fresh).has_value());  // at exactly its TTL: still good
  clock.Advance(std::chrono::milliseconds(1));
  EXPECT_FALSE(cache.Consume(*stale).has_value());
}

TEST(RequestCache, AtMostAThousandInFlight) {
  FakeClock clock;
  RequestCache cache(&clock);
  std::set<std::string> tokens;
  for (size_t i = 0; i < RequestCache::kMaxInFlight; ++i) {
    auto t = cache.Insert(PortForwardStreamRequest{"s"});
    ASSERT_TRUE(t.ok());
    tokens.insert(*t);
  }
  EXPECT_EQ(tokens.size(), RequestCache::kMaxInFlight);
  auto over = cache.Insert(PortForwardStreamRequest{"s"});
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(over.status().message(), "maximum number of in-flight requests exceeded");
  clock.Advance(std::chrono::seconds(61));  // expired ones make room
  EXPECT_TRUE(cache.Insert(PortForwardStreamRequest{"s"}).ok());
}

std::string Masked(uint8_t first, const std::string& payload) {
  std::string out(1, static_cast<char>(first));
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  if (payload.size() < 126) {
    out += static_cast<char>(0x80 | payload.size());
  } else {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(payload.size() >> 8);
    out += static_cast<char>(payload.size() & 0xff);
  }
  out.append(mask, 4);
  for (size_t i = 0; i < payload.size(); ++i) out += payload[i] ^ mask[i % 4];
  return out;
}

TEST(WebSocketFrames, ServerFramesUseTheShortestLength) {
  EXPECT_EQ(EncodeWsFrame(WsOpcode::kBinary, "ab"), std::string("\x82\x02"
                                                                "ab",
                                                                4));
  std::string mid = EncodeWsFrame(WsOpcode::kText, std::string(126, 'x'));
  EXPECT_EQ(mid.substr(0, 4), std::string("\x81\x7e\x00\x7e", 4));
  std::string big = EncodeWsFrame(WsOpcode::kBinary, std::string(70000, 'x'));
  EXPECT_EQ(big.substr(0, 10), std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10));
  EXPECT_EQ(EncodeWsFrame(WsOpcode::kClose, std::string("\x03\xe8", 2)),
            std::string("\x88\x02\x03\xe8", 4));
}

TEST(WebSocketFrames, TheAcceptKeyIsRfc6455s) {
  // RFC 6455 section 1.3's example.
  EXPECT_EQ(WebSocketAccept("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(Base64("hi\r\n"), "aGkNCg==");
}

TEST(WebSocketFrames, TheReaderUnmasksAndReassembles) {
  WsReader r;
  std::string bytes = Masked(0x02, std::string("\x00", 1) + "one") +  // a first fragment
                      Masked(0x89, "ping") +                          // a control frame between
                      Masked(0x80, " two") + Masked(0x81, std::string(300, 'z'));
  // Fed a byte at a time: nothing comes out before a message is whole.
  std::vector<WsMessage> got;
  for (char c : bytes) {
    r.Feed(&c, 1);
    for (;;) {
      auto m = r.Next();
      ASSERT_TRUE(m.ok()) << m.status();
      if (!*m) break;
      got.push_back(**m);
    }
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].opcode, WsOpcode::kPing);
  EXPECT_EQ(got[1].opcode, WsOpcode::kBinary);
  EXPECT_EQ(got[1].payload, std::string("\x00", 1) + "one two");
  EXPECT_EQ(got[2].payload, std::string(300, 'z'));
}

TEST(WebSocketFrames, TheReaderRefusesWhatRfc6455Forbids) {
  {
    WsReader r;
    std::string unmasked = EncodeWsFrame(WsOpcode::kBinary, "x");
    r.Feed(unmasked.data(), unmasked.size());
    EXPECT_FALSE(r.Next().ok());
  }
  {
    WsReader r(16);
    std::string big = Masked(0x82, std::string(17, 'x'));
    r.Feed(big.data(), big.size());
    EXPECT_EQ(r.Next().status().code(), absl::StatusCode::kResourceExhausted);
  }
  {
    WsReader r;
    std::string stray = Masked(0x80, "x");
    r.Feed(stray.data(), stray.size());
    EXPECT_FALSE(r.Next().ok());
  }
}

TEST(RemoteStatus, V4JsonIsWhatContainerdSends) {
  // Measured on containerd 1.6.20 (ci/containerd/cri-diff).
  EXPECT_EQ(RemoteStatus::Ok().V4Json(), R"({"metadata":{},"status":"Success"})");
  EXPECT_EQ(
      RemoteStatus::NonZeroExit({"sh", "-c", "echo hi; echo err >&2; exit 3"}, 3).V4Json(),
      R"({"metadata":{},"status":"Failure","message":"command terminated with non-zero )"
      R"(exit code: error executing command [sh -c echo hi; echo err \u003e\u00262; exit 3], )"
      R"(exit code 3","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode",)"
      R"("message":"3"}]}})");
  EXPECT_EQ(RemoteStatus::Internal("error attaching to container: container is in "
                                   "CONTAINER_EXITED state")
                .V4Json(),
            R"({"metadata":{},"status":"Failure","message":"Internal error occurred: error )"
            R"(attaching to container: container is in CONTAINER_EXITED state","reason":)"
            R"("InternalError","details":{"causes":[{"message":"error attaching to container: )"
            R"(container is in CONTAINER_EXITED state"}]},"code":500})");
}

TEST(RemoteStatus, V1IsTheMessageAloneAndNothingOnSuccess) {
  EXPECT_EQ(RemoteStatus::Ok().V1Text(), "");
  EXPECT_EQ(RemoteStatus::NonZeroExit({"sh", "-c", "exit 2"}, 2).V1Text(),
            "command terminated with non-zero exit code: error executing command [sh -c exit 2], "
            "exit code 2");
}

TEST(RemoteStatus, JsonStringsEscapeAsGosEncoder) {
  EXPECT_EQ(GoJsonString("a\"b\\c\n\t<&>\x01"), R"("a\"b\\c\n\t\u003c\u0026\u003e\u0001")");
  EXPECT_EQ(GoJsonString("\xe2\x80\xa8"), R"("\u2028")");
  EXPECT_EQ(GoJsonString("héllo"), "\"héllo\"");
}

TEST(GoHttp, HeadersAndQueriesAsGoReadsThem) {
  HttpHeaders h = {{"Host", "127.0.0.1"},
                   {"x-stream-protocol-version", "v4.channel.k8s.io, channel.k8s.io"},
                   {"X-Stream-Protocol-Version", "v2.channel.k8s.io"},
                   {"user-agent", "curl/7.88.1"}};
  EXPECT_THAT(HeaderValues(h, "X-Stream-Protocol-Version"),
              ::testing::ElementsAre("v4.channel.k8s.io", "channel.k8s.io", "v2.channel.k8s.io"));
  EXPECT_EQ(CanonicalHeader("sec-websocket-KEY"), "Sec-Websocket-Key");
  EXPECT_EQ(GoHeaderDump(h),
            "http.Header{\"User-Agent\":[]string{\"curl/7.88.1\"}, "
            "\"X-Stream-Protocol-Version\":[]string{\"v4.channel.k8s.io, channel.k8s.io\", "
            "\"v2.channel.k8s.io\"}}");
  EXPECT_THAT(QueryValues("port=80&x=1&port=8080%2C9090&port", "port"),
              ::testing::ElementsAre("80", "8080,9090", ""));
}

TEST(GoHttp, ErrorsAreWhatNetHttpWrites) {
  const std::string e = GoHttpError(404, "Not Found", "404 page not found\n");
  EXPECT_THAT(e, ::testing::StartsWith("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; "
                                       "charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"));
  EXPECT_THAT(e, ::testing::HasSubstr("\r\nContent-Length: 19\r\n\r\n404 page not found\n"));
  EXPECT_THAT(RestfulNotFound(), ::testing::EndsWith("\r\n\r\n404: Page Not Found"));
}

}  // namespace
}  // namespace fakecri
