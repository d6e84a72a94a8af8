#!/usr/bin/python3
"""Write a single-layer OCI image layout tar built from a static busybox.

No network and no container tooling: the layer is a tar made here (busybox at
/bin/busybox plus symlinks for the applets asked for), the config and manifest
are JSON, every blob is named by its sha256.  The archive is what
`ctr images import` reads; the image name goes into index.json as
io.containerd.image.name (the full reference) and
org.opencontainers.image.ref.name (the tag).

Usage:
  make_oci_image.py OUT.tar --ref docker.io/library/busybox:latest \\
      [--busybox /bin/busybox] [--applets all|sh,sleep,...] \\
      [--entrypoint '["/bin/sleep","infinity"]'] [--cmd '["sh"]']
"""

import argparse
import hashlib
import io
import json
import platform
import subprocess
import sys
import tarfile

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
GOARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386",
          "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}
DIRS = {"bin": 0o755, "sbin": 0o755, "usr": 0o755, "usr/bin": 0o755,
        "usr/sbin": 0o755, "etc": 0o755, "dev": 0o755, "proc": 0o555,
        "sys": 0o555, "root": 0o700, "tmp": 0o1777, "var": 0o755}


def tar_entry(tf, name, kind, mode, data=b"", target=""):
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime = kind, mode, 0
    info.uname = info.gname = "root"
    if kind == tarfile.SYMTYPE:
        info.linkname = target
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    tf.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def applet_paths(busybox, wanted):
    out = subprocess.run([busybox, "--list-full"], check=True,
                         capture_output=True, text=True).stdout.split()
    if wanted == "all":
        return sorted(set(out) - {"bin/busybox"})
    names = set(wanted.split(","))
    paths = sorted(p for p in out if p.rsplit("/", 1)[-1] in names)
    missing = names - {p.rsplit("/", 1)[-1] for p in paths}
    if missing:
        sys.exit("busybox has no applet(s): %s" % ", ".join(sorted(missing)))
    return paths


def build_layer(busybox, applets):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for d, mode in sorted(DIRS.items()):
            tar_entry(tf, d + "/", tarfile.DIRTYPE, mode)
        with open(busybox, "rb") as fh:
            tar_entry(tf, "bin/busybox", tarfile.REGTYPE, 0o755, fh.read())
        for path in applet_paths(busybox, applets):
            tar_entry(tf, path, tarfile.SYMTYPE, 0o777, target="/bin/busybox")
        tar_entry(tf, "etc/passwd", tarfile.REGTYPE, 0o644,
                  b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n")
        tar_entry(tf, "etc/group", tarfile.REGTYPE, 0o644, b"root:x:0:\nnogroup:x:65534:\n")
    return buf.getvalue()


def descriptor(media_type, blob, **extra):
    d = {"mediaType": media_type, "digest": "sha256:" + hashlib.sha256(blob).hexdigest(),
         "size": len(blob)}
    d.update(extra)
    return d


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--ref", required=True, help="full image reference, with tag")
    ap.add_argument("--busybox", default="/bin/busybox", help="a statically linked busybox")
    ap.add_argument("--applets", default="all", help="'all' or comma-separated applet names")
    ap.add_argument("--entrypoint", type=json.loads, default=None, help="JSON list")
    ap.add_argument("--cmd", type=json.loads, default=["sh"], help="JSON list")
    args = ap.parse_args()
    tag = args.ref.rsplit(":", 1)[1] if ":" in args.ref.rsplit("/", 1)[-1] else "latest"

    arch = GOARCH.get(platform.machine(), platform.machine())  # busybox is the host's
    layer = build_layer(args.busybox, args.applets)
    diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
    config = {
        "architecture": arch, "os": "linux", "created": "1970-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], "WorkingDir": "/",
                   "Cmd": args.cmd},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": "1970-01-01T00:00:00Z",
                     "created_by": "make_oci_image.py (busybox-static)"}],
    }
    if args.entrypoint is not None:
        config["config"]["Entrypoint"] = args.entrypoint
    config_blob = canonical(config)
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": descriptor(OCI_CONFIG, config_blob),
                "layers": [descriptor(OCI_LAYER, layer)]}
    manifest_blob = canonical(manifest)
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        descriptor(OCI_MANIFEST, manifest_blob,
                   platform={"architecture": arch, "os": "linux"},
                   annotations={"io.containerd.image.name": args.ref,
                                "org.opencontainers.image.ref.name": tag})]}

    with tarfile.open(args.out, "w", format=tarfile.PAX_FORMAT) as tf:
        tar_entry(tf, "blobs/", tarfile.DIRTYPE, 0o755)
        tar_entry(tf, "blobs/sha256/", tarfile.DIRTYPE, 0o755)
        for blob in (layer, config_blob, manifest_blob):
            name = "blobs/sha256/" + hashlib.sha256(blob).hexdigest()
            tar_entry(tf, name, tarfile.REGTYPE, 0o644, blob)
        tar_entry(tf, "oci-layout", tarfile.REGTYPE, 0o644,
                  canonical({"imageLayoutVersion": "1.0.0"}))
        tar_entry(tf, "index.json", tarfile.REGTYPE, 0o644, canonical(index))
    print("%s: %s (manifest %s)" % (args.out, args.ref, descriptor(OCI_MANIFEST, manifest_blob)["digest"]))


if __name__ == "__main__":
    main()
