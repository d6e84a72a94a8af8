#include "endpoint/object_names.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace endpoint {
namespace {

TEST(ObjectNames, Dns1123LabelAsTheApiServerValidatesIt) {
  const std::vector<std::string> good = {"a", "0", "web", "web-1", "a-b-c", std::string(63, 'z')};
  for (const std::string& ok : good) {
    EXPECT_TRUE(IsDns1123Label(ok)) << ok;
  }
  const std::vector<std::string> bad_names = {"",
                                              "-a",
                                              "a-",
                                              "A",
                                              "a_b",
                                              "a.b",
                                              "a/b",
                                              std::string("a\0b", 3),
                                              std::string(64, 'z'),
                                              "caf\xc3\xa9"};
  for (const std::string& bad : bad_names) {
    EXPECT_FALSE(IsDns1123Label(bad)) << bad;
  }
}

TEST(ObjectNames, Dns1123SubdomainAsTheApiServerValidatesIt) {
  const std::vector<std::string> good = {
      "web",     "web-7d4b9c",          "a.b.c",
      "redis-0", std::string(253, 'z'), std::string(100, 'a') + "." + std::string(100, 'b')};
  for (const std::string& ok : good) {
    EXPECT_TRUE(IsDns1123Subdomain(ok)) << ok;
  }
  const std::vector<std::string> bad_names = {"",
                                              ".",
                                              "a.",
                                              ".a",
                                              "a..b",
                                              "a.-b",
                                              "Web",
                                              "a/b",
                                              std::string("a\0", 2),
                                              std::string(254, 'z')};
  for (const std::string& bad : bad_names) {
    EXPECT_FALSE(IsDns1123Subdomain(bad)) << bad;
  }
}

}  // namespace
}  // namespace endpoint
