#!/usr/bin/python3
"""Extract the upstream Kubernetes CRI (runtime.v1) file descriptor from a Go binary.

Go protobuf code registers every .proto file it was generated from as a
serialized google.protobuf.FileDescriptorProto embedded in the binary:

  * gogo/protobuf and golang/protobuf APIv1 store it gzip-compressed
    (``fileDescriptor_xxx = []byte{0x1f, 0x8b, ...}``);
  * protobuf-go APIv2 stores it uncompressed (``file_xxx_rawDesc``).

Debian 12's ``containerd`` package (1.6.20) is built with k8s.io/cri-api
vendored, so /usr/bin/containerd carries the upstream "api.proto" for both
runtime.v1alpha2 and runtime.v1 (gzip form).  This script finds the wanted
package, checks it has the expected service/method, makes it loadable on its
own and writes a google.protobuf.FileDescriptorSet.

The upstream file imports github.com/gogo/protobuf/gogoproto/gogo.proto only
for gogo code-generation options (file-level extensions such as
marshaler_all).  Those options mean nothing on the wire, so by default the
import is dropped and the unknown extension fields are cleared from the
options.  With --keep-gogo the gogo.proto descriptor found in the same binary
is included instead (renamed to its import path).

Usage:
  /usr/bin/python3 extract_cri_descriptor.py OUT.pb [--binary /usr/bin/containerd]
      [--package runtime.v1] [--keep-gogo] [--dump-proto]
Needs Debian's python3-protobuf.
"""

import argparse
import hashlib
import sys
import zlib

from google.protobuf import descriptor_pb2, descriptor_pool

GZIP_MAGIC = b"\x1f\x8b\x08"
GOGO_IMPORT = "github.com/gogo/protobuf/gogoproto/gogo.proto"
# Largest inflated/raw descriptor we bother with (the CRI one is ~24 KB).
MAX_DESCRIPTOR = 4 * 1024 * 1024


def gzip_descriptors(data):
    """Yield (offset, FileDescriptorProto) for every gzip stream that parses as one."""
    pos = data.find(GZIP_MAGIC)
    while pos >= 0:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            raw = inflater.decompress(data[pos:pos + MAX_DESCRIPTOR], MAX_DESCRIPTOR)
        except zlib.error:
            raw = None
        if raw and inflater.eof:
            fdp = parse_file_descriptor(raw)
            if fdp is not None:
                yield pos, fdp
        pos = data.find(GZIP_MAGIC, pos + 1)


def parse_file_descriptor(raw):
    fdp = descriptor_pb2.FileDescriptorProto()
    try:
        fdp.ParseFromString(raw)
    except Exception:  # DecodeError, or RuntimeWarning-ish errors in cpp impl
        return None
    if not fdp.name or not fdp.package:
        return None
    return fdp


def _read_varint(buf, pos):
    result = shift = 0
    while pos < len(buf) and shift < 64:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
    raise ValueError("bad varint")


def _field_ends(buf, start):
    """Walk protobuf wire fields from start, returning every offset where a
    FileDescriptorProto field (numbers 1..14, proper wire type) ends.  Stops at
    the first thing that is not such a field.  Generated descriptors are
    marshalled in field-number order, so a field number going down (or a
    singular field repeating) also marks the end."""
    wire_types = {1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 2, 9: 2,
                  10: 0, 11: 0, 12: 2, 13: 2, 14: 0}
    repeated = {3, 4, 5, 6, 7, 10, 11}
    ends = []
    pos = start
    last = 0
    try:
        while pos < len(buf):
            tag, pos2 = _read_varint(buf, pos)
            number, wtype = tag >> 3, tag & 7
            if wire_types.get(number) is None:
                break
            if number < last or (number == last and number not in repeated):
                break
            last = number
            if wtype == 0:
                _, pos2 = _read_varint(buf, pos2)
            elif wtype == 2 and wire_types[number] in (0, 2):
                # packed repeated ints (10, 11) are also length-delimited
                length, pos2 = _read_varint(buf, pos2)
                pos2 += length
                if pos2 > len(buf):
                    break
            else:
                break
            pos = pos2
            ends.append(pos)
    except ValueError:
        pass
    return ends


def raw_descriptors(data, name):
    """Yield (offset, FileDescriptorProto) for uncompressed descriptors (APIv2
    rawDesc) whose file name is `name`.  They start with field 1 (name)."""
    encoded = name.encode()
    needle = b"\x0a" + bytes([len(encoded)]) + encoded + b"\x12"
    pos = data.find(needle)
    while pos >= 0:
        window = data[pos:pos + MAX_DESCRIPTOR]
        # Try the longest plausible end first, back off if trailing bytes
        # happened to look like fields but do not parse.
        for end in reversed(_field_ends(window, 0)):
            fdp = parse_file_descriptor(window[:end])
            if fdp is not None and fdp.service:
                yield pos, fdp
                break
        pos = data.find(needle, pos + 1)


