#ifndef ENDPOINT_RETENTION_H_
#define ENDPOINT_RETENTION_H_

#include <string>
#include <vector>

#include "endpoint/archive_namer.h"

namespace endpoint {

// --max-checkpoints-per-container N: after a successful checkpoint, the oldest
// archives of that container beyond the newest N are deleted. Only files whose
// whole name is this container's kubelet name (the prefix, then an RFC 3339
// stamp, then ".tar") count, so container "web" never touches "web-2"'s
// archives; a location still in use is never deleted. Returns what it deleted.
std::vector<std::string> EnforceRetention(const ArchiveNamer& namer, const std::string& ns,
                                          const std::string& pod, const std::string& container,
                                          size_t keep);

// Whether `stamp` is an RFC 3339 time as Rfc3339Local writes it.
bool IsArchiveStamp(const std::string& stamp);

}  // namespace endpoint

#endif  // ENDPOINT_RETENTION_H_
