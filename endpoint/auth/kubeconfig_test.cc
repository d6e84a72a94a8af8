#include "endpoint/auth/kubeconfig.h"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kCaPem[] = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
constexpr char kCertPem[] = "-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n";
constexpr char kKeyPem[] = "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n";
constexpr char kToken[] = "s3cr3t-token-value";

// A fresh directory per test, in one that lives as long as the test binary.
std::string TestDir() {
  static kit::testing::TempDir root("kubeconfig-test");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = root.Join(info->name());
  ::mkdir(dir.c_str(), 0700);
  return dir;
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
}

std::string Base64(const std::string& text) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < text.size(); i += 3) {
    uint32_t group = static_cast<unsigned char>(text[i]) << 16;
    if (i + 1 < text.size()) group |= static_cast<unsigned char>(text[i + 1]) << 8;
    if (i + 2 < text.size()) group |= static_cast<unsigned char>(text[i + 2]);
    out.push_back(kAlphabet[(group >> 18) & 63]);
    out.push_back(kAlphabet[(group >> 12) & 63]);
    out.push_back(i + 1 < text.size() ? kAlphabet[(group >> 6) & 63] : '=');
    out.push_back(i + 2 < text.size() ? kAlphabet[group & 63] : '=');
  }
  return out;
}

// The shape of the kubelet's own kubeconfig (/etc/kubernetes/kubelet.conf).
std::string KubeletConf(const std::string& cluster_extra, const std::string& user_body) {
  return absl::StrCat(R"(apiVersion: v1
kind: Config
clusters:
- name: other
  cluster:
    server: https://other.example:6443
- name: default-cluster
  cluster:
    server: https://10.0.0.1:6443
)",
                      cluster_extra, R"(contexts:
- name: default-context
  context:
    cluster: default-cluster
    namespace: default
    user: default-auth
current-context: default-context
preferences: {}
users:
- name: default-auth
  user:
)",
                      user_body);
}

absl::StatusOr<Kubeconfig> Parse(const std::string& yaml) {
  return ParseKubeconfig(yaml, "k.yaml", "");
}

TEST(Kubeconfig, ReadsFilesNamedRelativeToTheKubeconfigsDirectory) {
  const std::string dir = TestDir();
  ::mkdir((dir + "/pki").c_str(), 0700);
  WriteFile(dir + "/pki/ca.crt", kCaPem);
  WriteFile(dir + "/pki/client.pem", std::string(kCertPem) + kKeyPem);
  WriteFile(dir + "/kubelet.conf", KubeletConf("    certificate-authority: pki/ca.crt\n",
                                               "    client-certificate: pki/client.pem\n"
                                               "    client-key: pki/client.pem\n"));

  absl::StatusOr<Kubeconfig> config = LoadKubeconfig(dir + "/kubelet.conf");

  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->source, dir + "/kubelet.conf");
  EXPECT_EQ(config->context, "default-context");
  EXPECT_EQ(config->server_url, "https://10.0.0.1:6443");
  EXPECT_EQ(config->host, "10.0.0.1");
  EXPECT_EQ(config->port, 6443);
  EXPECT_EQ(config->base_path, "");
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->client_cert_pem, std::string(kCertPem) + kKeyPem);
  EXPECT_EQ(config->client_key_pem, std::string(kCertPem) + kKeyPem);
  EXPECT_FALSE(config->insecure_skip_tls_verify);
  EXPECT_EQ(config->token, "");
}

TEST(Kubeconfig, DecodesDataFieldsAsBase64) {
  absl::StatusOr<Kubeconfig> config =
      Parse(KubeletConf(absl::StrCat("    certificate-authority-data: ", Base64(kCaPem), "\n"),
                        absl::StrCat("    client-certificate-data: ", Base64(kCertPem), "\n",
                                     "    client-key-data: ", Base64(kKeyPem), "\n")));

  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->client_cert_pem, kCertPem);
  EXPECT_EQ(config->client_key_pem, kKeyPem);
  EXPECT_THAT(config->ca_origin, HasSubstr("clusters[1].cluster.certificate-authority-data"));
}

TEST(Kubeconfig, ReadsTokenAndTokenFile) {
  const std::string dir = TestDir();
  WriteFile(dir + "/token", "file-token\n");
  absl::StatusOr<Kubeconfig> config =
      ParseKubeconfig(KubeletConf("    insecure-skip-tls-verify: true\n",
                                  absl::StrCat("    token: ", kToken, "\n    tokenFile: token\n")),
                      "k.yaml", dir);

  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->token, kToken);
  EXPECT_EQ(config->token_file, dir + "/token");
  EXPECT_TRUE(config->insecure_skip_tls_verify);
}

