// Images as containerd 1.6.20's CRI keeps them; the texts were measured with
// ci/containerd/cri-diff.
#include "fake-cri/image_store.h"

#include "fake-cri/image_reference.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fakecri {
namespace {

using ::testing::ElementsAre;
using ::testing::MatchesRegex;

TEST(ParseDockerRef, NormalisesAsContainerd) {
  EXPECT_EQ(ParseDockerRef("busybox")->String(), "docker.io/library/busybox:latest");
  EXPECT_EQ(ParseDockerRef("library/busybox:1.36")->String(), "docker.io/library/busybox:1.36");
  EXPECT_EQ(ParseDockerRef("localhost/ci-pause:local")->String(), "localhost/ci-pause:local");
  EXPECT_EQ(ParseDockerRef("localhost:5000/ci/app:1")->name, "localhost:5000/ci/app");
  const std::string digest = "sha256:" + std::string(64, 'a');
  // Tag and digest: only the digest is kept (ParseDockerRef).
  EXPECT_EQ(ParseDockerRef("quay.io/x/y:1@" + digest)->String(), "quay.io/x/y@" + digest);
}

TEST(ParseDockerRef, FollowsTheReferenceGrammar) {
  for (const char* good :
       {"a__b/c-d.e:tag_1", "a--b", "my-registry.example:5000/x/y:1.0-rc", "localhost/a.b_c"}) {
    EXPECT_TRUE(ParseDockerRef(good).ok()) << good;
  }
  for (const char* bad :
       {"a___b", "a.-b", "-a", "x:", "x:-tag", "x@sha256:abc", "Bad_Domain.com/x", "a/",
        "x:"
        "0123456789012345678901234567890123456789012345678901234567890"
        "12345678901234567890123456789012345678901234567890123456789012345678"}) {
    EXPECT_EQ(ParseDockerRef(bad).status().message(), "invalid reference format") << bad;
  }
}

TEST(ParseDockerRef, RefusesWithContainerdsTexts) {
  EXPECT_EQ(ParseDockerRef("").status().message(), "invalid reference format");
  EXPECT_EQ(ParseDockerRef("UPPER/x").status().message(),
            "invalid reference format: repository name must be lowercase");
  EXPECT_EQ(ParseDockerRef("a b").status().message(), "invalid reference format");
  EXPECT_EQ(ParseDockerRef(std::string(64, 'a')).status().message(),
            "invalid repository name (" + std::string(64, 'a') +
                "), cannot specify 64-byte hexadecimal strings");
}

class ImageStoreTest : public ::testing::Test {
 protected:
  std::string Add(const std::string& name, std::optional<std::string> digest = std::nullopt) {
    ImageEntry e;
    e.name = name;
    e.digest = digest;
    auto id = store_.Add(e);
    EXPECT_TRUE(id.ok()) << id.status();
    return *id;
  }
  ImageStore store_;
};

TEST_F(ImageStoreTest, APullRecordsTheTagAndARepoDigestAndAnswersTheId) {
  auto id = store_.Pull("localhost:5000/ci/app:1");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_THAT(*id, MatchesRegex("sha256:[0-9a-f]{64}"));
  auto img = store_.Resolve("localhost:5000/ci/app:1");
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(img->id, *id);
  EXPECT_THAT(img->repo_tags, ElementsAre("localhost:5000/ci/app:1"));
  ASSERT_EQ(img->repo_digests.size(), 1u);
  EXPECT_THAT(*img->repo_digests.begin(),
              MatchesRegex("localhost:5000/ci/app@sha256:[0-9a-f]{64}"));
  EXPECT_EQ(*store_.Pull("localhost:5000/ci/app:1"), *id);  // the same image again
  EXPECT_EQ(store_.List().size(), 1u);
}

TEST_F(ImageStoreTest, ImportedImagesHaveNoRepoDigest) {
  Add("docker.io/library/busybox:latest", "");
  auto img = store_.Resolve("busybox");
  ASSERT_TRUE(img.ok());
  EXPECT_TRUE(img->repo_digests.empty());
}

TEST_F(ImageStoreTest, PullsOfWhatTheRegistryLacksFailAsContainerds) {
  ImageEntry missing;
  missing.name = "localhost:5000/missing:1";
  missing.missing = true;
  ASSERT_TRUE(store_.Add(missing).ok());
  auto pulled = store_.Pull("localhost:5000/missing:1");
  EXPECT_EQ(pulled.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(pulled.status().message(),
            "failed to pull and unpack image \"localhost:5000/missing:1\": failed to resolve "
            "reference \"localhost:5000/missing:1\": localhost:5000/missing:1: not found");
  EXPECT_TRUE(store_.List().empty());
  auto bad = store_.Pull("UPPER/x");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(bad.status().message(),
            "failed to parse image reference \"UPPER/x\": invalid "
            "reference format: repository name must be lowercase");
}

TEST_F(ImageStoreTest, ResolvesReferencesIdsAndIdPrefixes) {
  const std::string a = Add("busybox");
  const std::string b = Add("registry.k8s.io/pause:3.6");
  EXPECT_EQ(store_.Resolve("docker.io/library/busybox:latest")->id, a);
  EXPECT_EQ(store_.Resolve(a)->id, a);
  EXPECT_EQ(store_.Resolve(a.substr(7, 12))->id, a);  // a hex prefix
  EXPECT_EQ(store_.Resolve(b.substr(0, 15))->id, b);  // with "sha256:"
  EXPECT_EQ(store_.Resolve("nope:1").status().code(), absl::StatusCode::kNotFound);
  // "" is a prefix of every id: ambiguous with two images (digestset.Lookup).
  EXPECT_EQ(store_.Resolve("").status().message(), "ambiguous digest string");
}

TEST_F(ImageStoreTest, RemovingForgetsEveryReference) {
  const std::string id = Add("busybox");
  ASSERT_TRUE(store_.Remove("busybox").ok());
  EXPECT_EQ(store_.Resolve(id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.Remove("busybox").code(), absl::StatusCode::kNotFound);
}

TEST(DefaultImages, AreThePauseImageAndBusybox) {
  std::vector<std::string> names;
  for (const ImageEntry& e : DefaultImages()) names.push_back(e.name);
  EXPECT_THAT(names, ElementsAre("registry.k8s.io/pause:3.6", "docker.io/library/busybox:latest"));
}

}  // namespace
}  // namespace fakecri
