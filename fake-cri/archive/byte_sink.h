#ifndef FAKE_CRI_ARCHIVE_BYTE_SINK_H_
#define FAKE_CRI_ARCHIVE_BYTE_SINK_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace fakecri {

// Where archive bytes go: a file being written, or memory for small nested
// archives. Not thread-safe.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual absl::Status Append(const char* data, size_t n) = 0;
  absl::Status Append(const std::string& s) { return Append(s.data(), s.size()); }
};

class StringSink final : public ByteSink {
 public:
  absl::Status Append(const char* data, size_t n) override {
    out_.append(data, n);
    return absl::OkStatus();
  }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_ARCHIVE_BYTE_SINK_H_
