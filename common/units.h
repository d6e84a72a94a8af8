#ifndef COMMON_UNITS_H_
#define COMMON_UNITS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace kit {

// "268435456", "256Mi", "1Gi", "512Ki", "2G", "500M", "1k": a byte count in the
// Kubernetes quantity spelling (binary Ki/Mi/Gi/Ti, decimal k/M/G/T), integers only.
absl::StatusOr<uint64_t> ParseByteQuantity(const std::string& text);

// "300ms", "2s", "1m30s", "1.5s", "250us", "0": a Go-style duration, as nanoseconds.
// Negative durations are rejected.
absl::StatusOr<int64_t> ParseDurationNanos(const std::string& text);

// A fresh 64-hex-digit id, as containerd and CRI-O give sandboxes and containers.
std::string NewId();

}  // namespace kit

#endif  // COMMON_UNITS_H_
