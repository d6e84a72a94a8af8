// Authentication (401) and authorization (403), and their place before any
// lookup: endpoint/README.md ("One request"), steps 2 and 3.

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "common/units.h"
#include "conformance/framework/checks.h"
#include "conformance/framework/requirement.h"
#include "endpoint/auth/testing/tls_pairs.h"

namespace conformance {
namespace {

ContainerRef NoSuchPod(const EndpointTarget& e) {
  return ContainerRef{e.main.ns, "conformance-no-such-pod", e.main.name};
}

void WithoutCredentials(TestContext& t) {
  const ContainerRef& c = t.endpoint().main;
  HttpResult r = Send(t, "POST", c.Path(), &kNoCredentials);
  ExpectAnswer(t, "POST " + c.Path() + " without credentials", r, 401, "Unauthorized");
}

void BadToken(TestContext& t) {
  const ContainerRef& c = t.endpoint().main;
  Credentials bad;
  bad.token = "conformance-not-a-token-" + kit::NewId();
  ExpectAnswer(t, "POST " + c.Path() + " with an unknown bearer token",
               Send(t, "POST", c.Path(), &bad), 401, "Unauthorized");
}

// A client certificate and key from a CA of the suite's own, in a temp dir that
// goes away with this object.
class UntrustedClient {
 public:
  UntrustedClient() {
    char tmpl[] = "/tmp/conformance-untrusted.XXXXXX";
    if (::mkdtemp(tmpl) != nullptr) dir_ = tmpl;
    endpoint::testing::TlsTestCa ca("conformance untrusted CA");
    auto pair = ca.IssueClient("conformance:untrusted", {"system:masters"});
    creds_.cert_file = dir_ + "/client.crt";
    creds_.key_file = dir_ + "/client.key";
    std::ofstream(creds_.cert_file) << pair.cert_pem;
    std::ofstream(creds_.key_file) << pair.key_pem;
  }
  ~UntrustedClient() {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }
  const Credentials& credentials() const { return creds_; }

 private:
  std::string dir_;
  Credentials creds_;
};

void UntrustedClientCertificate(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  if (e.url.rfind("https://", 0) != 0)
    t.Skip("the endpoint serves plain HTTP: no client certificates");
  UntrustedClient client;
  const ContainerRef& c = e.main;
  HttpResult r = Send(t, "POST", c.Path(), &client.credentials());
  ExpectAnswer(t, "POST " + c.Path() + " with a client certificate from an untrusted CA", r, 401,
               "Unauthorized");
}

void NotAllowed(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  if (e.denied.empty()) {
    t.Skip(
        "needs an authenticated identity that may not create nodes/checkpoint: "
        "--denied-token-file, or --denied-client-cert and --denied-client-key");
  }
  const ContainerRef& c = e.main;
  HttpResult r = Send(t, "POST", c.Path(), &e.denied);
  std::string user = e.denied.user;
  if (user.empty()) {
    // Without --denied-user, judge the text around whatever user it names.
    static const std::regex kUser(R"(Forbidden \(user=([^,]*), )");
    std::smatch m;
    if (r.sent && std::regex_search(r.body, m, kUser)) user = m[1].str();
    t.Note("user taken from the answer: " + user + " (pass --denied-user to check it)");
  }
  ExpectVersioned(t, "POST " + c.Path() + " as " + (user.empty() ? "the denied identity" : user), r,
                  [&](int minor) { return Forbidden(minor, user); });
}

void AnonymousAuthOff(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  t.Check(!e.kubelet.anonymous,
          "anonymous auth is on: " + e.kubelet.anonymous_answer +
              ". A request without credentials is user system:anonymous, and only authorization "
              "stands between it and the checkpoint API; the KubeletConfiguration file's default "
              "(authentication.anonymous.enabled: false) refuses it with 401");
}

void UnauthenticatedLearnsNothing(TestContext& t) {
  ContainerRef c = NoSuchPod(t.endpoint());
  ExpectAnswer(t, "POST " + c.Path() + " without credentials",
               Send(t, "POST", c.Path(), &kNoCredentials), 401, "Unauthorized");
}

void UnauthorizedLearnsNothing(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  if (e.denied.empty())
    t.Skip("needs --denied-token-file, or --denied-client-cert and --denied-client-key");
  ContainerRef c = NoSuchPod(e);
  HttpResult r = Send(t, "POST", c.Path(), &e.denied);
  t.Check(r.sent && r.status == 403,
          "POST " + c.Path() + " (no such pod) as the denied identity answered " + r.Describe() +
              ", want 403: authorization comes before the pod lookup");
}

}  // namespace

void AddAuthRequirements(Requirements* out) {
  out->push_back({"auth.401-without-credentials",
                  "a request without credentials answers 401 \"Unauthorized\" (anonymous auth off)",
                  kNeedsEndpoint | kNeedsAnonymousOff, false, false, WithoutCredentials});
  out->push_back({"auth.401-bad-token", "an unknown bearer token answers 401 \"Unauthorized\"",
                  kNeedsEndpoint, false, false, BadToken});
  out->push_back(
      {"auth.401-untrusted-client-certificate",
       "a client certificate from a CA the node does not trust answers 401 \"Unauthorized\"",
       kNeedsEndpoint, false, false, UntrustedClientCertificate});
  out->push_back(
      {"auth.403-not-allowed",
       "an authenticated user without permission answers 403 as the kubelet's version "
       "does: \"Forbidden (user=<user>, verb=create, resource=nodes, subresource=proxy)\" "
       "up to 1.29, \"...subresource=checkpoint)\" in 1.30-1.31, \"...subresource(s)="
       "[checkpoint])\" and a newline from 1.32",
       kNeedsEndpoint, false, false, NotAllowed});
  out->push_back(
      {"auth.401-before-pod-lookup",
       "without credentials an unknown pod answers 401, not 404: nothing is learnt before "
       "authentication",
       kNeedsEndpoint | kNeedsAnonymousOff, false, false, UnauthenticatedLearnsNothing});
  out->push_back(
      {"auth.403-before-pod-lookup",
       "a user without permission gets 403 for an unknown pod, not 404: nothing is learnt "
       "before authorization",
       kNeedsEndpoint, false, false, UnauthorizedLearnsNothing});
  out->push_back({"auth.anonymous-auth-off",
                  "requests without credentials are refused (anonymous auth off, as the "
                  "KubeletConfiguration file's default; the bare --anonymous-auth flag defaults "
                  "to on)",
                  kNeedsEndpoint, false, false, AnonymousAuthOff, Level::kShould});
}

}  // namespace conformance
