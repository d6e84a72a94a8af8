#ifndef COMMON_LOG_H_
#define COMMON_LOG_H_

#include <string>

#include "absl/status/statusor.h"

namespace kit {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

absl::StatusOr<LogLevel> ParseLogLevel(const std::string& text);

// Process-wide level for the line logger below; set once by main. Default: info.
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

// Writes one line `<RFC3339 time> <level> <message>` to stderr, whole lines only
// (safe from many threads).
void LogLine(LogLevel level, const std::string& message);

}  // namespace kit

#endif  // COMMON_LOG_H_
