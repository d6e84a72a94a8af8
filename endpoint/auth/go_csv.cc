#include "endpoint/auth/go_csv.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace endpoint {
namespace {

constexpr char kBareQuote[] = "bare \" in non-quoted-field";
constexpr char kBadQuote[] = "extraneous or missing \" in quoted-field";

// Hands out lines as Go's csv.Reader.readLine does: each keeps its '\n'
// (normalized from "\r\n"); the last one may lack it, and then loses a
// trailing '\r'.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : rest_(text) {}

  // False at the end of the text.
  bool Next(std::string& line) {
    if (rest_.empty()) return false;
    size_t nl = rest_.find('\n');
    if (nl == std::string_view::npos) {
      line.assign(rest_);
      rest_ = {};
      if (!line.empty() && line.back() == '\r') line.pop_back();
    } else {
      line.assign(rest_.substr(0, nl + 1));
      rest_.remove_prefix(nl + 1);
      if (line.size() >= 2 && line[line.size() - 2] == '\r') {
        line.erase(line.size() - 2, 1);
      }
    }
    ++number_;
    return true;
  }

  int number() const { return number_; }

 private:
  std::string_view rest_;
  int number_ = 0;
};

size_t LengthNewline(std::string_view line) { return !line.empty() && line.back() == '\n' ? 1 : 0; }

absl::Status ParseError(const std::string& source_name, int line, size_t column,
                        const char* problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(source_name, ":", line, ": parse error at column ", column, ": ", problem));
}

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text,
                                                const std::string& source_name) {
  std::vector<CsvRecord> records;
  LineReader reader(text);
  std::string buffer;
  while (reader.Next(buffer)) {
    if (buffer.size() == LengthNewline(buffer)) continue;  // empty line
    CsvRecord record;
    record.line = reader.number();
    std::string_view line = buffer;
    size_t column = 1;  // of line[0], within the current physical line
    bool more_fields = true;
    while (more_fields) {
      if (line.empty() || line[0] != '"') {
        size_t comma = line.find(',');
        std::string_view field = comma == std::string_view::npos
                                     ? line.substr(0, line.size() - LengthNewline(line))
                                     : line.substr(0, comma);
        if (size_t quote = field.find('"'); quote != std::string_view::npos) {
          return ParseError(source_name, reader.number(), column + quote, kBareQuote);
        }
        record.fields.emplace_back(field);
        if (comma == std::string_view::npos) break;
        line.remove_prefix(comma + 1);
        column += comma + 1;
        continue;
      }
      // A quoted field, perhaps over several lines.
      std::string field;
      line.remove_prefix(1);
      column += 1;
      while (true) {
        size_t quote = line.find('"');
        if (quote != std::string_view::npos) {
          field.append(line.substr(0, quote));
          line.remove_prefix(quote + 1);
          column += quote + 1;
          if (!line.empty() && line[0] == '"') {  // "" is one quote
            field.push_back('"');
            line.remove_prefix(1);
            column += 1;
          } else if (!line.empty() && line[0] == ',') {  // end of field
            line.remove_prefix(1);
            column += 1;
            break;
          } else if (line.size() == LengthNewline(line)) {  // end of record
            more_fields = false;
            break;
          } else {
            return ParseError(source_name, reader.number(), column - 1, kBadQuote);
          }
        } else if (!line.empty()) {
          field.append(line);
          column += line.size();
          if (!reader.Next(buffer)) {
            // The text ended inside the quotes without a newline.
            return ParseError(source_name, reader.number(), column, kBadQuote);
          }
          line = buffer;
          column = 1;
        } else {
          // Only reached when the text ends right after an opening quote or a
          // doubled quote, with no newline: the quote is never closed.
          return ParseError(source_name, reader.number(), column, kBadQuote);
        }
      }
      record.fields.push_back(std::move(field));
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace endpoint
