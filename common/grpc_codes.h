#ifndef COMMON_GRPC_CODES_H_
#define COMMON_GRPC_CODES_H_

#include <string>

namespace kit {

// gRPC status codes spelled as grpc-go's codes.Code.String() spells them
// ("OK", "Canceled", "Unknown", ..., "Unauthenticated"); "Code(<n>)" beyond 16,
// as grpc-go does.
std::string GrpcCodeName(int code);
// The code for a name as above; -1 when unknown.
int GrpcCodeFromName(const std::string& name);

// An error as grpc-go renders it in the kubelet's messages:
// "rpc error: code = <Name> desc = <message>".
std::string GrpcErrorText(int code, const std::string& message);

}  // namespace kit

#endif  // COMMON_GRPC_CODES_H_
