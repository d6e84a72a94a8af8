#ifndef FAKE_CRI_IMAGE_SERVICE_H_
#define FAKE_CRI_IMAGE_SERVICE_H_

#include <string>

#include "fake-cri/call_gate.h"
#include "fake-cri/image_store.h"
#include "proto/cri_runtime_v1.grpc.pb.h"

namespace fakecri {

// The gRPC edge of runtime.v1.ImageService over an ImageStore, answering as
// containerd 1.6.20 does (pkg/cri/server/image_*.go): PullImage records the
// image (nothing is fetched) unless the registry is configured to lack it,
// ListImages lists every image (containerd 1.6 ignores the filter),
// ImageStatus and RemoveImage of an image the node lacks succeed with nothing.
// Every call passes the CallGate. Thread-safe.
class ImageServiceImpl final : public runtime::v1::ImageService::Service {
 public:
  explicit ImageServiceImpl(CallGate* gate) : gate_(gate) {}

  ImageStore* store() { return &store_; }
  // Where containerd's images and container layers live: the overlayfs
  // snapshotter's root under containerd's default root (/var/lib/containerd).
  static constexpr char kImageFsPath[] =
      "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs";

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
  CallGate* gate_;
  ImageStore store_;
};

}  // namespace fakecri

#endif  // FAKE_CRI_IMAGE_SERVICE_H_
