// libFuzzer target: --token-auth-file contents (kube-apiserver's CSV, read as
// Go's encoding/csv reads it), then a lookup of a token from the same input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "endpoint/auth/token_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto authenticator = endpoint::TokenFileAuthenticator::Parse(text, "tokens.csv");
  if (!authenticator.ok()) return 0;
  endpoint::AuthRequest request;
  // The first line's first field, offered as a bearer token.
  request.headers["authorization"] = "Bearer " + text.substr(0, text.find_first_of(",\n"));
  (void)(*authenticator)->Authenticate(request);
  return 0;
}
