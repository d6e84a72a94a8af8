#ifndef INSPECT_PROTO_WIRE_H_
#define INSPECT_PROTO_WIRE_H_

// A minimal reader of the protobuf wire format (proto2 and proto3 share it):
// enough to take CRIU's image entries apart without generated code. A message
// is split into its fields in wire order; lookups then ask for a field number.
// Values are views into the caller's buffer, which must outlive the message.
// Stateless after construction; thread-compatible.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace inspect {

enum class WireType : uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5,
};

struct WireField {
  uint32_t number = 0;
  WireType type = WireType::kVarint;
  uint64_t value = 0;      // varint, fixed32 or fixed64
  std::string_view bytes;  // length-delimited
};

class WireMessage {
 public:
  // Splits `data` into fields. Fails, naming the byte offset, on a truncated
  // varint or field, a field number of 0, or a wire type other than 0, 1, 2, 5
  // (groups are not used by CRIU).
  static absl::StatusOr<WireMessage> Parse(std::string_view data);

  const std::vector<WireField>& fields() const { return fields_; }

  // The last occurrence of a scalar field, as proto2 parsers keep it.
  std::optional<uint64_t> Varint(uint32_t number) const;
  // A sint32/sint64 field, zigzag-decoded.
  std::optional<int64_t> Sint(uint32_t number) const;
  std::optional<std::string_view> Bytes(uint32_t number) const;
  // Every value of a repeated varint field, packed or not.
  absl::StatusOr<std::vector<uint64_t>> RepeatedVarint(uint32_t number) const;
  // Every occurrence of a length-delimited field (repeated messages).
  std::vector<std::string_view> RepeatedBytes(uint32_t number) const;

 private:
  std::vector<WireField> fields_;
};

// Reads one varint at `*pos`, advancing it. Fails on truncation or on more
// than 10 bytes.
absl::StatusOr<uint64_t> ReadVarint(std::string_view data, size_t* pos);

}  // namespace inspect

#endif  // INSPECT_PROTO_WIRE_H_
