// Every kubelet version x every behaviour that differs between versions, as
// exact bytes through the router (status, body, the headers that matter),
// against expectations written out here rather than read from the table.
#include "endpoint/kubelet_profile.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "endpoint/config.h"
#include "endpoint/metrics.h"
#include "endpoint/router.h"
#include "endpoint/testing/mocks.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::kit::testing::FakeClock;

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;

// What each version must answer (the sources are cited in kubelet_profile.cc).
struct Row {
  std::string version;
  std::string forbidden;    // 403 for alice's POST /checkpoint/default/web/nginx
  std::string authz_error;  // 500 when the authorizer fails on it
  bool gate_default;
  bool needs_debugging_handlers;
  bool post_checkpoint_redirects;  // POST /checkpoint: 301 before auth (else 404 after)
  int zero_length_bad_accept;      // Accept: text/plain with Content-Length: 0
  std::string git_version;
};

std::string Forbidden125(const char* sub) {
  return std::string("Forbidden (user=alice, verb=create, resource=nodes, subresource=") + sub +
         ")";
}
std::string AuthzError(const char* sub) {
  return std::string("Authorization error (user=alice, verb=create, resource=nodes, subresource=") +
         sub + ")";
}
const char kForbidden132[] =
    "Forbidden (user=alice, verb=create, resource=nodes, subresource(s)=[checkpoint])\n";

const Row kRows[] = {
    {"1.25", Forbidden125("proxy"), AuthzError("proxy"), false, false, false, 406, "v1.25.0"},
    {"1.26", Forbidden125("proxy"), AuthzError("proxy"), false, false, false, 406, "v1.26.0"},
    {"1.27", Forbidden125("proxy"), AuthzError("proxy"), false, false, false, 406, "v1.27.0"},
    {"1.28", Forbidden125("proxy"), AuthzError("proxy"), false, false, false, 406, "v1.28.0"},
    {"1.29", Forbidden125("proxy"), AuthzError("proxy"), false, false, false, 406, "v1.29.0"},
    {"1.30", Forbidden125("checkpoint"), AuthzError("checkpoint"), true, false, true, 406,
     "v1.30.0"},
    {"1.31", Forbidden125("checkpoint"), AuthzError("checkpoint"), true, false, true, 406,
     "v1.31.0"},
    {"1.32", kForbidden132, AuthzError("checkpoint"), true, false, true, 406, "v1.32.0"},
    {"1.33", kForbidden132, AuthzError("checkpoint"), true, true, true, 406, "v1.33.0"},
    {"1.34", kForbidden132, AuthzError("checkpoint"), true, true, true, 415, "v1.34.0"},
    {"1.35", kForbidden132, AuthzError("checkpoint"), true, true, true, 415, "v1.35.0"},
    {"1.36", kForbidden132, AuthzError("checkpoint"), true, true, true, 415, "v1.36.0"},
};

// Authenticates alice when an Authorization header is present, else no one;
// decides as told. Counts calls (an answer before authentication leaves 0).
class FakeAuth : public Authenticator, public Authorizer {
 public:
  AuthnResult Authenticate(const AuthRequest& r) override {
    ++authentications;
    AuthnResult out;
    if (r.headers.count("authorization")) {
      out.kind = AuthnResult::Kind::kAuthenticated;
      out.user.name = "alice";
    }
    return out;
  }
  AuthzDecision Authorize(const Attributes& a) override {
    last = a;
    AuthzDecision d;
    d.kind = decision;
    return d;
  }
  int authentications = 0;
  AuthzDecision::Kind decision = AuthzDecision::Kind::kAllow;
  Attributes last;
};

class KubeletVersionTest : public ::testing::TestWithParam<Row> {
 protected:
  void SetUp() override {
    auto p = FindKubeletProfile(GetParam().version);
    ASSERT_TRUE(p.ok()) << p.status();
    profile_ = *p;
    // Reaching the handler shows as its 404 for an unknown pod.
    ON_CALL(runtime_, FindPod(_, _)).WillByDefault(Return(std::optional<PodRef>()));
  }

  // A router as Endpoint::Start builds it from flags: the gate from
  // --feature-gates or the version's default.
  std::unique_ptr<Router> Make(std::optional<bool> gate = std::nullopt,
                               bool debugging_handlers = true) {
    Config c;
    c.checkpoint_gate = gate;
    RouterOptions o;
    o.profile = profile_;
    o.checkpoint_gate = c.CheckpointGate(*profile_);
    o.enable_debugging_handlers = debugging_handlers;
    o.node_name = "node-1";
    return std::make_unique<Router>(o, &auth_, &auth_, &handler_, &metrics_);
  }

  static HttpRequest Post(const std::string& path, bool credentials = true) {
    HttpRequest r;
    r.method = "POST";
    r.path = path;
    if (credentials) r.headers["authorization"] = "Bearer t";
    return r;
  }

  const KubeletProfile* profile_ = nullptr;
  kit::testing::TempDir dir_;
  FakeClock clock_{WallTime(std::chrono::seconds(1728962280))};
  ArchiveNamer namer_{dir_.path(), &clock_, /*unique=*/false};
  NiceMock<MockRuntimeClient> runtime_;
  CheckpointHandler handler_{&runtime_, &namer_, CheckpointHandlerOptions()};
  FakeAuth auth_;
  Metrics metrics_;
};

