#include "fake-cri/ctl.h"

#include <chrono>
#include <cstdlib>
#include <memory>

#include "common/grpc_codes.h"
#include "fake-cri/fault_rules.h"
#include "grpcpp/create_channel.h"
#include "nlohmann/json.hpp"
#include "proto/cri_runtime_v1.grpc.pb.h"
#include "proto/fakecri_control.grpc.pb.h"

namespace fakecri {
namespace {

constexpr char kUsage[] = R"(Usage: fake-cri ctl [--socket URL] COMMAND
  add-fault RULE     RULE is JSON ({"effect":"hang",...}) or key=value,... ; prints its id
  clear-faults [ID]  removes one rule, or all
  list-faults        rules with how often each matched and fired
  counters           calls per method, faults injected, checkpoints and bytes written
  checkpoint NS/POD/CONTAINER LOCATION [TIMEOUT_SECONDS]
                     finds the container by name through the CRI and checkpoints it
                     to LOCATION (an absolute path in an existing directory)
--socket defaults to unix:///run/fake-cri/fake-cri.sock.
)";

// Resolves NS/POD/CONTAINER through the CRI (as the kubelet would: the ready
// sandbox with that metadata, the container with that name in it) and
// checkpoints it.
int Checkpoint(const std::string& socket, const std::vector<std::string>& rest, std::ostream& out,
               std::ostream& err) {
  namespace v1 = runtime::v1;
  std::string target = rest[1];
  size_t a = target.find('/'), b = target.rfind('/');
  if (a == std::string::npos || a == b) {
    err << "fake-cri ctl checkpoint: \"" << target << "\" is not NAMESPACE/POD/CONTAINER\n";
    return 2;
  }
  std::string ns = target.substr(0, a), pod = target.substr(a + 1, b - a - 1),
              name = target.substr(b + 1);
  int64_t timeout = rest.size() > 3 ? std::atoll(rest[3].c_str()) : 0;
  auto stub =
      v1::RuntimeService::NewStub(grpc::CreateChannel(socket, grpc::InsecureChannelCredentials()));
  auto ctx = [] {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return c;
  };
  v1::ListPodSandboxRequest lreq;
  lreq.mutable_filter()->mutable_state()->set_state(v1::SANDBOX_READY);
  v1::ListPodSandboxResponse pods;
  if (auto s = stub->ListPodSandbox(ctx().get(), lreq, &pods); !s.ok()) {
    err << "fake-cri ctl: " << socket << ": " << s.error_message() << "\n";
    return 1;
  }
  std::string sandbox;
  int64_t newest = -1;
  for (const auto& p : pods.items()) {
    if (p.metadata().namespace_() == ns && p.metadata().name() == pod && p.created_at() > newest) {
      sandbox = p.id();
      newest = p.created_at();
    }
  }
  if (sandbox.empty()) {
    err << "fake-cri ctl checkpoint: no ready pod " << ns << "/" << pod << "\n";
    return 1;
  }
  v1::ListContainersRequest creq;
  creq.mutable_filter()->set_pod_sandbox_id(sandbox);
  v1::ListContainersResponse containers;
  if (auto s = stub->ListContainers(ctx().get(), creq, &containers); !s.ok()) {
    err << "fake-cri ctl: " << s.error_message() << "\n";
    return 1;
  }
  std::string id;
  for (const auto& c : containers.containers()) {
    if (c.metadata().name() == name) id = c.id();
  }
  if (id.empty()) {
    err << "fake-cri ctl checkpoint: no container " << name << " in " << ns << "/" << pod << "\n";
    return 1;
  }
  v1::CheckpointContainerRequest req;
  req.set_container_id(id);
  req.set_location(rest[2]);
  req.set_timeout(timeout);
  v1::CheckpointContainerResponse resp;
  auto start = std::chrono::steady_clock::now();
  grpc::ClientContext cctx;  // bounded by the request's timeout (or the runtime default)
  grpc::Status s = stub->CheckpointContainer(&cctx, req, &resp);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!s.ok()) {
    err << "fake-cri ctl checkpoint: rpc error: code = " << kit::GrpcCodeName(s.error_code())
        << " desc = " << s.error_message() << "\n";
    return 1;
  }
  out << nlohmann::json{{"container_id", id}, {"location", rest[2]}, {"seconds", seconds}}.dump()
      << "\n";
  return 0;
}

}  // namespace

int RunCtl(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  namespace c1 = fakecri::control::v1;
  std::string socket = "unix:///run/fake-cri/fake-cri.sock";
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--socket" && i + 1 < args.size()) {
      socket = args[++i];
    } else if (args[i].rfind("--socket=", 0) == 0) {
      socket = args[i].substr(9);
    } else if (args[i] == "--help" || args[i] == "-h") {
      out << kUsage;
      return 0;
    } else {
      rest.push_back(args[i]);
    }
  }
  if (rest.empty()) {
    err << kUsage;
    return 2;
  }
  if (rest[0] == "checkpoint") {
    if (rest.size() < 3 || rest.size() > 4) {
      err << kUsage;
      return 2;
    }
    return Checkpoint(socket, rest, out, err);
  }
  auto stub = c1::Control::NewStub(grpc::CreateChannel(socket, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Status s;
  nlohmann::json result;
  const std::string& cmd = rest[0];
  if (cmd == "add-fault" && rest.size() == 2) {
    std::string rule = rest[1];
    if (rule.empty() || rule[0] != '{') {
      auto parsed = ParseFaultFlag(rule);
      if (!parsed.ok()) {
        err << "fake-cri ctl: add-fault " << rule << ": " << parsed.status().message() << "\n";
        return 2;
      }
      rule = parsed->ToJson().dump();
    }
    c1::AddFaultRequest req;
    req.set_rule_json(rule);
    c1::AddFaultResponse resp;
    s = stub->AddFault(&ctx, req, &resp);
    result = {{"id", resp.id()}};
  } else if (cmd == "clear-faults" && rest.size() <= 2) {
    c1::ClearFaultsRequest req;
    if (rest.size() == 2) req.set_id(rest[1]);
    c1::ClearFaultsResponse resp;
    s = stub->ClearFaults(&ctx, req, &resp);
    result = {{"removed", resp.removed()}};
  } else if (cmd == "list-faults" && rest.size() == 1) {
    c1::ListFaultsResponse resp;
    s = stub->ListFaults(&ctx, c1::ListFaultsRequest(), &resp);
    result = nlohmann::json::array();
    for (const auto& r : resp.rules()) {
      result.push_back({{"id", r.id()},
                        {"rule", nlohmann::json::parse(r.rule_json())},
                        {"matched", r.matched()},
                        {"injected", r.injected()}});
    }
  } else if (cmd == "counters" && rest.size() == 1) {
    c1::GetCountersResponse resp;
    s = stub->GetCounters(&ctx, c1::GetCountersRequest(), &resp);
    nlohmann::json calls = nlohmann::json::object();
    for (const auto& [m, n] : resp.calls()) calls[m] = n;
    result = {{"calls", calls},
              {"faults_injected", resp.faults_injected()},
              {"checkpoints_written", resp.checkpoints_written()},
              {"checkpoints_failed", resp.checkpoints_failed()},
              {"bytes_written", resp.bytes_written()}};
  } else {
    err << "fake-cri ctl: unknown command or wrong arguments: " << cmd << "\n" << kUsage;
    return 2;
  }
  if (!s.ok()) {
    err << "fake-cri ctl: " << socket << ": " << s.error_message() << " (code " << s.error_code()
        << ")\n";
    return 1;
  }
  out << result.dump() << "\n";
  return 0;
}

}  // namespace fakecri
