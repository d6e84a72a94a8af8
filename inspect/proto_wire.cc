#include "inspect/proto_wire.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace inspect {

absl::StatusOr<uint64_t> ReadVarint(std::string_view data, size_t* pos) {
  uint64_t value = 0;
  const size_t start = *pos;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= data.size()) {
      return absl::DataLossError(absl::StrCat("varint at byte ", start, " is truncated"));
    }
    const uint8_t byte = static_cast<uint8_t>(data[(*pos)++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return absl::DataLossError(absl::StrCat("varint at byte ", start, " is longer than 10 bytes"));
}

absl::StatusOr<WireMessage> WireMessage::Parse(std::string_view data) {
  WireMessage msg;
  size_t pos = 0;
  while (pos < data.size()) {
    const size_t at = pos;
    absl::StatusOr<uint64_t> tag = ReadVarint(data, &pos);
    if (!tag.ok()) return tag.status();
    WireField f;
    f.number = static_cast<uint32_t>(*tag >> 3);
    if (f.number == 0 || (*tag >> 3) > 0x1fffffff) {
      return absl::DataLossError(absl::StrCat("field at byte ", at, " has an invalid number"));
    }
    switch (*tag & 7) {
      case 0: {
        absl::StatusOr<uint64_t> v = ReadVarint(data, &pos);
        if (!v.ok()) return v.status();
        f.type = WireType::kVarint;
        f.value = *v;
        break;
      }
      case 1:
      case 5: {
        const size_t width = (*tag & 7) == 1 ? 8 : 4;
        if (data.size() - pos < width) {
          return absl::DataLossError(
              absl::StrCat("field ", f.number, " at byte ", at, " is truncated"));
        }
        for (size_t i = 0; i < width; ++i) {
          f.value |= static_cast<uint64_t>(static_cast<uint8_t>(data[pos + i])) << (8 * i);
        }
        pos += width;
        f.type = width == 8 ? WireType::kFixed64 : WireType::kFixed32;
        break;
      }
      case 2: {
        absl::StatusOr<uint64_t> len = ReadVarint(data, &pos);
        if (!len.ok()) return len.status();
        if (*len > data.size() - pos) {
          return absl::DataLossError(absl::StrCat("field ", f.number, " at byte ", at, " claims ",
                                                  *len, " bytes but only ", data.size() - pos,
                                                  " remain"));
        }
        f.type = WireType::kLengthDelimited;
        f.bytes = data.substr(pos, static_cast<size_t>(*len));
        pos += static_cast<size_t>(*len);
        break;
      }
      default:
        return absl::DataLossError(absl::StrCat("field ", f.number, " at byte ", at,
                                                " has unsupported wire type ", *tag & 7));
    }
    msg.fields_.push_back(f);
  }
  return msg;
}

std::optional<uint64_t> WireMessage::Varint(uint32_t number) const {
  std::optional<uint64_t> out;
  for (const WireField& f : fields_) {
    if (f.number == number && f.type != WireType::kLengthDelimited) out = f.value;
  }
  return out;
}

std::optional<int64_t> WireMessage::Sint(uint32_t number) const {
  std::optional<uint64_t> v = Varint(number);
  if (!v) return std::nullopt;
  return static_cast<int64_t>(*v >> 1) ^ -static_cast<int64_t>(*v & 1);
}

std::optional<std::string_view> WireMessage::Bytes(uint32_t number) const {
  std::optional<std::string_view> out;
  for (const WireField& f : fields_) {
    if (f.number == number && f.type == WireType::kLengthDelimited) out = f.bytes;
  }
  return out;
}

absl::StatusOr<std::vector<uint64_t>> WireMessage::RepeatedVarint(uint32_t number) const {
  std::vector<uint64_t> out;
  for (const WireField& f : fields_) {
    if (f.number != number) continue;
    if (f.type != WireType::kLengthDelimited) {
      out.push_back(f.value);
      continue;
    }
    size_t pos = 0;  // packed
    while (pos < f.bytes.size()) {
      absl::StatusOr<uint64_t> v = ReadVarint(f.bytes, &pos);
      if (!v.ok()) {
        return absl::DataLossError(
            absl::StrCat("packed field ", number, ": ", v.status().message()));
      }
      out.push_back(*v);
    }
  }
  return out;
}

std::vector<std::string_view> WireMessage::RepeatedBytes(uint32_t number) const {
  std::vector<std::string_view> out;
  for (const WireField& f : fields_) {
    if (f.number == number && f.type == WireType::kLengthDelimited) out.push_back(f.bytes);
  }
  return out;
}

}  // namespace inspect
