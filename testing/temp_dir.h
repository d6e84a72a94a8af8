#ifndef TESTING_TEMP_DIR_H_
#define TESTING_TEMP_DIR_H_

#include <set>
#include <string>

namespace kit::testing {

// A fresh directory under $TMPDIR (or /tmp), mode 0700, removed with everything
// in it when the object goes. Thread-compatible.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "kit-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty when no directory could be made (tests then fail on their first file).
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }
  // Writes `contents` to Join(name) (truncating) and returns that path.
  std::string WriteFile(const std::string& name, const std::string& contents) const;
  // Names in the directory, hidden ones included.
  std::set<std::string> Entries() const;

 private:
  std::string path_;
};

// The whole contents of a file; empty when it cannot be read.
std::string ReadFile(const std::string& path);

}  // namespace kit::testing

#endif  // TESTING_TEMP_DIR_H_