const char kCheckpointPath[] = "/checkpoint/default/web/nginx";

void ExpectGoNotFound(const HttpAnswer& a) {
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(a.body, "404 page not found\n");
  EXPECT_EQ(a.content_type, "text/plain; charset=utf-8");
  EXPECT_TRUE(a.nosniff);
  EXPECT_TRUE(a.headers.empty());
}

void ExpectRestfulText(const HttpAnswer& a, int status, const std::string& body) {
  EXPECT_EQ(a.status, status);
  EXPECT_EQ(a.body, body);
  EXPECT_EQ(a.content_type, "text/plain; charset=utf-8");
  EXPECT_FALSE(a.nosniff);
}

TEST_P(KubeletVersionTest, DeniedIs403InTheVersionsWords) {
  auto router = Make(true);
  auth_.decision = AuthzDecision::Kind::kDeny;
  RoutedAnswer a = router->Serve(Post(kCheckpointPath));
  ExpectRestfulText(a.answer, 403, GetParam().forbidden);
  EXPECT_TRUE(a.answer.headers.empty());
  EXPECT_EQ(auth_.last.subresource, GetParam().version < "1.30" ? "proxy" : "checkpoint");
  EXPECT_EQ(auth_.last.verb, "create");
  EXPECT_EQ(auth_.last.resource, "nodes");
  EXPECT_EQ(auth_.last.name, "node-1");
}

TEST_P(KubeletVersionTest, AuthorizerFailureIs500InTheVersionsWords) {
  auto router = Make(true);
  auth_.decision = AuthzDecision::Kind::kError;
  ExpectRestfulText(router->Serve(Post(kCheckpointPath)).answer, 500, GetParam().authz_error);
}

TEST_P(KubeletVersionTest, GateDefaultDecidesWhetherTheRouteExists) {
  auto router = Make(/*gate=*/std::nullopt);
  RoutedAnswer a = router->Serve(Post(kCheckpointPath, /*credentials=*/false));
  if (GetParam().gate_default) {
    ExpectRestfulText(a.answer, 401, "Unauthorized");
    EXPECT_EQ(auth_.authentications, 1);
  } else {
    ExpectGoNotFound(a.answer);
    EXPECT_EQ(auth_.authentications, 0);  // before authentication
  }
}

TEST_P(KubeletVersionTest, GateOffIsGoNotFoundBeforeAuthAndOnServesInEveryVersion) {
  ExpectGoNotFound(Make(false)->Serve(Post(kCheckpointPath)).answer);
  EXPECT_EQ(auth_.authentications, 0);
  RoutedAnswer on = Make(true)->Serve(Post(kCheckpointPath));
  ExpectRestfulText(on.answer, 404, "pod does not exist");  // the handler ran
}

TEST_P(KubeletVersionTest, DebuggingHandlersOffRemovesTheRouteFrom133) {
  auto router = Make(true, /*debugging_handlers=*/false);
  RoutedAnswer a = router->Serve(Post(kCheckpointPath));
  if (GetParam().needs_debugging_handlers) {
    ExpectGoNotFound(a.answer);
    EXPECT_EQ(auth_.authentications, 0);
  } else {
    ExpectRestfulText(a.answer, 404, "pod does not exist");
  }
}

TEST_P(KubeletVersionTest, PostToTheBareRoot) {
  auto router = Make(true);
  HttpRequest r = Post("/checkpoint");
  r.raw_query = "timeout=5";
  RoutedAnswer a = router->Serve(r);
  if (GetParam().post_checkpoint_redirects) {
    // Go's ServeMux: only "/checkpoint/" is registered.
    EXPECT_EQ(a.answer.status, 301);
    EXPECT_EQ(a.answer.body, "");
    EXPECT_EQ(a.answer.content_type, "");  // none for a POST
    EXPECT_FALSE(a.answer.nosniff);
    EXPECT_EQ(
        a.answer.headers,
        (std::vector<std::pair<std::string, std::string>>{{"Location", "/checkpoint/?timeout=5"}}));
    EXPECT_EQ(auth_.authentications, 0);
    // A GET gets Go's little HTML body.
    HttpRequest get = r;
    get.method = "GET";
    RoutedAnswer g = router->Serve(get);
    EXPECT_EQ(g.answer.status, 301);
    EXPECT_EQ(g.answer.content_type, "text/html; charset=utf-8");
    EXPECT_EQ(g.answer.body, "<a href=\"/checkpoint/?timeout=5\">Moved Permanently</a>.\n\n");
  } else {
    // go-restful registered "/checkpoint" too: auth, then no route matches.
    ExpectRestfulText(a.answer, 404, "404: Page Not Found");
    EXPECT_TRUE(a.answer.headers.empty());
    EXPECT_EQ(auth_.authentications, 1);
  }
  // "/checkpoint/" itself reaches auth in every version, then 404.
  ExpectRestfulText(router->Serve(Post("/checkpoint/")).answer, 404, "404: Page Not Found");
}

