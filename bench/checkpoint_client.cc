#include "bench/checkpoint_client.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "bench/bench_util.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace bench {

EndpointClient::EndpointClient(const EndpointAddress& address)
    : client_(std::make_unique<httplib::SSLClient>(address.host, address.port)),
      auth_("Bearer " + address.token) {
  client_->set_ca_cert_path(address.ca_cert.c_str());
  client_->enable_server_certificate_verification(true);
  client_->set_keep_alive(true);
  client_->set_read_timeout(120, 0);
}

EndpointClient::~EndpointClient() = default;

CheckpointResult EndpointClient::Checkpoint(const std::string& ns, const std::string& pod,
                                            const std::string& container) {
  CheckpointResult r;
  const std::string path = absl::StrCat("/checkpoint/", ns, "/", pod, "/", container);
  const auto start = SteadyClock::now();
  httplib::Result res = client_->Post(path.c_str(), {{"Authorization", auth_}}, "", "");
  r.seconds = SecondsSince(start);
  if (!res) {
    r.error = httplib::to_string(res.error());
    return r;
  }
  r.http_status = res->status;
  if (res->status != 200) {
    r.error = absl::StrCat("HTTP ", res->status, ": ", res->body);
    return r;
  }
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  if (body.is_discarded() || !body.contains("items") || body["items"].empty()) {
    r.error = "unexpected body: " + res->body;
    return r;
  }
  r.location = body["items"][0].get<std::string>();
  r.ok = true;
  return r;
}

CheckpointResult DirectCheckpoint(runtime::v1::RuntimeService::Stub* stub,
                                  const std::string& container_id, const std::string& location) {
  CheckpointResult r;
  runtime::v1::CheckpointContainerRequest req;
  req.set_container_id(container_id);
  req.set_location(location);
  req.set_timeout(120);
  runtime::v1::CheckpointContainerResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  const auto start = SteadyClock::now();
  grpc::Status s = stub->CheckpointContainer(&ctx, req, &resp);
  r.seconds = SecondsSince(start);
  r.ok = s.ok();
  if (s.ok()) {
    r.location = location;
  } else {
    r.error = s.error_message();
  }
  return r;
}

absl::StatusOr<Node> MakeNode(runtime::v1::RuntimeService::Stub* stub, int pods, int per_pod,
                              const std::string& working_set) {
  // Names carry the process id, so that a runtime can serve several runs.
  const std::string prefix = absl::StrCat("p", ::getpid(), "-");
  std::vector<Pod> made;
  for (int p = 0; p < pods; ++p) {
    auto pod =
        MakePod(stub, "bench", absl::StrCat(prefix, p), per_pod, true, ZeroLatency(working_set));
    if (!pod.ok()) return pod.status();
    made.push_back(*pod);
  }
  Node node;
  for (int c = 0; c < per_pod; ++c) {
    for (int p = 0; p < pods; ++p) {
      node.targets.push_back(
          {absl::StrCat(prefix, p), absl::StrCat("c", c), made[p].container_ids[c]});
    }
  }
  return node;
}

EndpointAddress EndpointAddressFromFlags(Flags& flags) {
  EndpointAddress address;
  address.port = static_cast<int>(flags.Int("port", 0));
  address.ca_cert = flags.Str("ca-cert");
  address.token = flags.Str("token");
  return address;
}

absl::StatusOr<NodeOnCri> ConnectAndMakeNode(const std::string& cri, int pods, int per_pod,
                                             const std::string& working_set) {
  auto channel = ConnectCri(cri);
  if (!channel.ok()) return channel.status();
  NodeOnCri out;
  out.stub = runtime::v1::RuntimeService::NewStub(*channel);
  auto node = MakeNode(out.stub.get(), pods, per_pod, working_set);
  if (!node.ok()) return node.status();
  out.node = std::move(*node);
  return out;
}

}  // namespace bench
