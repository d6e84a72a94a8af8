#ifndef ENDPOINT_AUTH_READ_FILE_H_
#define ENDPOINT_AUTH_READ_FILE_H_

// Reads a whole configuration file (token file, policy file, client CA bundle,
// kubeconfig and the files it names) with an error that names it. Thread-safe.

#include <cstddef>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace endpoint {

// No configuration file is this big; a path to /dev/zero or the like ends in
// an error rather than in memory exhaustion.
inline constexpr size_t kMaxConfigFileBytes = 16 << 20;

// Errors: `<what> <path>: cannot read: <strerror>`, as NotFound (ENOENT),
// PermissionDenied (EACCES, EPERM) or FailedPrecondition (anything else, e.g.
// a directory); `<what> <path>: larger than 16 MiB` (FailedPrecondition).
absl::StatusOr<std::string> ReadConfigFile(const std::string& path, absl::string_view what);

// The seam of parsers that follow paths named in a file (a kubeconfig):
// ReadConfigFile by default; tests and fuzz targets give one that reads
// nothing from disk.
using ConfigFileReader =
    std::function<absl::StatusOr<std::string>(const std::string& path, absl::string_view what)>;

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_READ_FILE_H_
