#include "fake-cri/image_service.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace fakecri {
namespace {

void ToProto(const Image& img, runtime::v1::Image* out) {
  out->set_id(img.id);
  for (const std::string& t : img.repo_tags) out->add_repo_tags(t);
  for (const std::string& d : img.repo_digests) out->add_repo_digests(d);
  out->set_size(img.size);
}

// ImageStatus and RemoveImage: an image the node lacks is no error.
absl::StatusOr<std::optional<Image>> ResolveOrNone(const ImageStore& store,
                                                   const std::string& image) {
  auto img = store.Resolve(image);
  if (absl::IsNotFound(img.status())) return std::optional<Image>();
  if (!img.ok()) {
    return absl::Status(img.status().code(), absl::StrCat("can not resolve \"", image,
                                                          "\" locally: ", img.status().message()));
  }
  return std::optional<Image>(*std::move(img));
}

}  // namespace

grpc::Status ImageServiceImpl::ListImages(grpc::ServerContext* ctx,
                                          const runtime::v1::ListImagesRequest*,
                                          runtime::v1::ListImagesResponse* resp) {
  return gate_->Serve(ctx, "ListImages", "", [&](const GateCall&) {
    // pkg/cri/server/image_list.go@v1.6.20 lists every image whatever the filter.
    for (const Image& img : store_.List()) ToProto(img, resp->add_images());
    return absl::OkStatus();
  });
}

grpc::Status ImageServiceImpl::ImageStatus(grpc::ServerContext* ctx,
                                           const runtime::v1::ImageStatusRequest* req,
                                           runtime::v1::ImageStatusResponse* resp) {
  return gate_->Serve(ctx, "ImageStatus", "", [&](const GateCall&) -> absl::Status {
    auto img = ResolveOrNone(store_, req->image().image());
    if (!img.ok()) return img.status();
    if (*img) ToProto(**img, resp->mutable_image());
    return absl::OkStatus();
  });
}

grpc::Status ImageServiceImpl::PullImage(grpc::ServerContext* ctx,
                                         const runtime::v1::PullImageRequest* req,
                                         runtime::v1::PullImageResponse* resp) {
  return gate_->Serve(ctx, "PullImage", "", [&](const GateCall&) -> absl::Status {
    auto id = store_.Pull(req->image().image());
    if (!id.ok()) return id.status();
    resp->set_image_ref(*id);  // containerd answers the image id
    return absl::OkStatus();
  });
}

grpc::Status ImageServiceImpl::RemoveImage(grpc::ServerContext* ctx,
                                           const runtime::v1::RemoveImageRequest* req,
                                           runtime::v1::RemoveImageResponse*) {
  return gate_->Serve(ctx, "RemoveImage", "", [&](const GateCall&) -> absl::Status {
    auto img = ResolveOrNone(store_, req->image().image());
    if (!img.ok()) return img.status();
    if (*img) (void)store_.Remove((*img)->id);
    return absl::OkStatus();
  });
}

grpc::Status ImageServiceImpl::ImageFsInfo(grpc::ServerContext* ctx,
                                           const runtime::v1::ImageFsInfoRequest*,
                                           runtime::v1::ImageFsInfoResponse* resp) {
  return gate_->Serve(ctx, "ImageFsInfo", "", [&](const GateCall&) {
    uint64_t used = 0;
    const std::vector<Image> images = store_.List();
    for (const Image& img : images) used += img.size;
    auto* fs = resp->add_image_filesystems();
    fs->set_timestamp(std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count());
    fs->mutable_fs_id()->set_mountpoint(kImageFsPath);
    fs->mutable_used_bytes()->set_value(used);
    fs->mutable_inodes_used()->set_value(images.size() * 16);
    return absl::OkStatus();
  });
}

}  // namespace fakecri
