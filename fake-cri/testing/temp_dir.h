#ifndef FAKE_CRI_TESTING_TEMP_DIR_H_
#define FAKE_CRI_TESTING_TEMP_DIR_H_

#include <dirent.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>

namespace fakecri {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/fake-cri-test-XXXXXX";
    char* made = mkdtemp(tmpl.data());
    path_ = made ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }
  // Names in the directory, hidden ones included.
  std::set<std::string> Entries() const {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      out.insert(e.path().filename().string());
    }
    return out;
  }

 private:
  std::string path_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_TESTING_TEMP_DIR_H_
