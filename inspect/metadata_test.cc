#include "inspect/metadata.h"

#include "gtest/gtest.h"
#include "inspect/engines.h"

namespace inspect {
namespace {

using nlohmann::json;

TEST(InspectEngines, PickedFromIoContainerManagerAsCheckpointctlDoes) {
  EXPECT_STREQ(EngineForManager("cri-o").engine, "CRI-O");
  EXPECT_STREQ(EngineForManager("libpod").engine, "Podman");
  EXPECT_STREQ(EngineForManager("").engine, "containerd");
  EXPECT_STREQ(EngineForManager("something-else").engine, "containerd");
}

TEST(InspectMetadata, CrioNamesComeFromItsAnnotations) {
  json config = {{"id", "abc"},
                 {"name", "k8s_app_web_shop_uid_0"},
                 {"rootfsImageName", "img:1"},
                 {"rootfsImageRef", "sha256:1"},
                 {"runtime", "runc"},
                 {"createdTime", "2026-01-01T00:00:00Z"},
                 {"checkpointedTime", "2026-01-01T00:01:00Z"}};
  json spec = {{"ociVersion", "1.0.2"},
               {"annotations",
                {{"io.container.manager", "cri-o"},
                 {"io.kubernetes.cri-o.Metadata", R"({"name":"app","attempt":0})"},
                 {"io.kubernetes.pod.name", "web"},
                 {"io.kubernetes.pod.namespace", "shop"}}}};
  absl::StatusOr<ContainerFacts> c = ReadContainerFacts("f.tar", config, spec, nullptr);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->engine, "CRI-O");
  EXPECT_EQ(c->name, "app");
  EXPECT_EQ(c->pod, "web");
  EXPECT_EQ(c->ns, "shop");
  EXPECT_EQ(c->image_name, "img:1");
  EXPECT_EQ(c->image_ref, "sha256:1");
  EXPECT_EQ(c->checkpointed_time_source, "config.dump");
}

TEST(InspectMetadata, ContainerdFallsBackToStatusDump) {
  json config = {{"name", "x"}};
  json spec = {{"annotations", {{"io.kubernetes.cri.sandbox-name", "web"}}}};
  json status = {{"metadata", {{"name", "app"}}}, {"image_ref", "sha256:2"}};
  absl::StatusOr<ContainerFacts> c = ReadContainerFacts("f.tar", config, spec, &status);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->engine, "containerd");
  EXPECT_EQ(c->name, "app");
  EXPECT_EQ(c->pod, "web");
  EXPECT_EQ(c->image_ref, "sha256:2");
  EXPECT_EQ(c->checkpointed_time_source, "");
}

TEST(InspectMetadata, ErrorsNameTheMemberAndWhatIsWrong) {
  EXPECT_EQ(ParseJsonMember("f.tar", "config.dump", "[1]").status().message(),
            "f.tar: member \"config.dump\": expected a JSON object, found array");
  EXPECT_EQ(ParseJsonMember("f.tar", "deleted.files", "{}", true).status().message(),
            "f.tar: member \"deleted.files\": expected a JSON array, found object");
  std::string bad(ParseJsonMember("f.tar", "spec.dump", "{\"a\":").status().message());
  EXPECT_EQ(
      bad.rfind("f.tar: member \"spec.dump\": invalid JSON: [json.exception.parse_error.101]", 0),
      0u)
      << bad;
  EXPECT_EQ(
      ReadContainerFacts("f.tar", {{"runtime", 3}}, json::object(), nullptr).status().message(),
      "f.tar: member \"config.dump\": \"runtime\" is number, expected a string");
  EXPECT_EQ(ReadContainerFacts("f.tar", json::object(), {{"annotations", "x"}}, nullptr)
                .status()
                .message(),
            "f.tar: member \"spec.dump\": \"annotations\" is string, expected an object");
}

}  // namespace
}  // namespace inspect
