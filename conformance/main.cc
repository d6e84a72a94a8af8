// checkpoint-conformance: the kubelet checkpoint API, requirement by
// requirement, against the bundled stack, an endpoint, or a CRI runtime.

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "common/log.h"
#include "conformance/framework/bundled_stack.h"
#include "conformance/framework/kubelet_forms.h"
#include "conformance/framework/options.h"
#include "conformance/framework/report.h"
#include "conformance/framework/runner.h"
#include "conformance/framework/target_probe.h"

namespace {
constexpr char kVersion[] = "0.1.0";  // the kit's version: CMake's PROJECT_VERSION
}

int main(int argc, char** argv) {
  using namespace conformance;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (std::find(args.begin(), args.end(), "--version") != args.end()) {
    std::cout << "checkpoint-conformance " << kVersion << "\n";
    return 0;
  }
  auto options = ParseOptions(args);
  if (!options.ok()) {
    std::cerr << "checkpoint-conformance: " << options.status().message() << "\n";
    return 2;
  }
  if (options->help) {
    std::cout << OptionsUsage();
    return 0;
  }
  Requirements selected = Select(AllRequirements(), options->run.focus, options->run.skip);
  if (options->list) {
    for (const auto& r : selected) std::cout << r.id << "\n    " << r.title << "\n";
    return 0;
  }
  kit::SetLogLevel(options->verbose ? kit::LogLevel::kInfo : kit::LogLevel::kError);

  auto start = std::chrono::steady_clock::now();
  Target target;
  std::unique_ptr<BundledStack> stack;
  if (options->bundled()) {
    auto started = BundledStack::Start(selected, options->fake_cri_flags, options->endpoint_flags);
    if (!started.ok()) {
      std::cerr << "checkpoint-conformance: cannot start the bundled stack: "
                << started.status().message() << "\n";
      return 2;
    }
    stack = std::move(*started);
    stack->Describe(&target);
  } else {
    target.endpoint = options->endpoint;
    target.runtime = options->runtime;
    if (!options->fake_cri_control.empty()) {
      target.control = std::make_unique<FakeCriControl>(options->fake_cri_control);
    }
    std::string what;
    if (target.endpoint) what = "endpoint " + target.endpoint->url;
    if (target.runtime)
      what += (what.empty() ? "" : " and ") + std::string("runtime ") + target.runtime->endpoint;
    target.description = what;
  }
  if (target.endpoint) {
    EndpointTarget& e = *target.endpoint;
    e.expect_enabled = options->expect_enabled;
    ProbeEndpoint(&e, options->kubelet_minor, std::chrono::seconds(30));
    const KubeletFacts& k = e.kubelet;
    target.description += k.minor ? ", judged as kubelet " + KubeletName(*k.minor) : "";
    std::cout << "kubelet version: "
              << (k.minor ? KubeletName(*k.minor) + " from " + k.version_source : k.version_source)
              << "\n";
    if (!k.api_registered) std::cout << "no checkpoint API: " << k.api_absent_answer << "\n";
    if (k.anonymous) std::cout << "anonymous auth is on: " << k.anonymous_answer << "\n";
  }
  std::cout << "checkpoint-conformance: " << selected.size() << " requirements against "
            << target.description << "\n";

  auto results = RunRequirements(selected, &target, options->run,
                                 [](const TestResult& r) { PrintLive(r, std::cout); });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PrintSummary(results, target.description, seconds, std::cout);
  if (!options->report_dir.empty()) {
    absl::Status s = WriteReports(results, target.description, seconds, options->report_dir);
    if (!s.ok()) {
      std::cerr << "checkpoint-conformance: " << s.message() << "\n";
      return 2;
    }
    std::cout << "reports: " << options->report_dir << "/junit.xml, " << options->report_dir
              << "/results.json\n";
  }
  stack.reset();
  return ExitOk(results, options->strict) ? 0 : 1;
}
