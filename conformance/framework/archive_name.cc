#include "conformance/framework/archive_name.h"

#include <cstdio>
#include <regex>

namespace conformance {
namespace {

std::string Escape(const std::string& s) {
  static const std::string kSpecial = R"(\^$.|?*+()[]{})";
  std::string out;
  for (char c : s) {
    if (kSpecial.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

ArchiveName ParseArchiveName(const std::string& path, const std::string& root_dir,
                             const ContainerRef& c) {
  ArchiveName out;
  std::string prefix =
      root_dir + "/checkpoints/checkpoint-" + c.pod + "_" + c.ns + "-" + c.name + "-";
  std::regex re(
      "^" + Escape(prefix) +
      R"(((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|([+-])(\d{2}):(\d{2})))\.tar$)");
  std::smatch m;
  if (!std::regex_match(path, m, re)) {
    out.why = "\"" + path + "\" is not " + prefix + "<RFC 3339 time, seconds>.tar";
    return out;
  }
  out.stamp = m[1];
  std::tm tm = {};
  tm.tm_year = std::stoi(m[2]) - 1900;
  tm.tm_mon = std::stoi(m[3]) - 1;
  tm.tm_mday = std::stoi(m[4]);
  tm.tm_hour = std::stoi(m[5]);
  tm.tm_min = std::stoi(m[6]);
  tm.tm_sec = std::stoi(m[7]);
  if (m[8] != "Z") {
    out.utc_offset = (std::stol(m[10]) * 3600 + std::stol(m[11]) * 60) * (m[9] == "-" ? -1 : 1);
  }
  out.when = ::timegm(&tm) - out.utc_offset;
  out.matches = true;
  return out;
}

std::string LocalOffsetText(std::time_t t) {
  std::tm local = {};
  ::localtime_r(&t, &local);
  long off = local.tm_gmtoff;
  if (off == 0) return "Z";
  char buf[48];
  long a = off < 0 ? -off : off;
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
  return buf;
}

}  // namespace conformance
