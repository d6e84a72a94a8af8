#ifndef CONFORMANCE_FRAMEWORK_CHECKS_H_
#define CONFORMANCE_FRAMEWORK_CHECKS_H_

// Steps the area tests share: sending a checkpoint request, telling a runtime
// that cannot checkpoint from one that fails, and the archive preconditions.
//
// One rule keeps failure reports honest: each property of an archive is
// asserted by exactly one requirement (archive.*); a test that merely needs a
// good archive to check something else *skips* when the archive is bad, naming
// the requirement that fails for it. A broken runtime thus shows one failure
// per fault, not a cascade.

#include <functional>
#include <optional>
#include <string>

#include "conformance/framework/archive_inspector.h"
#include "conformance/framework/context.h"
#include "conformance/framework/http_client.h"
#include "conformance/framework/kubelet_forms.h"

namespace conformance {

// Anonymous: no token, no client certificate.
inline const Credentials kNoCredentials{};

// A request to the endpoint under test as `who` (default: the allowed
// identity), bounded by the test's deadline.
HttpResult Send(TestContext& t, const std::string& method, const std::string& path_and_query,
                const Credentials* who = nullptr);
// POST /checkpoint/<container><query> as the allowed identity.
HttpResult PostCheckpoint(TestContext& t, const ContainerRef& c, const std::string& query = "");

// Fails unless `r` is exactly `status` with `body`; `what` names the request.
void ExpectAnswer(TestContext& t, const std::string& what, const HttpResult& r, int status,
                  const std::string& body);

// Judges an answer whose form depends on the kubelet's version: against the
// form of the target's version (`expected(minor)`), or, when the version is
// unknown, against every version's, noting which matched. A failure names the
// version judged as and the versions whose answer it is.
void ExpectVersioned(TestContext& t, const std::string& what, const HttpResult& r,
                     const std::function<Form(int)>& expected);

// The entries the Kubernetes node e2e test requires in every archive.
extern const char* const kRequiredEntries[3];

// True for a CRI error text that means "this runtime cannot checkpoint": the
// exact texts of the runtimes that cannot (containerd 1.6.0-1.6.8 and
// 1.6.9-1.7.x, CRI-O without CRIU or with a runtime that cannot, containerd
// 2.0-2.3 and 2.2.7+/2.3.4+/2.4 without CRIU, with the cause they append).
// Any other text, Unimplemented ones included, is not.
bool IsCannotCheckpointError(const std::string& grpc_text);
// The runtime's text when `r` is the endpoint's 500 for such a runtime.
std::optional<std::string> CannotCheckpointText(const HttpResult& r, const ContainerRef& c);

// Checkpoints `c` and answers the archive path from the 200 body. Skips when
// the runtime cannot checkpoint (with its text) or the body is not
// {"items":[path]} (responses.200-* fails for that); fails on any other answer.
std::string CheckpointOrSkip(TestContext& t, const ContainerRef& c, const std::string& query = "");

// Parses {"items":["<path>"]}; nullopt (and why) for anything else.
std::optional<std::string> ParseItems(const std::string& body, std::string* why);

// Skips unless <root-dir>/checkpoints is reachable from where the suite runs.
void RequireLocalFiles(TestContext& t);

// Skips unless `path` holds a regular file that the independent reader reads
// as a tar with the required entries; answers what it read.
TarFacts RequireGoodArchive(TestContext& t, const std::string& path);

// The sum of `metric`'s samples labelled operation_type="checkpoint_container"
// in Prometheus text format; 0 when there are none (not yet registered).
double CheckpointOperationSamples(const std::string& prometheus_text, const std::string& metric);

// Empty when spec.dump/config.dump name container `c` (the annotations CRI-O
// and containerd write); otherwise what is wrong.
std::string CheckNamesContainer(const TarFacts& tar, const ContainerRef& c);

}  // namespace conformance

#endif  // CONFORMANCE_FRAMEWORK_CHECKS_H_
