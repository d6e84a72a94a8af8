#ifndef ENDPOINT_AUTH_GO_CSV_H_
#define ENDPOINT_AUTH_GO_CSV_H_

// Reads CSV text the way Go's encoding/csv Reader does with the settings
// kube-apiserver's token file uses (comma ',', no comment character, strict
// quotes, leading spaces kept, any number of fields per record), so that a file
// the API server accepts reads the same here and one it refuses is refused:
//   - a record ends at a newline outside quotes; "\r\n" counts as "\n";
//   - empty lines are skipped; a line of spaces is a record of one field;
//   - '#' has no special meaning;
//   - a field that starts with '"' is quoted: '""' inside is one quote, and it
//     may span lines; the closing quote must be followed by ',' or the end of
//     the line (else: extraneous or missing " in quoted-field);
//   - a '"' inside an unquoted field is an error (bare " in non-quoted-field).
// Pure function; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace endpoint {

struct CsvRecord {
  int line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

// Errors are InvalidArgument, `<source_name>:<line>: parse error at column
// <col>: <problem>` (columns are 1-based bytes); they quote no field text.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text,
                                                const std::string& source_name);

}  // namespace endpoint

#endif  // ENDPOINT_AUTH_GO_CSV_H_
