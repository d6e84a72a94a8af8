#include "fake-cri/ctl.h"

#include <chrono>

#include "fake-cri/fault_rules.h"
#include "grpcpp/create_channel.h"
#include "nlohmann/json.hpp"
#include "proto/fakecri_control.grpc.pb.h"

namespace fakecri {
namespace {

constexpr char kUsage[] = R"(Usage: fake-cri ctl [--socket URL] COMMAND
  add-fault RULE     RULE is JSON ({"effect":"hang",...}) or key=value,... ; prints its id
  clear-faults [ID]  removes one rule, or all
  list-faults        rules with how often each matched and fired
  counters           calls per method, faults injected, checkpoints and bytes written
--socket defaults to unix:///run/fake-cri/fake-cri.sock.
)";

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
        err << "fake-cri ctl: " << parsed.status().message() << "\n";
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
