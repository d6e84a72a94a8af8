#include "endpoint/auth/attributes.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace endpoint {
namespace {

using ::testing::ElementsAre;

UserInfo Alice() { return UserInfo{"alice", "uid-1", {"devs", "ops"}}; }

struct MethodRow {
  std::string method;
  std::string verb;
};

class VerbForMethodTest : public ::testing::TestWithParam<MethodRow> {};

TEST_P(VerbForMethodTest, MapsMethodAsTheKubeletDoes) {
  EXPECT_EQ(VerbForMethod(GetParam().method), GetParam().verb);
  EXPECT_EQ(GetRequestAttributes(Alice(), GetParam().method, "/checkpoint/a/b/c", "node-1").verb,
            GetParam().verb);
}

INSTANTIATE_TEST_SUITE_P(Attributes, VerbForMethodTest,
                         ::testing::Values(MethodRow{"POST", "create"}, MethodRow{"GET", "get"},
                                           MethodRow{"PUT", "update"}, MethodRow{"PATCH", "patch"},
                                           MethodRow{"DELETE", "delete"}, MethodRow{"HEAD", ""},
                                           MethodRow{"OPTIONS", ""}, MethodRow{"CONNECT", ""},
                                           MethodRow{"TRACE", ""}, MethodRow{"post", ""},
                                           MethodRow{"", ""}));

struct PathRow {
  std::string path;
  std::string subresource;
};

class SubresourceForPathTest : public ::testing::TestWithParam<PathRow> {};

TEST_P(SubresourceForPathTest, MapsPathAsTheKubeletDoes) {
  EXPECT_EQ(SubresourceForPath(GetParam().path), GetParam().subresource);
  EXPECT_EQ(GetRequestAttributes(Alice(), "GET", GetParam().path, "node-1").subresource,
            GetParam().subresource);
}

INSTANTIATE_TEST_SUITE_P(
    Attributes, SubresourceForPathTest,
    ::testing::Values(
        PathRow{"/checkpoint/default/pod/ctr", "checkpoint"}, PathRow{"/checkpoint/", "checkpoint"},
        PathRow{"/checkpoint", "checkpoint"}, PathRow{"/checkpoint/a", "checkpoint"},
        PathRow{"/checkpointfoo", "proxy"}, PathRow{"/checkpointpod/default/pod", "proxy"},
        PathRow{"/stats", "stats"}, PathRow{"/stats/", "stats"}, PathRow{"/stats/summary", "stats"},
        PathRow{"/statsz", "proxy"}, PathRow{"/metrics", "metrics"},
        PathRow{"/metrics/", "metrics"}, PathRow{"/metrics/cadvisor", "metrics"},
        PathRow{"/metrics/resource", "metrics"}, PathRow{"/metricsfoo", "proxy"},
        PathRow{"/logs", "log"}, PathRow{"/logs/", "log"}, PathRow{"/logs/syslog", "log"},
        PathRow{"/logsx", "proxy"}, PathRow{"/healthz", "proxy"}, PathRow{"/healthz/ping", "proxy"},
        PathRow{"/pods", "proxy"}, PathRow{"/runningpods/", "proxy"}, PathRow{"/configz", "proxy"},
        PathRow{"/exec/ns/pod/ctr", "proxy"}, PathRow{"/", "proxy"}, PathRow{"", "proxy"},
        PathRow{"/Checkpoint/a/b/c", "proxy"}, PathRow{"//checkpoint/a", "proxy"}));

TEST(Attributes, CarriesTheNodeResourceForTheCheckpointRoute) {
  Attributes a = GetRequestAttributes(Alice(), "POST", "/checkpoint/ns/pod/ctr", "node-1");
  EXPECT_EQ(a.user.name, "alice");
  EXPECT_EQ(a.user.uid, "uid-1");
  EXPECT_THAT(a.user.groups, ElementsAre("devs", "ops"));
  EXPECT_EQ(a.verb, "create");
  EXPECT_EQ(a.namespace_, "");
  EXPECT_EQ(a.resource, "nodes");
  EXPECT_EQ(a.name, "node-1");
  EXPECT_EQ(a.subresource, "checkpoint");
  EXPECT_EQ(a.api_group, "");
  EXPECT_EQ(a.api_version, "v1");
  EXPECT_TRUE(a.resource_request);
  EXPECT_EQ(a.path, "/checkpoint/ns/pod/ctr");
}

TEST(Attributes, CheckpointPathsAreProxyWithoutTheCheckpointCase) {
  // Kubelets before 1.30 had no checkpoint case in GetRequestAttributes.
  for (const char* path : {"/checkpoint/ns/pod/ctr", "/checkpoint/", "/checkpoint"}) {
    EXPECT_EQ(SubresourceForPath(path, /*checkpoint_subresource=*/false), "proxy") << path;
    EXPECT_EQ(GetRequestAttributes(Alice(), "POST", path, "n", false).subresource, "proxy");
  }
  EXPECT_EQ(SubresourceForPath("/metrics", false), "metrics");
  EXPECT_EQ(SubresourceForPath("/stats/summary", false), "stats");
}

TEST(Attributes, FormatAuthorizationTextFillsUserVerbResourceSubresource) {
  Attributes a = GetRequestAttributes(UserInfo{"system:anonymous", "", {}}, "POST",
                                      "/checkpoint/ns/pod/ctr", "n");
  EXPECT_EQ(FormatAuthorizationText(
                "Forbidden (user=$0, verb=$1, resource=$2, subresource(s)=[$3])\n", a),
            "Forbidden (user=system:anonymous, verb=create, resource=nodes, "
            "subresource(s)=[checkpoint])\n");
}

TEST(Attributes, FormatAuthorizationTextShowsAnEmptyVerbForOtherMethods) {
  Attributes a = GetRequestAttributes(Alice(), "HEAD", "/healthz", "n");
  EXPECT_EQ(FormatAuthorizationText("Forbidden (user=$0, verb=$1, resource=$2, subresource=$3)", a),
            "Forbidden (user=alice, verb=, resource=nodes, subresource=proxy)");
}

TEST(Attributes, FormatAuthorizationTextKeepsDollarsInTheUserName) {
  Attributes a = GetRequestAttributes(UserInfo{"$1 $$", "", {}}, "POST", "/metrics", "n");
  EXPECT_EQ(FormatAuthorizationText("u=$0 v=$1", a), "u=$1 $$ v=create");
}

}  // namespace
}  // namespace endpoint