TEST(Kubeconfig, ServerWithoutSchemeOrPortIsHttpsOn443) {
  absl::StatusOr<Kubeconfig> config = Parse(absl::StrReplaceAll(
      KubeletConf("", "    token: t\n"), {{"https://10.0.0.1:6443", "api.example"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->scheme, "https");
  EXPECT_EQ(config->host, "api.example");
  EXPECT_EQ(config->port, 443);
}

TEST(Kubeconfig, ServerPathPrefixesApiPathsAndIpv6HostLosesItsBrackets) {
  absl::StatusOr<Kubeconfig> config =
      Parse(absl::StrReplaceAll(KubeletConf("", "    token: t\n"),
                                {{"https://10.0.0.1:6443", "https://[fd00::1]:8443/k8s/"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->host, "fd00::1");
  EXPECT_EQ(config->port, 8443);
  EXPECT_EQ(config->base_path, "/k8s");
}

TEST(Kubeconfig, ContextWithoutUserHasNoCredentials) {
  absl::StatusOr<Kubeconfig> config = Parse(R"(
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:6443", tls-server-name: api.internal}
contexts:
- name: x
  context: {cluster: c}
current-context: x
)");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls_server_name, "api.internal");
  EXPECT_EQ(config->token, "");
  EXPECT_EQ(config->client_cert_pem, "");
}

struct BadKubeconfig {
  std::string name;
  std::string yaml;
  std::string error;  // the whole message after "kubeconfig k.yaml: "
};

void PrintTo(const BadKubeconfig& bad, std::ostream* os) { *os << bad.name; }

class KubeconfigErrors : public ::testing::TestWithParam<BadKubeconfig> {};

TEST_P(KubeconfigErrors, NameTheFileAndTheKey) {
  absl::StatusOr<Kubeconfig> config = Parse(GetParam().yaml);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(config.status().message()), "kubeconfig k.yaml: " + GetParam().error);
  EXPECT_THAT(config.status().message(), Not(HasSubstr(kToken)));
}

const std::string kUserWithToken = absl::StrCat("    token: ", kToken, "\n");

INSTANTIATE_TEST_SUITE_P(
    Kubeconfig, KubeconfigErrors,
    ::testing::Values(
        BadKubeconfig{"BadYaml", "clusters: [\n  - {name: a\n",
                      "invalid YAML at line 2, column 3: illegal block entry"},
        BadKubeconfig{"Empty", "", "current-context: not set (the file is empty)"},
        BadKubeconfig{"NotAMap", "- a\n- b\n", "(top level): expected a map"},
        BadKubeconfig{"NoCurrentContext",
                      absl::StrReplaceAll(KubeletConf("", kUserWithToken),
                                          {{"current-context: default-context\n", ""}}),
                      "current-context: not set"},
        BadKubeconfig{
            "UnknownCurrentContext",
            absl::StrReplaceAll(KubeletConf("", kUserWithToken),
                                {{"current-context: default-context", "current-context: prod"}}),
            "current-context: context \"prod\" not found in contexts"},
        BadKubeconfig{"MissingCluster",
                      absl::StrReplaceAll(KubeletConf("", kUserWithToken),
                                          {{"cluster: default-cluster", "cluster: gone"}}),
                      "contexts[0].context.cluster: cluster \"gone\" not found in clusters"},
        BadKubeconfig{"MissingUser",
                      absl::StrReplaceAll(KubeletConf("", kUserWithToken),
                                          {{"user: default-auth", "user: nobody"}}),
                      "contexts[0].context.user: user \"nobody\" not found in users"},
        BadKubeconfig{"NoServer",
                      absl::StrReplaceAll(KubeletConf("", kUserWithToken),
                                          {{"server: https://10.0.0.1:6443", "server: \"\""}}),
                      "clusters[1].cluster.server: required (no server found for the cluster)"},
        BadKubeconfig{"PlainHttp",
                      absl::StrReplaceAll(KubeletConf("", kUserWithToken),
                                          {{"https://10.0.0.1", "http://10.0.0.1"}}),
                      "clusters[1].cluster.server: http:// is not supported (the bearer token "
                      "would cross the network in clear)"},
        BadKubeconfig{"BadPort",
                      absl::StrReplaceAll(KubeletConf("", kUserWithToken), {{":6443", ":99999"}}),
                      "clusters[1].cluster.server: invalid port \"99999\""},
        BadKubeconfig{"CaFileAndData",
                      KubeletConf("    certificate-authority: /ca.crt\n"
                                  "    certificate-authority-data: QUJD\n",
                                  kUserWithToken),
                      "clusters[1].cluster: certificate-authority-data and certificate-authority "
                      "are both specified"},
        BadKubeconfig{"InsecureWithCa",
                      KubeletConf("    certificate-authority-data: QUJD\n"
                                  "    insecure-skip-tls-verify: true\n",
                                  kUserWithToken),
                      "clusters[1].cluster: specifying a root certificates file with the "
                      "insecure flag is not allowed"},
        BadKubeconfig{"InsecureNotABool",
                      KubeletConf("    insecure-skip-tls-verify: maybe\n", kUserWithToken),
                      "clusters[1].cluster.insecure-skip-tls-verify: expected true or false"},
        BadKubeconfig{"BadBase64",
                      KubeletConf("    certificate-authority-data: not*base64\n", kUserWithToken),
                      "clusters[1].cluster.certificate-authority-data: invalid base64"},
        BadKubeconfig{"CertWithoutKey",
                      KubeletConf("", kUserWithToken + "    client-certificate-data: QUJD\n"),
                      "users[0].user: client-key-data or client-key must be specified to use the "
                      "clientCert authentication method"},
        BadKubeconfig{"KeyWithoutCert",
                      KubeletConf("", kUserWithToken + "    client-key-data: QUJD\n"),
                      "users[0].user: client-key given without client-certificate"},
        BadKubeconfig{"ExecPlugin", KubeletConf("", kUserWithToken + "    exec: {command: aws}\n"),
                      "users[0].user.exec: not supported"},
        BadKubeconfig{"ServerNotAString",
                      absl::StrReplaceAll(KubeletConf("", kUserWithToken),
                                          {{"server: https://10.0.0.1:6443", "server: [a]"}}),
                      "clusters[1].cluster.server: expected a string"},
        BadKubeconfig{"DuplicateClusterName",
                      absl::StrReplaceAll(KubeletConf("", kUserWithToken),
                                          {{"- name: other", "- name: default-cluster"}}),
                      "clusters[1].name: duplicate name \"default-cluster\" in clusters"},
        BadKubeconfig{"ClustersNotAList", "clusters: {a: b}\ncurrent-context: x\n",
                      "clusters: expected a list"}),
    [](const ::testing::TestParamInfo<BadKubeconfig>& info) { return info.param.name; });

TEST(Kubeconfig, UnreadableFileNamedByAKeyIsAnErrorNamingKeyAndFile) {
  const std::string dir = TestDir();
  absl::StatusOr<Kubeconfig> config = ParseKubeconfig(
      KubeletConf("    certificate-authority: missing-ca.crt\n", kUserWithToken), "k.yaml", dir);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(config.status().message(),
            absl::StrCat("kubeconfig k.yaml: clusters[1].cluster.certificate-authority: file ", dir,
                         "/missing-ca.crt: cannot read: No such file or directory"));
}

TEST(Kubeconfig, UnreadableTokenFileIsAnErrorOnlyWithoutAStaticToken) {
  const std::string dir = TestDir();
  EXPECT_TRUE(
      ParseKubeconfig(KubeletConf("", kUserWithToken + "    tokenFile: nope\n"), "k.yaml", dir)
          .ok());
  absl::StatusOr<Kubeconfig> config =
      ParseKubeconfig(KubeletConf("", "    tokenFile: nope\n"), "k.yaml", dir);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("kubeconfig k.yaml: users[0].user.tokenFile: file " + dir + "/nope"));
}

TEST(Kubeconfig, MissingKubeconfigIsNotFoundNamingIt) {
  absl::StatusOr<Kubeconfig> config = LoadKubeconfig("/nonexistent/kubelet.conf");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(config.status().message(),
            "kubeconfig /nonexistent/kubelet.conf: cannot read: No such file or directory");
}

TEST(DecodeBase64Std, DecodesPaddedTextAndSkipsLineBreaks) {
  EXPECT_EQ(*DecodeBase64Std(""), "");
  EXPECT_EQ(*DecodeBase64Std("QQ=="), "A");
  EXPECT_EQ(*DecodeBase64Std("QUI="), "AB");
  EXPECT_EQ(*DecodeBase64Std("QUJD"), "ABC");
  EXPECT_EQ(*DecodeBase64Std("QUJD\r\nREVG\n"), "ABCDEF");
  EXPECT_EQ(*DecodeBase64Std(Base64(kCaPem)), kCaPem);
}

TEST(DecodeBase64Std, RefusesWhatGoRefuses) {
  for (const char* bad : {"QQ", "QUJ", "Q===", "QU=I", "QUJD=", "QU JD", "QUJ-", "QUJ_"}) {
    EXPECT_FALSE(DecodeBase64Std(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace endpoint
