#include "endpoint/http_request_reader.h"

#include <algorithm>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/beast_chunked.h"
#include "endpoint/http_wire.h"

namespace endpoint {
namespace {

namespace http = boost::beast::http;

// A Beast body type that counts the bytes of a request body and keeps none.
struct DiscardBody {
  struct value_type {
    uint64_t bytes = 0;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(http::header<isRequest, Fields>&, value_type& bytes) : bytes_(bytes) {}
    void init(const boost::optional<std::uint64_t>&, boost::beast::error_code& ec) { ec = {}; }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      const std::size_t n = boost::asio::buffer_size(buffers);
      bytes_.bytes += n;
      ec = {};
      return n;
    }
    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& bytes_;
  };
};

using Parser = http::request_parser<DiscardBody>;

// Beast's errors, as the status and reason of our answer.
HttpReadError FromBeast(const boost::beast::error_code& ec) {
  if (ec == http::error::header_limit) return {431, "request head too large"};
  if (ec == http::error::body_limit) return {413, "request body too large"};
  if (ec == http::error::bad_line_ending) return {400, "malformed line ending"};
  if (ec == http::error::bad_method) return {400, "malformed method"};
  if (ec == http::error::bad_target) return {400, "malformed request target"};
  if (ec == http::error::bad_version) return {400, "malformed HTTP version"};
  if (ec == http::error::bad_field) return {400, "malformed header name"};
  if (ec == http::error::bad_value) return {400, "malformed header value"};
  if (ec == http::error::bad_content_length) return {400, "bad Content-Length"};
  if (ec == http::error::bad_transfer_encoding) {
    return {400, "Transfer-Encoding together with Content-Length, or given twice"};
  }
  if (ec == http::error::bad_chunk) return {400, "malformed chunked encoding"};
  if (ec == http::error::bad_chunk_extension) return {400, "malformed chunk extension"};
  if (ec == http::error::bad_obs_fold) return {400, "malformed folded header"};
  return {400, "malformed request (" + ec.message() + ")"};
}

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

HttpAnswer AnswerFor(const HttpReadError& error) {
  return TextAnswer(error.status, absl::StrCat(error.status, " ", ReasonPhrase(error.status), ": ",
                                               error.reason));
}

struct HttpRequestReader::Impl {
  explicit Impl(const HttpLimits& l) : limits(l) {
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(limits.max_head_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(limits.max_body_bytes);
    parser.eager(false);  // stop after the head: the body waits for authentication
  }

  void Fail(HttpReadError e) {
    if (!error) error = std::move(e);
  }

  // RFC 9112 2.2 lets a server take a bare LF as a line end; Beast does not,
  // and would wait for a CRLF that never comes (a bare CR it refuses itself).
  // We refuse a bare LF at once. Scans the head only, each byte once.
  bool BareLineEnd(absl::string_view data) {
    for (; scanned < data.size(); ++scanned) {
      const char c = data[scanned];
      if (c == '\n' && (scanned == 0 || data[scanned - 1] != '\r')) return true;
      if (c == '\n' && scanned >= 3 && data.substr(scanned - 3, 4) == "\r\n\r\n") {
        scanned = data.size();  // the head ends here; what follows is not ours to judge
        return false;
      }
    }
    return false;
  }

  // Our rules on top of Beast's, and the request as the router sees it.
  void FinishHead() {
    const auto& msg = parser.get();
    const unsigned version = msg.version();
    if (version / 10 != 1) return Fail({505, "unsupported protocol version"});
    request.minor_version = static_cast<int>(version % 10);
    request.method = std::string(msg.method_string());
    request.target = std::string(msg.target());
    if (request.target.empty() || request.target[0] != '/') {
      return Fail({400, "request target must be an absolute path"});
    }
    const size_t q = request.target.find('?');
    if (!PercentDecode(request.target.substr(0, q), /*plus_is_space=*/false, &request.path)) {
      return Fail({400, "malformed %-escape in the path"});
    }
    if (q != std::string::npos) {
      request.raw_query = request.target.substr(q + 1);
      request.query = ParseQuery(request.raw_query);
    }
    int hosts = 0, transfer_encodings = 0;
    for (const auto& field : msg) {
      std::string name = absl::AsciiStrToLower(
          absl::string_view(field.name_string().data(), field.name_string().size()));
      const absl::string_view value(field.value().data(), field.value().size());
      if (name == "host") ++hosts;
      if (name == "transfer-encoding") {
        ++transfer_encodings;
        if (!absl::EqualsIgnoreCase(value, "chunked")) {
          return Fail({501, "unsupported transfer encoding"});
        }
      }
      if (name == "content-length" && !AllDigits(value)) return Fail({400, "bad Content-Length"});
      if (name == "expect") {
        if (!absl::EqualsIgnoreCase(value, "100-continue")) {
          return Fail({417, "unsupported Expect"});
        }
        request.expect_continue = true;
      }
      request.headers.emplace(std::move(name), std::string(value));  // the first one stays
    }
    if (transfer_encodings > 0 && request.minor_version == 0) {
      return Fail({400, "Transfer-Encoding in an HTTP/1.0 request"});
    }
    if (transfer_encodings > 1) return Fail({400, "too many transfer encodings"});
    if (hosts > 1) return Fail({400, "too many Host headers"});
    if (hosts == 0 && request.minor_version == 1) {
      return Fail({400, "missing required Host header"});
    }
    request.keep_alive = msg.keep_alive();
    request.has_body = parser.chunked() || parser.content_length().value_or(0) > 0;
    if (!request.has_body) request.expect_continue = false;
    head_done = true;
  }

  HttpLimits limits;
  Parser parser;
  HttpRequest request;
  size_t scanned = 0;
  bool head_done = false;
  std::optional<HttpReadError> error;
};

HttpRequestReader::HttpRequestReader(const HttpLimits& limits)
    : impl_(std::make_unique<Impl>(limits)) {}
HttpRequestReader::~HttpRequestReader() = default;

size_t HttpRequestReader::ReadHead(absl::string_view data) {
  Impl& m = *impl_;
  if (m.error || m.head_done) return 0;
  if (m.BareLineEnd(data.substr(0, std::min(data.size(), m.limits.max_head_bytes + 1)))) {
    m.Fail({400, "bare LF in the request head (lines end with CRLF)"});
    return 0;
  }
  boost::beast::error_code ec;
  const size_t used = m.parser.put(boost::asio::buffer(data.data(), data.size()), ec);
  if (ec == http::error::need_more) {
    if (data.size() > m.limits.max_head_bytes) m.Fail({431, "request head too large"});
    return 0;
  }
  if (ec) {
    m.Fail(FromBeast(ec));
    // Beast takes HTTP/1.x only; a well-formed other version is Go's 505.
    const absl::string_view line = data.substr(0, data.find("\r\n"));
    if (ec == http::error::bad_version && line.size() >= 8 &&
        line.substr(line.size() - 8, 5) == "HTTP/" && line[line.size() - 3] != '1' &&
        absl::ascii_isdigit(line[line.size() - 3]) && line[line.size() - 2] == '.' &&
        absl::ascii_isdigit(line.back())) {
      m.error = HttpReadError{505, "unsupported protocol version"};
    }
    return 0;
  }
  if (!m.parser.is_header_done()) return used;  // (not reached: Beast stops at the head)
  m.FinishHead();
  return m.error ? 0 : used;
}

bool HttpRequestReader::head_done() const { return impl_->head_done && !impl_->error; }

const HttpRequest& HttpRequestReader::request() const { return impl_->request; }

size_t HttpRequestReader::ReadBody(absl::string_view data) {
  Impl& m = *impl_;
  if (m.error || !m.head_done || m.parser.is_done()) return 0;
  m.parser.eager(true);  // consume everything offered
  size_t total = 0;
  while (!data.empty() && !m.parser.is_done() &&
         kit::BeastMayParse(m.parser.is_header_done(), m.parser.chunked(), data.size())) {
    boost::beast::error_code ec;
    const size_t used = m.parser.put(boost::asio::buffer(data.data(), data.size()), ec);
    total += used;
    data.remove_prefix(used);
    if (ec == http::error::need_more) break;
    if (ec) {
      m.Fail(FromBeast(ec));
      break;
    }
    if (used == 0) break;
  }
  return total;
}

bool HttpRequestReader::done() const {
  return impl_->head_done && !impl_->error && impl_->parser.is_done();
}

uint64_t HttpRequestReader::body_bytes() const { return impl_->parser.get().body().bytes; }

const std::optional<HttpReadError>& HttpRequestReader::error() const { return impl_->error; }

}  // namespace endpoint
