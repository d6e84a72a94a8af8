// Checkpoints close together: the upstream weak spot (two checkpoints of one
// container in one second get one name, and the runtime writes the second over
// the first) must not lose an archive; checkpoints of different containers at
// once must all succeed.

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "conformance/framework/checks.h"
#include "conformance/framework/requirement.h"

namespace conformance {
namespace {

void TwoQuickCheckpoints(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  const ContainerRef& c = e.ContainerFor(t.id());
  bool local = InspectPath(e.CheckpointsDir()).exists;
  // Start just after a second begins, so that two quick checkpoints fall in
  // one second whenever the node's clock is close to ours: a kubelet then
  // names both alike, and the result does not depend on luck.
  auto now = std::chrono::system_clock::now();
  auto next = std::chrono::ceil<std::chrono::seconds>(now) + std::chrono::milliseconds(20);
  std::this_thread::sleep_until(next);
  std::string first = CheckpointOrSkip(t, c);
  std::string digest;
  if (local) {
    RequireGoodArchive(t, first);
    digest = FileDigest(first);
  }
  std::string second = CheckpointOrSkip(t, c);
  t.Check(first != second, "both checkpoints answered the same path " + first +
                               ": the second archive replaced (or was written into) the first");
  if (!local) {
    t.Note("file checks skipped: " + e.CheckpointsDir() + " is not reachable from here");
    return;
  }
  t.Check(FileDigest(first) == digest,
          "the first archive " + first + " changed during the second checkpoint");
  PathFacts f = InspectPath(second);
  t.Check(f.exists && f.regular, "no regular file at the second archive's path " + second);
  TarFacts tar = ReadTar(second);
  t.Check(tar.readable, "the second archive " + second + " is not a readable tar: " + tar.error);
  for (const char* entry : kRequiredEntries) {
    t.Check(tar.contents.count(entry) > 0, "the second archive " + second + " lacks " + entry);
  }
}

void ConcurrentContainers(TestContext& t) {
  const EndpointTarget& e = t.endpoint();
  std::vector<ContainerRef> containers = {e.ContainerFor(t.id())};
  containers.insert(containers.end(), e.others.begin(), e.others.end());
  if (containers.size() < 2) {
    t.Skip(
        "needs --other-containers NS/POD/NAME,...: more running containers to checkpoint at once");
  }
  std::vector<HttpResult> results(containers.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < containers.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = PostCheckpoint(t, containers[i]); });
  }
  for (auto& th : threads) th.join();

  std::set<std::string> paths;
  for (size_t i = 0; i < containers.size(); ++i) {
    const ContainerRef& c = containers[i];
    if (auto text = CannotCheckpointText(results[i], c))
      t.Skip("the runtime cannot checkpoint: " + *text);
    t.Check(results[i].sent && results[i].status == 200,
            "POST " + c.Path() + " (one of " + std::to_string(containers.size()) +
                " at once) answered " + results[i].Describe() + ", want 200");
    std::string why;
    auto path = ParseItems(results[i].body, &why);
    if (!path)
      t.Skip("precondition: a 200 body is " + why +
             " (responses.200-items-json-with-archive-path fails)");
    t.Check(paths.insert(*path).second, "two containers got the same archive path " + *path);
  }
  if (!InspectPath(e.CheckpointsDir()).exists) {
    t.Note("file checks skipped: " + e.CheckpointsDir() + " is not reachable from here");
    return;
  }
  for (const auto& path : paths) RequireGoodArchive(t, path);
  t.Note(std::to_string(paths.size()) + " archives, all intact");
}

}  // namespace

void AddConcurrencyRequirements(Requirements* out) {
  out->push_back(
      {"concurrency.two-quick-checkpoints-two-intact-archives",
       "two checkpoints of one container in quick succession give two distinct archives, "
       "the first unchanged by the second (a kubelet names both after the same second "
       "and a runtime writes the second over the first)",
       kNeedsEndpoint, false, false, TwoQuickCheckpoints, Level::kShould});
  out->push_back({"concurrency.different-containers-at-once",
                  "checkpoints of different containers at the same time all succeed, each with its "
                  "own intact archive",
                  kNeedsEndpoint, false, false, ConcurrentContainers});
}

}  // namespace conformance
