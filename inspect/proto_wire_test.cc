#include "inspect/proto_wire.h"

#include <string>

#include "gtest/gtest.h"

namespace inspect {
namespace {

using std::string_literals::operator""s;

TEST(WireMessage, ReadsVarintsStringsFixedAndRepeatedFields) {
  // 1: 150 (varint), 2: "hi", 3: 7 and 8 unpacked, 4: packed [1, 300],
  // 5: fixed32 1, 6: sint -2 (zigzag 3).
  const std::string data =
      "\x08\x96\x01\x12\x02hi\x18\x07\x18\x08\x22\x03\x01\xac\x02"
      "\x2d\x01\x00\x00\x00\x30\x03"s;
  absl::StatusOr<WireMessage> m = WireMessage::Parse(data);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->Varint(1), 150u);
  EXPECT_EQ(m->Bytes(2), "hi");
  EXPECT_EQ(m->Varint(3), 8u);  // the last occurrence, as proto2 keeps it
  EXPECT_EQ(*m->RepeatedVarint(3), (std::vector<uint64_t>{7, 8}));
  EXPECT_EQ(*m->RepeatedVarint(4), (std::vector<uint64_t>{1, 300}));
  EXPECT_EQ(m->Varint(5), 1u);
  EXPECT_EQ(m->Sint(6), -2);
  EXPECT_FALSE(m->Varint(9).has_value());
  EXPECT_FALSE(m->Bytes(1).has_value());
}

TEST(WireMessage, ReadsTheLargestVarint) {
  const std::string data = "\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s;
  absl::StatusOr<WireMessage> m = WireMessage::Parse(data);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->Varint(1), ~0ULL);
}

TEST(WireMessage, SaysWhereAMessageIsBroken) {
  struct Case {
    std::string data;
    std::string error;
  } cases[] = {
      {"\x08\x96"s, "varint at byte 1 is truncated"},
      {"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s,
       "varint at byte 1 is longer than 10 bytes"},
      {"\x08\x01\x12\x05hi"s, "field 2 at byte 2 claims 5 bytes but only 2 remain"},
      {"\x00\x01"s, "field at byte 0 has an invalid number"},
      {"\x0b\x01"s, "field 1 at byte 0 has unsupported wire type 3"},
      {"\x0d\x01\x02"s, "field 1 at byte 0 is truncated"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<WireMessage> m = WireMessage::Parse(c.data);
    ASSERT_FALSE(m.ok()) << c.error;
    EXPECT_EQ(m.status().message(), c.error);
  }
}

}  // namespace
}  // namespace inspect
