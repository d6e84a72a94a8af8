#include "fake-cri/image_service.h"

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"

namespace fakecri {
namespace {

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

}  // namespace

std::string ImageServiceImpl::Normalize(const std::string& image) {
  if (image.rfind("sha256:", 0) == 0) return image;
  std::string name = image;
  auto slash = name.find('/');
  std::string first = slash == std::string::npos ? "" : name.substr(0, slash);
  bool has_registry = first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
                      first == "localhost";
  if (slash == std::string::npos) {
    name = "docker.io/library/" + name;
  } else if (!has_registry) {
    name = "docker.io/" + name;
  }
  auto last_slash = name.rfind('/');
  if (name.find('@') == std::string::npos &&
      name.find(':', last_slash == std::string::npos ? 0 : last_slash) == std::string::npos) {
    name += ":latest";
  }
  return name;
}

std::string ImageServiceImpl::Record(const std::string& image) {
  std::string name = Normalize(image);
  std::lock_guard<std::mutex> lock(mu_);
  if (const auto* found = Find(name)) return found->id();
  std::string id = "sha256:" + Sha256Hex(name);
  runtime::v1::Image img;
  img.set_id(id);
  img.add_repo_tags(name);
  std::string repo = name.substr(0, name.rfind(':'));
  img.add_repo_digests(absl::StrCat(repo, "@sha256:", Sha256Hex("digest:" + name)));
  img.set_size(1ULL << 20 | (std::hash<std::string>{}(name) & 0xfffff));  // 1-2 MiB
  img.mutable_spec()->set_image(id);
  images_[id] = img;
  return id;
}

const runtime::v1::Image* ImageServiceImpl::Find(const std::string& name_or_id) const {
  auto it = images_.find(name_or_id);
  if (it != images_.end()) return &it->second;
  std::string normalized = Normalize(name_or_id);
  for (const auto& [id, img] : images_) {
    if (id == "sha256:" + name_or_id) return &img;
    for (const auto& tag : img.repo_tags()) {
      if (tag == normalized) return &img;
    }
    for (const auto& digest : img.repo_digests()) {
      if (digest == name_or_id) return &img;
    }
  }
  return nullptr;
}

grpc::Status ImageServiceImpl::ListImages(grpc::ServerContext* ctx,
                                          const runtime::v1::ListImagesRequest* req,
                                          runtime::v1::ListImagesResponse* resp) {
  return gate_->Serve(ctx, "ListImages", "", [&](const GateCall&) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string& want = req->filter().image().image();
    if (!want.empty()) {
      if (const auto* img = Find(want)) *resp->add_images() = *img;
      return absl::OkStatus();
    }
    for (const auto& [id, img] : images_) *resp->add_images() = img;
    return absl::OkStatus();
  });
}

grpc::Status ImageServiceImpl::ImageStatus(grpc::ServerContext* ctx,
                                           const runtime::v1::ImageStatusRequest* req,
                                           runtime::v1::ImageStatusResponse* resp) {
  return gate_->Serve(ctx, "ImageStatus", "", [&](const GateCall&) {
    std::lock_guard<std::mutex> lock(mu_);
    if (const auto* img = Find(req->image().image())) *resp->mutable_image() = *img;
    return absl::OkStatus();  // absent: image unset, not an error
  });
}

grpc::Status ImageServiceImpl::PullImage(grpc::ServerContext* ctx,
                                         const runtime::v1::PullImageRequest* req,
                                         runtime::v1::PullImageResponse* resp) {
  return gate_->Serve(ctx, "PullImage", "", [&](const GateCall&) {
    if (req->image().image().empty()) return absl::InvalidArgumentError("image name is empty");
    resp->set_image_ref(Record(req->image().image()));
    return absl::OkStatus();
  });
}

grpc::Status ImageServiceImpl::RemoveImage(grpc::ServerContext* ctx,
                                           const runtime::v1::RemoveImageRequest* req,
                                           runtime::v1::RemoveImageResponse*) {
  return gate_->Serve(ctx, "RemoveImage", "", [&](const GateCall&) {
    std::lock_guard<std::mutex> lock(mu_);
    if (const auto* img = Find(req->image().image())) images_.erase(img->id());
    return absl::OkStatus();
  });
}

grpc::Status ImageServiceImpl::ImageFsInfo(grpc::ServerContext* ctx,
                                           const runtime::v1::ImageFsInfoRequest*,
                                           runtime::v1::ImageFsInfoResponse* resp) {
  return gate_->Serve(ctx, "ImageFsInfo", "", [&](const GateCall&) {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t used = 0;
    for (const auto& [id, img] : images_) used += img.size();
    auto* fs = resp->add_image_filesystems();
    fs->set_timestamp(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
    fs->mutable_fs_id()->set_mountpoint("/var/lib/fake-cri/images");
    fs->mutable_used_bytes()->set_value(used);
    fs->mutable_inodes_used()->set_value(images_.size() * 16);
    return absl::OkStatus();
  });
}

}  // namespace fakecri
