#!/usr/bin/env bash
# Wire compatibility against the upstream CRI definition, not our proto (the
# runtime profiles are checked by profiles.sh with the same client):
#  1. extract upstream's runtime.v1 descriptor from Debian's containerd binary;
#  2. diff our proto against it, field by field (numbers, types);
#  3. run a client built from it against a real fake-cri: a full pod and
#     container lifecycle, images, and a checkpoint that GNU tar can list.
# Usage: ci/upstream-cri/check.sh PATH/TO/fake-cri WORK_DIR
set -euo pipefail
fake_cri=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
py=/usr/bin/python3   # Debian's, with python3-protobuf and python3-grpcio

[ -x /usr/bin/containerd ] || { echo "needs Debian's containerd package (ci/setup installs it)"; exit 1; }
rm -rf "$work" && mkdir -p "$work/checkpoints"

"$py" "$here/extract_cri_descriptor.py" "$work/upstream.pb"
protoc -I "$root" --descriptor_set_out="$work/ours.pb" "$root/proto/cri_runtime_v1.proto"
"$py" "$here/compare_descriptors.py" "$work/upstream.pb" "$work/ours.pb"

sock="$work/cri.sock"
"$fake_cri" --listen "unix://$sock" --log-level warn &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 400); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || { echo "fake-cri did not start"; exit 1; }

"$py" "$here/upstream_cri_client.py" --socket "$sock" --descriptor "$work/upstream.pb" \
  --checkpoint-location "$work/checkpoints/upstream.tar" --log-directory "$work/logs" -q
listing=$(tar -tf "$work/checkpoints/upstream.tar")  # not piped into grep -q: SIGPIPE under pipefail
grep -qx 'checkpoint/inventory.img' <<<"$listing"
echo "upstream CRI client: full lifecycle and checkpoint OK"
