#include "common/grpc_codes.h"

#include "gtest/gtest.h"

namespace kit {
namespace {

TEST(GrpcCodes, EveryCodeIsSpelledAsGrpcGoSpellsIt) {
  const char* expected[] = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  for (int i = 0; i <= 16; ++i) {
    EXPECT_EQ(GrpcCodeName(i), expected[i]);
    EXPECT_EQ(GrpcCodeFromName(expected[i]), i);
  }
  EXPECT_EQ(GrpcCodeName(17), "Code(17)");
  EXPECT_EQ(GrpcCodeFromName("Cancelled"), -1);  // grpc-go spells it with one l
}

TEST(GrpcCodes, ErrorTextMatchesGrpcGo) {
  EXPECT_EQ(GrpcErrorText(12, "method CheckpointContainer not implemented"),
            "rpc error: code = Unimplemented desc = method CheckpointContainer not implemented");
}

}  // namespace
}  // namespace kit
