#include "endpoint/config.h"

#include "gtest/gtest.h"

namespace endpoint {
namespace {

absl::StatusOr<Config> Parse(std::vector<std::string> args) { return ParseConfig(args); }

TEST(Config, DefaultsAreTheKubelets) {
  auto c = Parse({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->container_runtime_endpoint, "unix:///run/containerd/containerd.sock");
  EXPECT_EQ(c->root_dir, "/var/lib/kubelet");
  EXPECT_EQ(c->CheckpointsDir(), "/var/lib/kubelet/checkpoints");
  EXPECT_EQ(c->runtime_request_timeout, std::chrono::minutes(2));
  EXPECT_EQ(c->kubelet_version, "1.36");
  EXPECT_FALSE(c->checkpoint_gate.has_value());  // the version's default
  EXPECT_TRUE(c->CheckpointGate(**FindKubeletProfile("1.36")));
  EXPECT_TRUE(c->enable_debugging_handlers);
  EXPECT_EQ(c->port, 10250);
  EXPECT_EQ(c->cert_dir, "/var/lib/kubelet/pki");
  EXPECT_FALSE(c->anonymous_auth);
  EXPECT_EQ(c->authorization_mode, "AlwaysAllow");
  EXPECT_FALSE(c->hostname_override.empty());
  // Protections beyond upstream are opt-in.
  EXPECT_FALSE(c->unique_archive_names);
  EXPECT_FALSE(c->tighten_checkpoints_dir);
  EXPECT_EQ(c->max_checkpoints_per_container, 0u);
}

TEST(Config, GateDefaultsToTheVersionsDefault) {
  for (const KubeletProfile& p : KubeletProfiles()) {
    auto c = Parse({"--kubelet-version=" + std::string(p.version)});
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->kubelet_version, p.version);
    EXPECT_EQ(c->CheckpointGate(p), p.version >= "1.30") << p.version;
  }
  auto on = Parse({"--kubelet-version", "1.25", "--feature-gates=ContainerCheckpoint=true"});
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(on->CheckpointGate(**FindKubeletProfile("1.25")));
}

TEST(Config, ReadsTheNewFlags) {
  auto c = Parse({"--enable-debugging-handlers=false", "--unique-archive-names",
                  "--tighten-checkpoints-dir=true"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->enable_debugging_handlers);
  EXPECT_TRUE(c->unique_archive_names);
  EXPECT_TRUE(c->tighten_checkpoints_dir);
}

TEST(Config, UsageListsTheVersionsAndTheOptInProtections) {
  const std::string usage = ConfigUsage();
  EXPECT_NE(usage.find("1.25, 1.26, 1.27, 1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36 "
                       "(1.36)"),
            std::string::npos)
      << usage;
  for (const char* flag : {"--unique-archive-names", "--tighten-checkpoints-dir",
                           "--max-checkpoints-per-container", "--enable-debugging-handlers"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
}

TEST(Config, ReadsKubeletSyntax) {
  auto c = Parse({"--runtime-request-timeout=500ms", "--feature-gates", "ContainerCheckpoint=false",
                  "--anonymous-auth", "--root-dir=/tmp/k/", "--port=0"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->runtime_request_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(c->checkpoint_gate, std::optional<bool>(false));
  EXPECT_TRUE(c->anonymous_auth);
  EXPECT_EQ(c->root_dir, "/tmp/k");
  EXPECT_EQ(c->port, 0);
}

TEST(Config, ErrorsNameTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string want;
  } cases[] = {
      {{"--runtime-request-timeout=2 minutes"}, "--runtime-request-timeout=2 minutes:"},
      {{"--feature-gates=Foo=true"}, "unrecognized feature gate: Foo"},
      {{"--feature-gates=ContainerCheckpoint=maybe"}, "invalid value of ContainerCheckpoint"},
      {{"--port=70000"}, "--port=70000: not a port number"},
      {{"--container-runtime-endpoint=/run/x.sock"}, "expected a unix socket URL"},
      {{"--tls-cert-file=/a.crt"}, "--tls-cert-file and --tls-private-key-file go together"},
      {{"--authorization-mode=Webhook"}, "need --kubeconfig"},
      {{"--authentication-token-webhook"}, "need --kubeconfig"},
      {{"--authorization-mode=RBAC"}, "must be AlwaysAllow, Webhook or Policy"},
      {{"--authorization-mode=Policy"}, "needs --authorization-policy-file"},
      {{"--insecure-http"}, "loopback only"},
      {{"--bogus=1"}, "unknown flag --bogus"},
      {{"--anonymous-auth=yes"}, "--anonymous-auth=yes: not a boolean"},
      {{"--kubelet-version=1.24"},
       "--kubelet-version=1.24: unknown kubelet version \"1.24\" (one of 1.25, 1.26"},
      {{"--kubelet-version"}, "--kubelet-version: needs a value"},
      {{"--enable-debugging-handlers=maybe"}, "not a boolean"},
      {{"--unique-archive-names=2"}, "not a boolean"},
  };
  for (const Case& c : cases) {
    auto r = Parse(c.args);
    ASSERT_FALSE(r.ok()) << c.args[0];
    EXPECT_NE(r.status().message().find(c.want), std::string::npos)
        << c.args[0] << ": " << r.status().message();
  }
}

TEST(Config, PlainHttpOnLoopbackIsAllowed) {
  auto c = Parse({"--insecure-http", "--address=127.0.0.1"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->insecure_http);
}

}  // namespace
}  // namespace endpoint
