#include "fake-cri/call_gate.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "proto/cri_runtime_v1.grpc.pb.h"

namespace fakecri {

const std::vector<std::string>& ServedCriMethods() {
  static const std::vector<std::string>* methods = [] {
    auto* out = new std::vector<std::string>;
    const auto* file = runtime::v1::VersionRequest::descriptor()->file();
    for (const auto* service :
         {file->FindServiceByName("RuntimeService"), file->FindServiceByName("ImageService")}) {
      for (int i = 0; i < service->method_count(); ++i) out->push_back(service->method(i)->name());
    }
    return out;
  }();
  return *methods;
}

grpc::Status ToGrpc(const absl::Status& s) {
  if (s.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

absl::Status CallGate::Enter(const std::string& container_id, GateCall* call) {
  counters_->CountCall(call->method);
  // Rules name a container by its id or its name; a request may give a prefix.
  std::string id = container_id, name;
  if (!container_id.empty() && store_) {
    if (auto full = store_->ResolveContainer(container_id); full.ok()) id = *full;
    if (auto c = store_->GetContainer(id); c.ok()) name = c->name;
  }
  FaultDecision d = faults_->Decide(call->method, id, name);
  call->archive = std::move(d.archive);
  if (!d.fired) return absl::OkStatus();
  grpc::ServerContext* ctx = call->ctx;
  auto stop = [ctx] { return ctx->IsCancelled(); };
  if (d.extra_latency_ns > 0) clock_->SleepUntil(call->received + Nanos(d.extra_latency_ns), stop);
  if (d.hang) {
    SteadyTime until = SteadyTime::max();
    if (ctx->deadline() != std::chrono::system_clock::time_point::max()) {
      until = clock_->Now() + (ctx->deadline() - std::chrono::system_clock::now());
    }
    clock_->SleepUntil(until, stop);
    if (stop())
      return absl::CancelledError(
          absl::StrCat(call->method, " cancelled while hanging (fault hang)"));
    return absl::DeadlineExceededError(absl::StrCat(call->method, " hung (fault hang)"));
  }
  if (d.error) return *d.error;
  return absl::OkStatus();
}

grpc::Status CallGate::Leave(const GateCall& call, const std::string& container_id,
                             const absl::Status& result) {
  if (kit::LogEnabled(kit::LogLevel::kDebug)) {
    kit::LogLine(kit::LogLevel::kDebug,
                 absl::StrCat("cri ", call.method, container_id.empty() ? "" : " id=", container_id,
                              " code=", absl::StatusCodeToString(result.code()),
                              result.ok() ? "" : absl::StrCat(" message=", result.message()),
                              " took=", (clock_->Now() - call.received).count() / 1000, "us"));
  }
  return ToGrpc(result);
}

}  // namespace fakecri
