#ifndef FAKE_CRI_IMAGE_SERVICE_H_
#define FAKE_CRI_IMAGE_SERVICE_H_

#include <map>
#include <mutex>
#include <string>

#include "fake-cri/call_gate.h"
#include "proto/cri_runtime_v1.grpc.pb.h"

namespace fakecri {

// A minimal runtime.v1.ImageService: PullImage records the image (there is no
// network and nothing is fetched), ListImages/ImageStatus report what was
// recorded, RemoveImage forgets it (an unknown image is not an error). Image ids
// are derived from the name, so the same name always gets the same id.
// Thread-safe.
class ImageServiceImpl final : public runtime::v1::ImageService::Service {
 public:
  explicit ImageServiceImpl(CallGate* gate) : gate_(gate) {}

  // Records `image` as present; returns its image ref ("sha256:<64 hex>").
  std::string Record(const std::string& image);
  // "busybox" -> "docker.io/library/busybox:latest", as containerd normalizes.
  static std::string Normalize(const std::string& image);

  grpc::Status ListImages(grpc::ServerContext*, const runtime::v1::ListImagesRequest*,
                          runtime::v1::ListImagesResponse*) override;
  grpc::Status ImageStatus(grpc::ServerContext*, const runtime::v1::ImageStatusRequest*,
                           runtime::v1::ImageStatusResponse*) override;
  grpc::Status PullImage(grpc::ServerContext*, const runtime::v1::PullImageRequest*,
                         runtime::v1::PullImageResponse*) override;
  grpc::Status RemoveImage(grpc::ServerContext*, const runtime::v1::RemoveImageRequest*,
                           runtime::v1::RemoveImageResponse*) override;
  grpc::Status ImageFsInfo(grpc::ServerContext*, const runtime::v1::ImageFsInfoRequest*,
                           runtime::v1::ImageFsInfoResponse*) override;

 private:
  const runtime::v1::Image* Find(const std::string& name_or_id) const;  // REQUIRES: mu_ held
  CallGate* gate_;
  mutable std::mutex mu_;
  std::map<std::string, runtime::v1::Image> images_;  // by id
};

}  // namespace fakecri

#endif  // FAKE_CRI_IMAGE_SERVICE_H_
