#ifndef FAKE_CRI_TESTS_CRI_CLIENT_H_
#define FAKE_CRI_TESTS_CRI_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>

#include "grpcpp/create_channel.h"
#include "proto/cri_runtime_v1.grpc.pb.h"
#include "proto/fakecri_control.grpc.pb.h"

namespace fakecri {

// Stubs for the three services on one socket, for integration tests.
struct CriClient {
  explicit CriClient(const std::string& endpoint)
      : channel(grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials())),
        runtime(runtime::v1::RuntimeService::NewStub(channel)),
        images(runtime::v1::ImageService::NewStub(channel)),
        control(fakecri::control::v1::Control::NewStub(channel)) {}

  bool WaitReady(std::chrono::seconds within = std::chrono::seconds(10)) {
    return channel->WaitForConnected(std::chrono::system_clock::now() + within);
  }

  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<runtime::v1::RuntimeService::Stub> runtime;
  std::unique_ptr<runtime::v1::ImageService::Stub> images;
  std::unique_ptr<fakecri::control::v1::Control::Stub> control;
};

// A context with a deadline (every test call has one, so nothing hangs forever).
inline std::unique_ptr<grpc::ClientContext> Ctx(
    std::chrono::milliseconds deadline = std::chrono::milliseconds(30000)) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + deadline);
  return ctx;
}

}  // namespace fakecri

#endif  // FAKE_CRI_TESTS_CRI_CLIENT_H_
