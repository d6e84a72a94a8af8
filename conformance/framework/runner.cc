#include "conformance/framework/runner.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <regex>
#include <thread>

namespace conformance {
namespace {

std::string UnmetNeed(const Requirement& r, const Target& target) {
  if ((r.needs & kNeedsEndpoint) && !target.endpoint) {
    return "needs an endpoint (run without target flags, or pass --endpoint-url)";
  }
  if ((r.needs & kNeedsRuntime) && !target.runtime) {
    return "needs a CRI runtime (run without target flags, or pass --runtime-endpoint)";
  }
  if ((r.needs & kNeedsControl) && !target.control) {
    return "needs a runtime whose faults the suite can set: fake-cri (bundled stack, or "
           "--fake-cri-control)";
  }
  if ((r.needs & kNeedsEndpoint) && !target.endpoint->kubelet.api_registered &&
      r.id != kApiEnabledRequirement) {
    return "not run: the node serves no checkpoint API (" + std::string(kApiEnabledRequirement) +
           ")";
  }
  if ((r.needs & kNeedsAnonymousOff) && target.endpoint->kubelet.anonymous) {
    return "not applicable: anonymous auth is on, so a request without credentials is user "
           "system:anonymous (" +
           target.endpoint->kubelet.anonymous_answer + "); auth.anonymous-auth-off reports it";
  }
  return "";
}

TestResult RunOne(const Requirement& r, Target* target, std::chrono::milliseconds timeout) {
  TestResult result;
  result.id = r.id;
  result.title = r.title;
  result.level = r.level;
  auto start = std::chrono::steady_clock::now();
  std::string unmet = UnmetNeed(r, *target);
  if (!unmet.empty()) {
    result.outcome = Outcome::kSkipped;
    result.message = unmet;
    return result;
  }
  {
    TestContext t(r, target, start + timeout);
    try {
      r.run(t);
      result.outcome = Outcome::kPassed;
    } catch (const TestEnd& end) {
      result.outcome = end.outcome;
      result.message = end.message;
    } catch (const std::exception& e) {
      result.outcome = Outcome::kFailed;
      result.message = std::string("unexpected exception: ") + e.what();
    }
    result.notes = t.notes();
  }  // faults set by the test are cleared here
  auto elapsed = std::chrono::steady_clock::now() - start;
  result.seconds = std::chrono::duration<double>(elapsed).count();
  if (elapsed > timeout && result.outcome != Outcome::kSkipped) {
    std::string was = result.message.empty() ? "" : " (" + result.message + ")";
    result.outcome = Outcome::kFailed;
    result.message = "did not finish within --timeout " +
                     std::to_string(std::chrono::duration<double>(timeout).count()) + "s" + was;
  }
  return result;
}

}  // namespace

Requirements Select(const Requirements& all, const std::string& focus, const std::string& skip) {
  std::regex f(focus.empty() ? "." : focus), s(skip.empty() ? "$^" : skip);
  Requirements out;
  for (const auto& r : all) {
    if (std::regex_search(r.id, f) && (skip.empty() || !std::regex_search(r.id, s)))
      out.push_back(r);
  }
  return out;
}

std::vector<TestResult> RunRequirements(const Requirements& requirements, Target* target,
                                        const RunOptions& options,
                                        const std::function<void(const TestResult&)>& on_done) {
  std::vector<TestResult> results(requirements.size());
  bool dedicated = target->endpoint && target->endpoint->has_dedicated_containers();
  std::vector<size_t> shared, alone;
  for (size_t i = 0; i < requirements.size(); ++i) {
    const Requirement& r = requirements[i];
    (r.serial || (r.injects_faults && !dedicated) ? alone : shared).push_back(i);
  }
  std::mutex mu;
  auto finish = [&](size_t i, TestResult result) {
    std::lock_guard<std::mutex> lock(mu);
    results[i] = std::move(result);
    on_done(results[i]);
  };

  std::atomic<size_t> next{0};
  int workers = std::max(1, std::min<int>(options.parallel, static_cast<int>(shared.size())));
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (size_t k; (k = next.fetch_add(1)) < shared.size();) {
        finish(shared[k], RunOne(requirements[shared[k]], target, options.timeout));
      }
    });
  }
  for (auto& th : threads) th.join();
  for (size_t i : alone) finish(i, RunOne(requirements[i], target, options.timeout));
  return results;
}

}  // namespace conformance
