#include "fake-cri/archive/tar_writer.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace fakecri {
namespace {

constexpr size_t kBlock = 512;

// Octal, zero-padded, NUL-terminated, in a field of `width` bytes.
void PutOctal(char* field, size_t width, uint64_t value) {
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

// Counts what the body writes, so a wrong size is caught, not shipped.
class CountingSink final : public ByteSink {
 public:
  explicit CountingSink(ByteSink* inner) : inner_(inner) {}
  absl::Status Append(const char* data, size_t n) override {
    count_ += n;
    return inner_->Append(data, n);
  }
  uint64_t count() const { return count_; }

 private:
  ByteSink* inner_;
  uint64_t count_ = 0;
};

}  // namespace

absl::Status TarWriter::WriteHeader(const std::string& name, char type, uint64_t size,
                                    uint32_t mode) {
  char h[kBlock];
  std::memset(h, 0, sizeof h);
  std::string prefix, base = name;
  if (base.size() > 100) {
    // Split at a '/' so that prefix <= 155 and name <= 100 bytes.
    size_t cut = base.rfind('/', 155);
    if (cut == std::string::npos || base.size() - cut - 1 > 100 || cut == 0) {
      return absl::InvalidArgumentError(absl::StrCat("tar entry name too long: ", name));
    }
    prefix = base.substr(0, cut);
    base = base.substr(cut + 1);
  }
  std::memcpy(h, base.data(), base.size());
  uint32_t type_bits = 0;
  if (style_.type_bits_in_mode) type_bits = type == '5' ? 040000 : 0100000;
  PutOctal(h + 100, 8, mode | type_bits);
  PutOctal(h + 108, 8, 0);  // uid
  PutOctal(h + 116, 8, 0);  // gid
  if (size < (1ULL << 33)) {
    PutOctal(h + 124, 12, size);
  } else {
    // GNU base-256: high bit of the first byte set, big-endian value.
    h[124] = static_cast<char>(0x80);
    for (int i = 11; i >= 4; --i) {
      h[124 + i] = static_cast<char>(size & 0xff);
      size >>= 8;
    }
  }
  PutOctal(h + 136, 12, static_cast<uint64_t>(mtime_ < 0 ? 0 : mtime_));
  std::memset(h + 148, ' ', 8);  // checksum is computed with spaces here
  h[156] = type;
  std::memcpy(h + 257, "ustar", 6);  // magic "ustar\0"
  std::memcpy(h + 263, "00", 2);
  const size_t owner_len = std::strlen(style_.owner_name);
  if (owner_len < 32) {
    std::memcpy(h + 265, style_.owner_name, owner_len);
    std::memcpy(h + 297, style_.owner_name, owner_len);
  }
  if (!prefix.empty()) std::memcpy(h + 345, prefix.data(), prefix.size());
  unsigned sum = 0;
  for (unsigned char c : std::string(h, kBlock)) sum += c;
  PutOctal(h + 148, 7, sum);  // six digits, NUL, then the space left in place
  return sink_->Append(h, kBlock);
}

absl::Status TarWriter::Pad(uint64_t size) {
  static const char kZeros[kBlock] = {};
  size_t rem = static_cast<size_t>(size % kBlock);
  if (rem == 0) return absl::OkStatus();
  return sink_->Append(kZeros, kBlock - rem);
}

absl::Status TarWriter::AddDirectory(const std::string& name, uint32_t mode) {
  std::string n = name.empty() || name.back() == '/' ? name : name + "/";
  return WriteHeader(n, '5', 0, mode);
}

absl::Status TarWriter::AddFile(const std::string& name, const std::string& content,
                                uint32_t mode) {
  if (absl::Status s = WriteHeader(name, '0', content.size(), mode); !s.ok()) return s;
  if (absl::Status s = sink_->Append(content); !s.ok()) return s;
  return Pad(content.size());
}

absl::Status TarWriter::AddStreamedFile(const std::string& name, uint64_t size, uint32_t mode,
                                        const std::function<absl::Status(ByteSink*)>& body) {
  if (absl::Status s = WriteHeader(name, '0', size, mode); !s.ok()) return s;
  CountingSink counting(sink_);
  if (absl::Status s = body(&counting); !s.ok()) return s;
  if (counting.count() != size) {
    return absl::InternalError(absl::StrCat("tar entry ", name, ": body wrote ", counting.count(),
                                            " bytes, header says ", size));
  }
  return Pad(size);
}

absl::Status TarWriter::Finish() {
  static const char kZeros[2 * kBlock] = {};
  return sink_->Append(kZeros, sizeof kZeros);
}

}  // namespace fakecri
