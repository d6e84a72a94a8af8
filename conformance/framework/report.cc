#include "conformance/framework/report.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "nlohmann/json.hpp"

namespace conformance {
namespace {

const char* Tag(Outcome o) {
  switch (o) {
    case Outcome::kPassed:
      return "PASS";
    case Outcome::kFailed:
      return "FAIL";
    case Outcome::kSkipped:
      return "SKIP";
  }
  return "?";
}

std::string Xml(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
      case '\t':
        out += static_cast<char>(c);
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string Area(const std::string& id) { return id.substr(0, id.find('.')); }

struct Counts {
  int passed = 0, failed = 0, skipped = 0;
};

Counts Count(const std::vector<TestResult>& results) {
  Counts c;
  for (const auto& r : results) {
    (r.outcome == Outcome::kPassed   ? c.passed
     : r.outcome == Outcome::kFailed ? c.failed
                                     : c.skipped)++;
  }
  return c;
}

std::vector<TestResult> OfLevel(const std::vector<TestResult>& results, Level level) {
  std::vector<TestResult> out;
  for (const auto& r : results) {
    if (r.level == level) out.push_back(r);
  }
  return out;
}

std::string Seconds(double s) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(3) << s;
  return o.str();
}

}  // namespace

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kPassed:
      return "passed";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kSkipped:
      return "skipped";
  }
  return "?";
}

const char* LevelName(Level level) { return level == Level::kMust ? "MUST" : "SHOULD"; }

bool ExitOk(const std::vector<TestResult>& results, bool strict) {
  for (const auto& r : results) {
    if (r.outcome == Outcome::kFailed && (r.level == Level::kMust || strict)) return false;
  }
  return true;
}

void PrintLive(const TestResult& r, std::ostream& out) {
  out << Tag(r.outcome) << "  " << (r.level == Level::kShould ? "(SHOULD) " : "") << r.id << " ("
      << std::fixed << std::setprecision(2) << r.seconds << "s)\n";
  if (r.outcome != Outcome::kPassed && !r.message.empty()) out << "      " << r.message << "\n";
  out.flush();
}

void PrintSummary(const std::vector<TestResult>& results, const std::string& target, double seconds,
                  std::ostream& out) {
  size_t width = 0;
  for (const auto& r : results) width = std::max(width, r.id.size());
  out << "\nCheckpoint API conformance against " << target << "\n";
  for (Level level : {Level::kMust, Level::kShould}) {
    std::vector<TestResult> of = OfLevel(results, level);
    if (of.empty()) continue;
    out << "\n"
        << (level == Level::kMust ? "MUST (the docs, and what a correct kubelet does):"
                                  : "SHOULD (hardening beyond upstream; fails the run "
                                    "only with --strict):")
        << "\n";
    for (const auto& r : of) {
      out << Tag(r.outcome) << "  " << std::left << std::setw(static_cast<int>(width)) << r.id
          << "  " << r.title << "\n";
      if (r.outcome != Outcome::kPassed && !r.message.empty()) {
        out << "      " << (r.outcome == Outcome::kFailed ? "why: " : "skipped: ") << r.message
            << "\n";
      }
    }
  }
  Counts must = Count(OfLevel(results, Level::kMust));
  Counts should = Count(OfLevel(results, Level::kShould));
  out << "\n"
      << results.size() << " requirements in " << std::fixed << std::setprecision(1) << seconds
      << "s: MUST " << must.passed << " passed, " << must.failed << " failed, " << must.skipped
      << " skipped; SHOULD " << should.passed << " passed, " << should.failed << " failed, "
      << should.skipped << " skipped\n";
  out.flush();
}

absl::Status WriteReports(const std::vector<TestResult>& results, const std::string& target,
                          double seconds, const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return absl::InvalidArgumentError("--report-dir " + dir + ": " + std::strerror(errno));
  }
  Counts c = Count(results);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", std::gmtime(&now));

  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites name=\"checkpoint-conformance\" tests=\"" << results.size() << "\" failures=\""
    << c.failed << "\" skipped=\"" << c.skipped << "\" errors=\"0\" time=\"" << Seconds(seconds)
    << "\">\n";
  // MUST requirements in the suite CI systems know; SHOULD ones in a suite of
  // their own, so that a dashboard can tell hardening from conformance.
  for (Level level : {Level::kMust, Level::kShould}) {
    std::vector<TestResult> of = OfLevel(results, level);
    if (of.empty()) continue;
    Counts lc = Count(of);
    double lsec = 0;
    for (const auto& r : of) lsec += r.seconds;
    x << "  <testsuite name=\"checkpoint-conformance" << (level == Level::kShould ? "-should" : "")
      << "\" tests=\"" << of.size() << "\" failures=\"" << lc.failed << "\" skipped=\""
      << lc.skipped << "\" errors=\"0\" time=\"" << Seconds(lsec) << "\" timestamp=\"" << stamp
      << "\" hostname=\"" << Xml(host) << "\">\n"
      << "    <properties><property name=\"target\" value=\"" << Xml(target)
      << "\"/><property name=\"level\" value=\"" << LevelName(level) << "\"/></properties>\n";
    for (const auto& r : of) {
      x << "    <testcase classname=\"" << Xml(Area(r.id)) << "\" name=\"" << Xml(r.id)
        << "\" time=\"" << Seconds(r.seconds) << "\">\n";
      if (r.outcome == Outcome::kFailed) {
        x << "      <failure message=\"" << Xml(r.message) << "\">" << Xml(r.title) << "\n"
          << Xml(r.message) << "</failure>\n";
      } else if (r.outcome == Outcome::kSkipped) {
        x << "      <skipped message=\"" << Xml(r.message) << "\"/>\n";
      }
      std::string text = r.title;
      for (const auto& n : r.notes) text += "\n" + n;
      x << "      <system-out>" << Xml(text) << "</system-out>\n    </testcase>\n";
    }
    x << "  </testsuite>\n";
  }
  x << "</testsuites>\n";

  nlohmann::json j;
  j["target"] = target;
  j["seconds"] = seconds;
  j["passed"] = c.passed;
  j["failed"] = c.failed;
  j["skipped"] = c.skipped;
  Counts must = Count(OfLevel(results, Level::kMust));
  j["must_failed"] = must.failed;
  j["should_failed"] = c.failed - must.failed;
  j["results"] = nlohmann::json::array();
  for (const auto& r : results) {
    j["results"].push_back({{"id", r.id},
                            {"title", r.title},
                            {"level", LevelName(r.level)},
                            {"outcome", OutcomeName(r.outcome)},
                            {"message", r.message},
                            {"notes", r.notes},
                            {"seconds", r.seconds}});
  }
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"junit.xml", x.str()},
                                   {"results.json", j.dump(2) + "\n"}}) {
    std::ofstream f(dir + "/" + name);
    f << text;
    if (!f.good()) return absl::InternalError("cannot write " + dir + "/" + name);
  }
  return absl::OkStatus();
}

}  // namespace conformance
