// Figure 2: what the endpoint adds to a checkpoint. POST /checkpoint through the
// endpoint (TLS, keep-alive, bearer token; no modelled latency, sparse archive)
// against CheckpointContainer sent straight to the same fake-cri, one after the
// other (interleaved), each on a container that has not been checkpointed for a
// while. Archives are written to the endpoint's checkpoints directory by both
// and deleted by the client after each call. A third call in each round makes
// the endpoint's two lookups (ListPodSandbox, ListContainers of the pod) from
// the client, to split the overhead into lookups and the rest (TLS, HTTP,
// authentication, naming).
//
//   endpoint_overhead --cri unix:///... --port N --ca-cert FILE --token T
//                     --dir CHECKPOINTS_DIR [--requests 2000] [--json FILE]
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/checkpoint_client.h"
#include "grpcpp/client_context.h"

int main(int argc, char** argv) {
  bench::DisableMutexDeadlockDetection();
  bench::Flags flags(argc, argv);
  const bench::EndpointAddress address = bench::EndpointAddressFromFlags(flags);
  const std::string cri = flags.Str("cri");
  const std::string dir = flags.Str("dir");
  const long requests = flags.Int("requests", 2000);
  const int pods = static_cast<int>(flags.Int("pods", 50));
  const int per_pod = static_cast<int>(flags.Int("containers-per-pod", 40));
  const std::string working_set = flags.Str("working-set", "64Mi");
  const std::string json = flags.Str("json");
  if (cri.empty() || address.port == 0 || dir.empty() || !flags.Unused().empty()) {
    std::cerr << "usage: endpoint_overhead --cri URL --port N --ca-cert F --token T --dir D\n";
    return 2;
  }
  auto setup = bench::ConnectAndMakeNode(cri, pods, per_pod, working_set);
  if (!setup.ok()) {
    std::cerr << setup.status() << "\n";
    return 1;
  }
  const std::unique_ptr<runtime::v1::RuntimeService::Stub>& stub = setup->stub;
  bench::Node* node = &setup->node;
  bench::EndpointClient client(address);

  std::vector<double> via_endpoint, direct, lookups;
  int errors = 0;
  const long warmup = 50;
  const size_t n = node->targets.size();
  for (long i = 0; i < requests + warmup; ++i) {
    const auto& t = node->targets[static_cast<size_t>(i) % n];
    bench::CheckpointResult e = client.Checkpoint("bench", t.pod, t.container);
    const std::string location = dir + "/direct-" + std::to_string(i) + ".tar";
    bench::CheckpointResult d = bench::DirectCheckpoint(stub.get(), t.container_id, location);
    for (const auto* r : {&e, &d}) {
      if (!r->ok) {
        ++errors;
        if (errors <= 5) std::cerr << "checkpoint failed: " << r->error << "\n";
      } else {
        ::unlink(r->location.c_str());
      }
    }
    const auto lookup_start = bench::SteadyClock::now();
    {
      grpc::ClientContext c1, c2;
      runtime::v1::ListPodSandboxResponse pods_resp;
      runtime::v1::ListContainersRequest creq;
      runtime::v1::ListContainersResponse containers_resp;
      bool ok = stub->ListPodSandbox(&c1, runtime::v1::ListPodSandboxRequest(), &pods_resp).ok();
      for (const auto& p : pods_resp.items()) {
        if (p.metadata().name() == t.pod) creq.mutable_filter()->set_pod_sandbox_id(p.id());
      }
      ok = ok && stub->ListContainers(&c2, creq, &containers_resp).ok();
      if (!ok) ++errors;
    }
    const double lookup_ms = bench::SecondsSince(lookup_start) * 1e3;
    if (i >= warmup && e.ok && d.ok) {
      via_endpoint.push_back(e.seconds * 1e3);
      direct.push_back(d.seconds * 1e3);
      lookups.push_back(lookup_ms);
    }
  }

  const bench::Summary se = bench::Summarize(via_endpoint);
  const bench::Summary sd = bench::Summarize(direct);
  const bench::Summary sl = bench::Summarize(lookups);
  std::vector<bench::Row> rows;
  bench::Row median;
  median.figure = "2";
  median.name = "Endpoint overhead, median";
  median.ours = bench::Fmt("%.2f ms (p25-p75 %.2f-%.2f)", se.median, se.p25, se.p75);
  median.peer = bench::Fmt("%.2f ms (p25-p75 %.2f-%.2f) direct CRI", sd.median, sd.p25, sd.p75);
  median.ratio = se.median / sd.median;
  median.target = "<= 1.5";
  median.met = *median.ratio <= 1.5 && errors == 0;
  median.detail = {{"endpoint_ms", bench::ToJson(se)},
                   {"direct_ms", bench::ToJson(sd)},
                   {"lookups_ms", bench::ToJson(sl)},
                   {"errors", errors}};
  rows.push_back(median);
  bench::Row split;
  split.figure = "2";
  split.name = "  overhead split (bound)";
  split.ours = bench::Fmt("+%.2f ms: lookups %.2f, rest %.2f", se.median - sd.median, sl.median,
                          se.median - sd.median - sl.median);
  split.peer = bench::Fmt("%d pods x %d containers", pods, per_pod);
  split.target = "(bound)";
  rows.push_back(split);
  bench::Row tail;
  tail.figure = "2";
  tail.name = "Endpoint p99 / own median";
  tail.ours = bench::Fmt("p99 %.2f ms", se.p99);
  tail.peer = bench::Fmt("median %.2f ms", se.median);
  tail.ratio = se.p99 / se.median;
  tail.target = "<= 3";
  tail.met = *tail.ratio <= 3 && errors == 0;
  rows.push_back(tail);
  bench::EmitRows(rows, json);
  return errors == 0 ? 0 : 1;
}