TEST_P(KubeletVersionTest, AcceptWithoutJsonIs415Or406ByContentLength) {
  auto router = Make(true);
  const std::string k415 =
      "415: Unsupported Media Type\n\nAvailable representations: application/json";
  const std::string k406 = "406: Not Acceptable\n\nAvailable representations: application/json";
  HttpRequest r = Post(kCheckpointPath);
  r.headers["accept"] = "text/plain";
  ExpectRestfulText(router->Serve(r).answer, 415, k415);  // no Content-Length
  r.headers["content-length"] = "0";
  ExpectRestfulText(router->Serve(r).answer, GetParam().zero_length_bad_accept,
                    GetParam().zero_length_bad_accept == 415 ? k415 : k406);
  r.headers["content-length"] = "5";
  ExpectRestfulText(router->Serve(r).answer, 406, k406);
  r.headers["accept"] = "application/*";  // not enough
  ExpectRestfulText(router->Serve(r).answer, 406, k406);
  // A chunked request has no Content-Length for Go.
  r.headers["transfer-encoding"] = "chunked";
  ExpectRestfulText(router->Serve(r).answer, 415, k415);
  for (const char* ok : {"application/json;q=0.9", "text/html, */*", ""}) {
    r.headers["accept"] = ok;
    ExpectRestfulText(router->Serve(r).answer, 404, "pod does not exist");
  }
  // The method is checked first.
  r.method = "GET";
  r.headers["accept"] = "text/plain";
  ExpectRestfulText(router->Serve(r).answer, 405, "405: Method Not Allowed");
}

TEST_P(KubeletVersionTest, SameInEveryVersion) {
  auto router = Make(true);
  // Unclean paths: the ServeMux redirects, query kept, before auth.
  HttpRequest r = Post("/checkpoint/default//nginx");
  r.raw_query = "timeout=5";
  RoutedAnswer a = router->Serve(r);
  EXPECT_EQ(a.answer.status, 301);
  EXPECT_EQ(a.answer.headers, (std::vector<std::pair<std::string, std::string>>{
                                  {"Location", "/checkpoint/default/nginx?timeout=5"}}));
  EXPECT_EQ(auth_.authentications, 0);
  // A trailing slash still checkpoints.
  ExpectRestfulText(router->Serve(Post("/checkpoint/default/web/nginx/")).answer, 404,
                    "pod does not exist");
  // Wrong number of segments: after auth.
  ExpectRestfulText(router->Serve(Post("/checkpoint/default/web")).answer, 404,
                    "404: Page Not Found");
}

TEST_P(KubeletVersionTest, BuildInfoNamesTheVersion) {
  metrics_.SetBuildInfo(profile_->build);
  const std::string minor = GetParam().version.substr(2);
  EXPECT_THAT(metrics_.Render(), HasSubstr("\",git_tree_state=\"clean\",git_version=\"" +
                                           GetParam().git_version + "\",go_version=\"go"));
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("\",major=\"1\",minor=\"" + minor + "\",platform=\"linux/amd64\"} 1\n"));
}

INSTANTIATE_TEST_SUITE_P(AllVersions, KubeletVersionTest, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<Row>& info) {
                           std::string name = "v" + info.param.version;
                           name[2] = '_';
                           return name;
                         });

TEST(KubeletProfiles, OneEntryPerMinorFrom125To136) {
  std::vector<std::string> versions;
  for (const KubeletProfile& p : KubeletProfiles()) versions.emplace_back(p.version);
  EXPECT_EQ(versions, (std::vector<std::string>{"1.25", "1.26", "1.27", "1.28", "1.29", "1.30",
                                                "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"}));
  ASSERT_EQ(std::size(kRows), versions.size());  // and every one has its row above
  EXPECT_EQ(kDefaultKubeletVersion, "1.36");
}

TEST(KubeletProfiles, UnknownVersionNamesTheValidOnes) {
  auto p = FindKubeletProfile("1.24");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(),
            "unknown kubelet version \"1.24\" (one of 1.25, 1.26, 1.27, 1.28, 1.29, 1.30, 1.31, "
            "1.32, 1.33, 1.34, 1.35, 1.36)");
  EXPECT_FALSE(FindKubeletProfile("1.28.0").ok());
  EXPECT_FALSE(FindKubeletProfile("v1.28").ok());
}

TEST(KubeletProfiles, BuildInfoIsShapedAsComponentBaseWritesIt) {
  for (const KubeletProfile& p : KubeletProfiles()) {
    EXPECT_EQ(p.build.major, "1");
    EXPECT_EQ(absl::StrCat("1.", p.build.minor), p.version);
    EXPECT_EQ(p.build.git_version, absl::StrCat("v", p.version, ".0"));
    EXPECT_EQ(p.build.git_commit.size(), 40u);
    EXPECT_EQ(p.build.build_date.size(), 20u);  // 2006-01-02T15:04:05Z
    EXPECT_EQ(p.build.go_version.substr(0, 4), "go1.");
  }
}

}  // namespace
}  // namespace endpoint
