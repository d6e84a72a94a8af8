#ifndef FAKE_CRI_CONTAINER_LOG_H_
#define FAKE_CRI_CONTAINER_LOG_H_

// Container log files as containerd writes them (the file the kubelet reads
// for `kubectl logs`): one entry per line, `<RFC3339Nano> <stream> <F|P>
// <line>`, where P marks a line split at the 16 KiB limit or left without a
// newline when the stream ends.

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace fakecri {

// containerd's default max_container_log_line_size (pkg/cri/config/config_unix.go@v1.6.20).
inline constexpr size_t kMaxLogLineSize = 16 * 1024;

// Go's time.RFC3339Nano of a wall time in UTC: trailing zeros of the fraction
// dropped, and the dot too when it is zero ("2026-11-26T14:22:09.7348351Z").
std::string GoRfc3339Nano(int64_t wall_ns);

// The entries containerd's CRI logger writes for `text` read from one stream
// ("stdout" or "stderr"), all stamped `wall_ns` (pkg/cri/io/logger.go@v1.6.20
// redirectLogs): a line longer than `max_line` is cut into P entries of
// `max_line` bytes, a last line without a newline is a P entry.
std::string FormatCriLog(int64_t wall_ns, const std::string& stream, const std::string& text,
                         size_t max_line = kMaxLogLineSize);

// Opens the log as containerd's openLogFile does (pkg/cri/server/helpers_linux.go@v1.6.20):
// its directory made with MkdirAll(dir, 0755), the file opened
// O_CREATE|O_APPEND|O_WRONLY with mode 0640; then appends `entries`. Errors
// read as Go's (`open <path>: permission denied`). An empty path does nothing
// (containerd discards the output).
absl::Status AppendContainerLog(const std::string& path, const std::string& entries);

}  // namespace fakecri

#endif  // FAKE_CRI_CONTAINER_LOG_H_
