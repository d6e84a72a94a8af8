#include "fake-cri/control_service.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace fakecri {

namespace c1 = fakecri::control::v1;

grpc::Status ControlServiceImpl::AddFault(grpc::ServerContext*, const c1::AddFaultRequest* req,
                                          c1::AddFaultResponse* resp) {
  nlohmann::json j = nlohmann::json::parse(req->rule_json(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "rule_json is not valid JSON");
  }
  auto rule = ParseFaultRule(j, "$");
  if (!rule.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(rule.status().message()));
  }
  auto id = faults_->Add(*rule);
  if (!id.ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(id.status().message()));
  }
  kit::LogLine(kit::LogLevel::kInfo,
               absl::StrCat("fault ", *id, " added: ", rule->ToJson().dump()));
  resp->set_id(*id);
  return grpc::Status::OK;
}

grpc::Status ControlServiceImpl::ClearFaults(grpc::ServerContext*,
                                             const c1::ClearFaultsRequest* req,
                                             c1::ClearFaultsResponse* resp) {
  int removed = faults_->Clear(req->id());
  if (!req->id().empty() && removed == 0) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no fault rule ", req->id()));
  }
  kit::LogLine(kit::LogLevel::kInfo, absl::StrCat("faults cleared: ", removed));
  resp->set_removed(static_cast<uint32_t>(removed));
  return grpc::Status::OK;
}

grpc::Status ControlServiceImpl::ListFaults(grpc::ServerContext*, const c1::ListFaultsRequest*,
                                            c1::ListFaultsResponse* resp) {
  for (const auto& r : faults_->List()) {
    auto* out = resp->add_rules();
    out->set_id(r.id);
    out->set_rule_json(r.rule.ToJson().dump());
    out->set_matched(r.matched);
    out->set_injected(r.injected);
  }
  return grpc::Status::OK;
}

grpc::Status ControlServiceImpl::GetCounters(grpc::ServerContext*, const c1::GetCountersRequest*,
                                             c1::GetCountersResponse* resp) {
  for (const auto& [method, n] : counters_->Calls()) (*resp->mutable_calls())[method] = n;
  resp->set_faults_injected(faults_->InjectedTotal());
  resp->set_checkpoints_written(counters_->checkpoints_written.load());
  resp->set_checkpoints_failed(counters_->checkpoints_failed.load());
  resp->set_bytes_written(counters_->bytes_written.load());
  return grpc::Status::OK;
}

}  // namespace fakecri
