#include "common/grpc_codes.h"

namespace kit {
namespace {
// Index = code number (grpc-go codes/code_string.go).
constexpr const char* kNames[] = {
    "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
    "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
    "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
    "DataLoss", "Unauthenticated"};
}  // namespace

std::string GrpcCodeName(int code) {
  if (code >= 0 && code <= 16) return kNames[code];
  return "Code(" + std::to_string(code) + ")";
}

int GrpcCodeFromName(const std::string& name) {
  for (int i = 0; i <= 16; ++i) {
    if (name == kNames[i]) return i;
  }
  return -1;
}

std::string GrpcErrorText(int code, const std::string& message) {
  return "rpc error: code = " + GrpcCodeName(code) + " desc = " + message;
}

}  // namespace kit
