#!/usr/bin/python3
"""Write the kit's OCI image: a layout tar with one gzip layer, made here.

No registry and no base image: the root file system is assembled from the
kit's binaries (stripped), every shared library `ldd` names for them (with the
symlinks on the way, so /lib64/ld-linux-x86-64.so.2 resolves as on the host),
Debian's static busybox for a shell and a few applets, and the few files the
binaries need (passwd, group, nsswitch.conf, hosts, the default fixture).
Everything is owned by root but the directories the tools write to, which
belong to the image's user, `checkpoint` (65532:65532).

One layer, several images in one index, all sharing that layer and differing
only in their entrypoint:

  REF:VERSION                    checkpoint-conformance (the default)
  REF/<tool>:VERSION             that tool, for each --tool

Entries have mtime SOURCE_DATE_EPOCH (default 0) and are sorted, so the same
inputs give the same digests.  `ctr images import` reads the result, and so
does anything that reads OCI image layouts.

Usage:
  make_kit_image.py OUT.tar --ref localhost/checkpoint-kit --version 0.1.0 \\
      --tool fake-cri=build/fake-cri/fake-cri --tool ... \\
      [--default-tool checkpoint-conformance] [--file SRC:DEST[:MODE]]... \\
      [--busybox /bin/busybox] [--rootfs-list FILE]
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import platform
import re
import stat
import subprocess
import sys
import tarfile
import tempfile
import time

# The OCI descriptor and canonical JSON of ci/containerd's test images.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "containerd"))
from make_oci_image import canonical, descriptor  # noqa: E402

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
GOARCH = {"x86_64": "amd64", "aarch64": "arm64"}

USER, UID, GID = "checkpoint", 65532, 65532
# The image's user writes here (when nothing is mounted over them).
USER_DIRS = ["home/checkpoint", "run/checkpoint-kit", "var/lib/checkpoint-kit"]
DIRS = {"etc": 0o755, "tmp": 0o1777, "proc": 0o555, "sys": 0o555, "dev": 0o755,
        "run": 0o755, "var": 0o755, "var/lib": 0o755, "home": 0o755,
        "usr": 0o755, "usr/bin": 0o755, "usr/sbin": 0o755, "usr/share": 0o755,
        "usr/share/checkpoint-kit": 0o755, "root": 0o700}
# What the Sonobuoy plugin's wrapper and a person debugging need; kubectl exec
# ... cat reads reports. Symlinks to /usr/bin/busybox.
APPLETS = ("sh cat ls mkdir rm mv cp ln tar gzip gunzip date env id echo printf test [ "
           "head tail grep sed wc tr find stat sleep true false dirname basename readlink "
           "ps kill uname hostname").split()
ETC = {
    "etc/passwd": "root:x:0:0:root:/root:/bin/sh\n"
                  "%s:x:%d:%d:checkpoint-kit:/home/checkpoint:/bin/sh\n"
                  "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n" % (USER, UID, GID),
    "etc/group": "root:x:0:\n%s:x:%d:\nnogroup:x:65534:\n" % (USER, GID),
    "etc/nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n",
    # Runtimes mount their own over it; this is for `ctr run` without one.
    "etc/hosts": "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n",
}


class Layer:
    """A tar of the root file system, built in memory, entries added once each."""

    def __init__(self, mtime):
        self.mtime = mtime
        self.entries = {}  # path (no leading /) -> (TarInfo, data)

    def _info(self, path, kind, mode, owner=(0, 0)):
        info = tarfile.TarInfo(path)
        info.type, info.mode, info.mtime = kind, mode, self.mtime
        info.uid, info.gid = owner
        info.uname = USER if owner[0] == UID else "root"
        info.gname = USER if owner[1] == GID else "root"
        return info

    def dir(self, path, mode=0o755, owner=(0, 0)):
        path = path.strip("/")
        if not path:
            return
        parent = os.path.dirname(path)
        if parent and parent not in self.entries:
            self.dir(parent)
        if path in self.entries:
            if self.entries[path][0].type != tarfile.DIRTYPE:
                sys.exit("%s: both a directory and not" % path)
            return
        self.entries[path] = (self._info(path, tarfile.DIRTYPE, mode, owner), None)

    def file(self, path, data, mode):
        path = path.strip("/")
        self.dir(os.path.dirname(path))
        old = self.entries.get(path)
        if old and (old[0].type != tarfile.REGTYPE or old[1] != data):
            sys.exit("%s: added twice with different contents" % path)
        info = self._info(path, tarfile.REGTYPE, mode)
        info.size = len(data)
        self.entries[path] = (info, data)

    def symlink(self, path, target):
        path = path.strip("/")
        self.dir(os.path.dirname(path))
        old = self.entries.get(path)
        if old and (old[0].type != tarfile.SYMTYPE or old[0].linkname != target):
            sys.exit("%s: added twice as different things" % path)
        info = self._info(path, tarfile.SYMTYPE, 0o777)
        info.linkname = target
        self.entries[path] = (info, None)

    def mirror(self, host_path):
        """Add host_path as the host resolves it: every symlink met on the way
        (/lib64 -> usr/lib64, ld-linux-x86-64.so.2 -> ...) becomes a symlink in
        the image, and the file at the end a regular file."""
        parts = host_path.strip("/").split("/")
        for i in range(len(parts)):
            cur = "/" + "/".join(parts[:i + 1])
            st = os.lstat(cur)
            if stat.S_ISLNK(st.st_mode):
                target = os.readlink(cur)
                self.symlink(cur, target)
                base = target if target.startswith("/") else os.path.join(os.path.dirname(cur), target)
                rest = parts[i + 1:]
                return self.mirror(os.path.normpath(os.path.join(base, *rest)))
            if stat.S_ISDIR(st.st_mode):
                if i == len(parts) - 1:
                    sys.exit("%s is a directory" % host_path)
                self.dir(cur, 0o755)
            else:
                with open(cur, "rb") as fh:
                    self.file(cur, fh.read(), 0o755 if st.st_mode & 0o111 else 0o644)
                return None
        return None

    def tar_bytes(self):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
            for path in sorted(self.entries):
                info, data = self.entries[path]
                tf.addfile(info, io.BytesIO(data) if data is not None else None)
        return buf.getvalue()


LDD_LINE = re.compile(r"^\s*(\S+)(?:\s+=>\s+(\S+))?\s+\(0x[0-9a-f]+\)\s*$")


def shared_libraries(binary):
    """Absolute paths of what the dynamic loader maps for binary (ldd's view)."""
    out = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    libs = []
    for line in out.splitlines():
        if "not found" in line:
            sys.exit("%s: ldd: %s" % (binary, line.strip()))
        m = LDD_LINE.match(line)
        if not m:
            if line.strip():
                sys.exit("%s: unexpected ldd line %r" % (binary, line))
            continue
        name, path = m.group(1), m.group(2)
        path = path or name  # the loader's line has no "=>"
        if path.startswith("/"):
            libs.append(path)  # linux-vdso.so.1 has no file
    return libs


def stripped(binary):
    with tempfile.NamedTemporaryFile() as tmp:
        subprocess.run(["strip", "--strip-unneeded", "-o", tmp.name, binary], check=True)
        with open(tmp.name, "rb") as fh:
            return fh.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--ref", required=True, help="image name without tag, e.g. localhost/checkpoint-kit")
    ap.add_argument("--version", required=True, help="the tag")
    ap.add_argument("--tool", action="append", required=True, metavar="NAME=BINARY",
                    help="a binary, installed as /usr/bin/NAME (repeatable)")
    ap.add_argument("--default-tool", default="checkpoint-conformance",
                    help="the entrypoint of REF:VERSION")
    ap.add_argument("--file", action="append", default=[], metavar="SRC:DEST[:MODE]",
                    help="another file, e.g. a script (octal MODE, default 644)")
    ap.add_argument("--busybox", default="/bin/busybox", help="a statically linked busybox")
    ap.add_argument("--rootfs-list", help="also write the root file system's paths here")
    args = ap.parse_args()
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    arch = GOARCH.get(platform.machine(), platform.machine())

    layer = Layer(mtime)
    for d, mode in DIRS.items():
        layer.dir(d, mode)
    for d in USER_DIRS:
        layer.dir(d, 0o700 if d.startswith("home/") else 0o755, (UID, GID))
    for path, text in ETC.items():
        layer.file(path, text.encode(), 0o644)

    tools = []
    libs = set()
    for spec in args.tool:
        name, _, binary = spec.partition("=")
        if not name or not binary:
            sys.exit("--tool %r: want NAME=BINARY" % spec)
        tools.append(name)
        layer.file("usr/bin/" + name, stripped(binary), 0o755)
        libs.update(shared_libraries(binary))
    for lib in sorted(libs):
        layer.mirror(lib)
    linked = subprocess.run(["ldd", args.busybox], capture_output=True, text=True).stdout
    if "=>" in linked:
        sys.exit("%s is dynamically linked: install busybox-static" % args.busybox)
    with open(args.busybox, "rb") as fh:
        layer.file("usr/bin/busybox", fh.read(), 0o755)
    for applet in APPLETS:
        layer.symlink("usr/bin/" + applet, "busybox")
    # Debian 12's merged /usr: /bin/sh and friends resolve through these.
    for top in ("bin", "sbin", "lib", "lib64"):
        if os.path.islink("/" + top):
            layer.symlink(top, os.readlink("/" + top))
    for spec in args.file:
        parts = spec.split(":")
        if len(parts) not in (2, 3):
            sys.exit("--file %r: want SRC:DEST[:MODE]" % spec)
        with open(parts[0], "rb") as fh:
            layer.file(parts[1], fh.read(), int(parts[2], 8) if len(parts) == 3 else 0o644)
    if args.default_tool not in tools:
        sys.exit("--default-tool %s is not one of the --tool names" % args.default_tool)

    layer_tar = layer.tar_bytes()
    layer_gz = gzip.compress(layer_tar, compresslevel=6, mtime=0)
    diff_id = "sha256:" + hashlib.sha256(layer_tar).hexdigest()
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(mtime))

    blobs = [layer_gz]
    index_entries = []
    images = [("%s:%s" % (args.ref, args.version), args.default_tool)]
    images += [("%s/%s:%s" % (args.ref, t, args.version), t) for t in tools]
    for ref, tool in images:
        config = {
            "architecture": arch, "os": "linux", "created": created,
            "config": {
                "User": "%d:%d" % (UID, GID),
                "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"],
                "WorkingDir": "/",
                "Entrypoint": ["/usr/bin/" + tool],
                "Cmd": ["--help"],
                "Labels": {"org.opencontainers.image.title": "checkpoint-kit",
                           "org.opencontainers.image.version": args.version,
                           "org.opencontainers.image.description":
                               "checkpoint-kit: %s (fake-cri, checkpoint-endpoint, "
                               "checkpoint-conformance, checkpoint-inspect)" % tool},
            },
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created": created,
                         "created_by": "ci/kit-image/make_kit_image.py (build output, "
                                       "ldd's libraries, busybox-static)"}],
        }
        config_blob = canonical(config)
        manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                    "config": descriptor(OCI_CONFIG, config_blob),
                    "layers": [descriptor(OCI_LAYER_GZIP, layer_gz)]}
        manifest_blob = canonical(manifest)
        blobs += [config_blob, manifest_blob]
        index_entries.append(descriptor(
            OCI_MANIFEST, manifest_blob, platform={"architecture": arch, "os": "linux"},
            annotations={"io.containerd.image.name": ref,
                         "org.opencontainers.image.ref.name": ref}))
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": index_entries}

    tmp_out = args.out + ".tmp"
    with tarfile.open(tmp_out, "w", format=tarfile.PAX_FORMAT) as tf:
        def add(name, data, kind=tarfile.REGTYPE):
            info = tarfile.TarInfo(name)
            info.type, info.mtime, info.uname, info.gname = kind, mtime, "root", "root"
            info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
            info.size = len(data) if data is not None else 0
            tf.addfile(info, io.BytesIO(data) if data is not None else None)
        add("blobs/", None, tarfile.DIRTYPE)
        add("blobs/sha256/", None, tarfile.DIRTYPE)
        seen = set()
        for blob in blobs:
            name = "blobs/sha256/" + hashlib.sha256(blob).hexdigest()
            if name not in seen:
                seen.add(name)
                add(name, blob)
        add("oci-layout", canonical({"imageLayoutVersion": "1.0.0"}))
        add("index.json", canonical(index))
    os.replace(tmp_out, args.out)

    if args.rootfs_list:
        with open(args.rootfs_list, "w") as fh:
            for path in sorted(layer.entries):
                info = layer.entries[path][0]
                kind = {tarfile.DIRTYPE: "d", tarfile.SYMTYPE: "l"}.get(info.type, "f")
                fh.write("%s /%s%s\n" % (kind, path, " -> " + info.linkname if kind == "l" else ""))
    print("%s: %d bytes (layer %d bytes gzip, %d bytes unpacked; %d files)"
          % (args.out, os.path.getsize(args.out), len(layer_gz), len(layer_tar),
             sum(1 for i, _ in layer.entries.values() if i.type == tarfile.REGTYPE)))
    for ref, tool in images:
        print("  %s  (entrypoint /usr/bin/%s)" % (ref, tool))


if __name__ == "__main__":
    main()