def find_descriptor(data, package, service, method, file_name):
    candidates = []
    for source, gen in (("gzip", gzip_descriptors(data)),
                        ("raw", raw_descriptors(data, file_name))):
        for offset, fdp in gen:
            if fdp.package != package:
                continue
            methods = {(s.name, m.name) for s in fdp.service for m in s.method}
            if (service, method) in methods:
                candidates.append((source, offset, fdp))
    return candidates


def find_gogo(data):
    for _, fdp in gzip_descriptors(data):
        if fdp.package == "gogoproto":
            return fdp
    return None


def strip_gogo(fdp):
    """Drop the gogo.proto import and every unknown (extension) option field."""
    deps = [d for d in fdp.dependency if d != GOGO_IMPORT]
    del fdp.dependency[:]
    fdp.dependency.extend(deps)
    del fdp.public_dependency[:]
    del fdp.weak_dependency[:]

    def clean(options_holder):
        if options_holder.HasField("options"):
            opts = options_holder.options
            opts.DiscardUnknownFields()
            if not opts.ListFields():
                options_holder.ClearField("options")

    clean(fdp)
    stack = list(fdp.message_type)
    while stack:
        msg = stack.pop()
        clean(msg)
        for f in list(msg.field) + list(msg.extension):
            clean(f)
        for o in msg.oneof_decl:
            clean(o)
        for e in msg.enum_type:
            clean(e)
            for v in e.value:
                clean(v)
        stack.extend(msg.nested_type)
    for e in fdp.enum_type:
        clean(e)
        for v in e.value:
            clean(v)
    for s in fdp.service:
        clean(s)
        for m in s.method:
            clean(m)
    return fdp


def build_set(fdp, keep_gogo, gogo):
    fds = descriptor_pb2.FileDescriptorSet()
    if keep_gogo:
        if gogo is None:
            sys.exit("--keep-gogo: no gogoproto descriptor found in the binary")
        gogo = descriptor_pb2.FileDescriptorProto.FromString(gogo.SerializeToString())
        gogo.name = GOGO_IMPORT
        # Registered as "gogo.proto" importing "descriptor.proto"; use real paths.
        deps = ["google/protobuf/descriptor.proto" if d == "descriptor.proto" else d
                for d in gogo.dependency]
        del gogo.dependency[:]
        gogo.dependency.extend(deps)
        desc = descriptor_pb2.FileDescriptorProto()
        descriptor_pb2.DESCRIPTOR.CopyToProto(desc)
        fds.file.extend([desc, gogo, fdp])
    else:
        fds.file.append(strip_gogo(fdp))
    # Prove the set loads on its own.
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    pool.FindFileByName(fdp.name)
    return fds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("output", help="path of the FileDescriptorSet to write")
    ap.add_argument("--binary", default="/usr/bin/containerd")
    ap.add_argument("--package", default="runtime.v1")
    ap.add_argument("--file-name", default="api.proto",
                    help="descriptor file name, used to find raw descriptors")
    ap.add_argument("--service", default="RuntimeService")
    ap.add_argument("--method", default="CheckpointContainer",
                    help="method the descriptor must have")
    ap.add_argument("--keep-gogo", action="store_true",
                    help="keep gogo.proto import and options (adds its descriptor)")
    ap.add_argument("--dump-proto", action="store_true",
                    help="print a summary of services and methods")
    args = ap.parse_args()

    with open(args.binary, "rb") as fh:
        data = fh.read()
    found = find_descriptor(data, args.package, args.service, args.method, args.file_name)
    if not found:
        sys.exit("no %s descriptor with %s.%s in %s"
                 % (args.package, args.service, args.method, args.binary))
    # Identical copies may appear more than once; differing ones are suspicious.
    distinct = {c[2].SerializeToString(deterministic=True) for c in found}
    if len(distinct) > 1:
        print("warning: %d differing candidates, using the first" % len(distinct),
              file=sys.stderr)
    source, offset, fdp = found[0]
    raw = fdp.SerializeToString(deterministic=True)
    print("found %s (package %s, go_package %s) as %s descriptor at offset 0x%x, "
          "%d bytes, sha256 %s" % (fdp.name, fdp.package, fdp.options.go_package,
                                   source, offset, len(raw),
                                   hashlib.sha256(raw).hexdigest()[:16]),
          file=sys.stderr)
    print("original dependencies: %s" % list(fdp.dependency), file=sys.stderr)

    gogo = find_gogo(data) if args.keep_gogo else None
    fds = build_set(fdp, args.keep_gogo, gogo)
    with open(args.output, "wb") as fh:
        fh.write(fds.SerializeToString())
    print("wrote %s: %s" % (args.output, [f.name for f in fds.file]), file=sys.stderr)

    if args.dump_proto:
        for s in fdp.service:
            print("service %s:" % s.name)
            for m in s.method:
                print("  %s(%s) returns (%s%s)" % (
                    m.name, m.input_type, "stream " if m.server_streaming else "",
                    m.output_type))


if __name__ == "__main__":
    main()
