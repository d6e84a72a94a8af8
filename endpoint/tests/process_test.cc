// The checkpoint-endpoint binary as a user runs it: bad flags and files stop
// start-up with a message naming them; SIGTERM lets a running checkpoint finish.
#include <signal.h>

#include <fstream>
#include <regex>
#include <thread>

#include "common/log.h"
#include "fake-cri/archive/file_ops.h"
#include "fake-cri/clock.h"
#include "fake-cri/server.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace endpoint {
namespace {

using std::chrono::milliseconds;

class EndpointProcessTest : public ::testing::Test {
 protected:
  std::unique_ptr<kit::testing::Subprocess> Run(std::vector<std::string> args) {
    std::vector<std::string> argv = {ENDPOINT_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<kit::testing::Subprocess>(argv,
                                                      dir_.Join("ep" + std::to_string(runs_++)));
  }
  kit::testing::TempDir dir_;
  int runs_ = 0;
};

TEST_F(EndpointProcessTest, BadFlagExitsNamingIt) {
  auto p = Run({"--runtime-request-timeout=soon"});
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->ExitedWith(2));
  EXPECT_NE(p->Stderr().find("--runtime-request-timeout=soon"), std::string::npos) << p->Stderr();
}

TEST_F(EndpointProcessTest, UnknownKubeletVersionExitsListingTheValidOnes) {
  auto p = Run({"--kubelet-version=1.24"});
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->ExitedWith(2));
  EXPECT_NE(p->Stderr().find("--kubelet-version=1.24: unknown kubelet version \"1.24\" (one of "
                             "1.25, 1.26, 1.27, 1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, "
                             "1.36)"),
            std::string::npos)
      << p->Stderr();
}

TEST_F(EndpointProcessTest, UnreadableTokenFileExitsNamingIt) {
  auto p = Run({"--root-dir", dir_.Join("k"), "--port", "0", "--address", "127.0.0.1",
                "--token-auth-file", dir_.Join("missing.csv")});
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->ExitedWith(1));
  EXPECT_NE(p->Stderr().find(dir_.Join("missing.csv")), std::string::npos) << p->Stderr();
}

TEST_F(EndpointProcessTest, SigtermLetsARunningCheckpointFinishThenExitsZero) {
  kit::SetLogLevel(kit::LogLevel::kWarn);
  std::string fixture_path = dir_.Join("fixture.json");
  std::ofstream(fixture_path) << R"({"pods":[{"namespace":"default","name":"web","containers":[
      {"name":"app","image":"busybox","working_set_bytes":"150Mi"}]}]})";
  auto fixture = fakecri::LoadFixture(fixture_path);
  ASSERT_TRUE(fixture.ok());
  fakecri::ServerOptions o;
  o.listen = "unix://" + dir_.Join("cri.sock");
  // The reference runtime: a cancelled CRI call ends at once (real runtimes go on).
  o.UseProfile(*fakecri::FindRuntimeProfile("reference"));
  o.checkpoint.latency.fixed_cost_ns = 0;
  o.checkpoint.latency.throughput_bytes_per_second = 100.0 * (1 << 20);  // 1.5 s
  o.fixture = &*fixture;
  fakecri::RealClock clock;
  auto runtime = fakecri::FakeCriServer::Start(o, &clock, fakecri::RealFileOps());
  ASSERT_TRUE(runtime.ok());

  auto p = Run({"--container-runtime-endpoint", o.listen, "--root-dir", dir_.Join("kubelet"),
                "--address", "127.0.0.1", "--port", "0", "--insecure-http", "--anonymous-auth"});
  int port = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::regex serving("serving http on 127\\.0\\.0\\.1:([0-9]+)");
  while (port == 0 && std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    std::string err = p->Stderr();
    if (std::regex_search(err, m, serving)) port = std::stoi(m[1]);
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_NE(port, 0) << p->Stderr();

  int status = 0;
  std::string body;
  std::thread client([&] {
    httplib::Client cli("127.0.0.1", port);
    cli.set_read_timeout(30, 0);
    auto r = cli.Post("/checkpoint/default/web/app");
    if (r) {
      status = r->status;
      body = r->body;
    }
  });
  std::this_thread::sleep_for(milliseconds(500));  // the checkpoint is running now
  ::kill(p->pid(), SIGTERM);
  client.join();
  EXPECT_EQ(status, 200) << body;
  ASSERT_TRUE(p->Wait());
  EXPECT_TRUE(p->ExitedWith(0)) << p->Stderr();
}

}  // namespace
}  // namespace endpoint
