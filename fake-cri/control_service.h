#ifndef FAKE_CRI_CONTROL_SERVICE_H_
#define FAKE_CRI_CONTROL_SERVICE_H_

#include "fake-cri/counters.h"
#include "fake-cri/fault_rules.h"
#include "proto/fakecri_control.grpc.pb.h"

namespace fakecri {

// fakecri.control.v1.Control: fault rules and counters at run time. Thread-safe.
class ControlServiceImpl final : public fakecri::control::v1::Control::Service {
 public:
  ControlServiceImpl(FaultRules* faults, Counters* counters)
      : faults_(faults), counters_(counters) {}

  grpc::Status AddFault(grpc::ServerContext*, const control::v1::AddFaultRequest*,
                        control::v1::AddFaultResponse*) override;
  grpc::Status ClearFaults(grpc::ServerContext*, const control::v1::ClearFaultsRequest*,
                           control::v1::ClearFaultsResponse*) override;
  grpc::Status ListFaults(grpc::ServerContext*, const control::v1::ListFaultsRequest*,
                          control::v1::ListFaultsResponse*) override;
  grpc::Status GetCounters(grpc::ServerContext*, const control::v1::GetCountersRequest*,
                           control::v1::GetCountersResponse*) override;

 private:
  FaultRules* faults_;
  Counters* counters_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_CONTROL_SERVICE_H_
