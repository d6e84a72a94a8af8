#ifndef COMMON_BEAST_CHUNKED_H_
#define COMMON_BEAST_CHUNKED_H_

#include <cstddef>

namespace kit {

// Whether Boost.Beast's request parser may be offered `buffered` bytes now.
//
// Boost 1.74's parser (Debian 12's) asserts, in builds with assertions (the
// sanitizer and fuzzing builds), when the last chunk of a chunked body, having
// answered need_more with 3 bytes ("0\r\n"), is offered 4: its check wants 5
// (fixed upstream in boostorg/beast pull request 2861, 2024; release builds
// compile the check out and parse correctly). A valid rest of a chunked body
// always holds at least that last chunk, "0\r\n\r\n", which the parser takes
// whole, so waiting until 5 bytes of it are buffered delays nothing a valid
// request sends; what is not valid ends at the request's deadline instead.
inline bool BeastMayParse(bool header_done, bool chunked, size_t buffered) {
  constexpr size_t kShortestChunkedRest = 5;  // "0\r\n\r\n"
  return !header_done || !chunked || buffered >= kShortestChunkedRest;
}

}  // namespace kit

#endif  // COMMON_BEAST_CHUNKED_H_
