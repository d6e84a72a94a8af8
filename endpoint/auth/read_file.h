#ifndef ENDPOINT_AUTH_READ_FILE_H_
#define ENDPOINT_AUTH_READ_FILE_H_

// Reads a whole configuration file (token file, policy file, client CA bundle)
// with an error that names it. Thread-safe.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace endpoint {

// Errors: `<what> <path>: cannot read: <strerror>`, as NotFound (ENOENT),
// PermissionDenied (EACCES, EPERM) or FailedPrecondition (anything else, e.g.
// a directory).
absl::StatusOr<std::string> ReadConfigFile(const std::string& path, absl::string_view what);

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_READ_FILE_H_
