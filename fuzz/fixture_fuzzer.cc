// libFuzzer target: fake-cri fixtures (--fixture), through fake-cri's own
// parser (ParseFixture; called, not changed, here).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fake-cri/fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)fakecri::ParseFixture(text, "fixture.json");
  return 0;
}
