#ifndef CONFORMANCE_FRAMEWORK_CONTEXT_H_
#define CONFORMANCE_FRAMEWORK_CONTEXT_H_

// What a running test sees: the target, its deadline, and the ways to end it
// (Fail, Skip) or leave notes for the report. One per test run; not shared
// between threads. Fail and Skip throw TestEnd, which only the runner catches.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "conformance/framework/requirement.h"
#include "conformance/framework/target.h"
#include "nlohmann/json.hpp"

namespace conformance {

enum class Outcome { kPassed, kFailed, kSkipped };

struct TestEnd {
  Outcome outcome;
  std::string message;
};

class TestContext {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  TestContext(const Requirement& requirement, Target* target, Deadline deadline)
      : requirement_(requirement), target_(target), deadline_(deadline) {}

  const std::string& id() const { return requirement_.id; }
  Target& target() { return *target_; }
  // REQUIRES: the requirement needs the endpoint / the runtime / control.
  const EndpointTarget& endpoint() const { return *target_->endpoint; }
  const RuntimeTarget& runtime() const { return *target_->runtime; }
  FakeCriControl& control() { return *target_->control; }

  // Time left before --timeout ends this test; at least 1 ms. Every blocking
  // call a test makes is bounded by it.
  std::chrono::milliseconds Remaining() const;
  Deadline deadline() const { return deadline_; }

  [[noreturn]] void Fail(const std::string& why);
  [[noreturn]] void Skip(const std::string& why);
  void Check(bool ok, const std::string& why_not) {
    if (!ok) Fail(why_not);
  }
  // Detail kept in the report beside the outcome.
  void Note(const std::string& line) { notes_.push_back(line); }
  const std::vector<std::string>& notes() const { return notes_; }

  // Sets a fault rule (fake-cri JSON, without "container") on `container` until
  // the test ends. Fails the test if the fake refuses it.
  void InjectFault(const ContainerRef& container, nlohmann::json rule);

 private:
  const Requirement& requirement_;
  Target* target_;
  Deadline deadline_;
  std::vector<std::string> notes_;
  std::vector<std::unique_ptr<ScopedFault>> faults_;  // cleared when the test ends
};

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_CONTEXT_H_
