#!/usr/bin/python3
"""Wire-level diff of two FileDescriptorSets for one proto package.

For every message/enum/method declared in OURS, check it against UPSTREAM:
same field numbers, wire-relevant types (scalar type, message/enum type name,
repeated-ness, map-ness), enum value numbers, and method request/response types
and streaming.  Names may differ without breaking the wire, so a renamed field
is a warning; a number/type clash is an error.  Things upstream has that ours
lacks are listed as info (they arrive as unknown fields / UNIMPLEMENTED).

  protoc -I proto --descriptor_set_out=ours.pb proto/cri_runtime_v1.proto
  /usr/bin/python3 compare_descriptors.py cri_v1.pb ours.pb [--package runtime.v1]
Exit status 1 if any error was found.
"""

import argparse
import sys

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import FieldDescriptor as FD


def load(path):
    fds = descriptor_pb2.FileDescriptorSet.FromString(open(path, "rb").read())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    return pool, fds


def walk(fds, package):
    """Yield full names of messages and enums of `package` in a set."""
    def nested(prefix, msg):
        name = prefix + "." + msg.name
        yield "message", name
        for e in msg.enum_type:
            yield "enum", name + "." + e.name
        for m in msg.nested_type:
            if not m.options.map_entry:
                yield from nested(name, m)

    for f in fds.file:
        if f.package != package:
            continue
        for m in f.message_type:
            yield from nested(package, m)
        for e in f.enum_type:
            yield "enum", package + "." + e.name
        for s in f.service:
            yield "service", package + "." + s.name


def field_sig(f):
    if f.message_type is not None and f.message_type.GetOptions().map_entry:
        k, v = f.message_type.fields_by_name["key"], f.message_type.fields_by_name["value"]
        return "map<%s,%s>" % (field_sig(k), field_sig(v))
    if f.type in (FD.TYPE_MESSAGE, FD.TYPE_GROUP):
        base = f.message_type.full_name
    elif f.type == FD.TYPE_ENUM:
        base = "enum " + f.enum_type.full_name
    else:
        base = {v: k for k, v in vars(FD).items() if k.startswith("TYPE_")}[f.type][5:].lower()
    return ("repeated " if f.label == FD.LABEL_REPEATED else "") + base


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("upstream")
    ap.add_argument("ours")
    ap.add_argument("--package", default="runtime.v1")
    ap.add_argument("-q", "--quiet", action="store_true", help="hide info lines")
    args = ap.parse_args()
    up, _ = load(args.upstream)
    ours, ours_set = load(args.ours)
    errors = warnings = 0

    def report(level, text):
        nonlocal errors, warnings
        errors += level == "ERROR"
        warnings += level == "WARN"
        if level != "info" or not args.quiet:
            print("%-5s %s" % (level, text))

    for kind, name in walk(ours_set, args.package):
        try:
            u = {"message": up.FindMessageTypeByName, "enum": up.FindEnumTypeByName,
                 "service": up.FindServiceByName}[kind](name)
        except KeyError:
            report("info", "%s %s: not in upstream descriptor (newer than it?)" % (kind, name))
            continue
        o = {"message": ours.FindMessageTypeByName, "enum": ours.FindEnumTypeByName,
             "service": ours.FindServiceByName}[kind](name)
        if kind == "message":
            for f in o.fields:
                uf = u.fields_by_number.get(f.number)
                if uf is None:
                    same_name = u.fields_by_name.get(f.name)
                    if same_name is not None:
                        report("ERROR", "%s.%s: ours = %d, upstream = %d"
                               % (name, f.name, f.number, same_name.number))
                    else:
                        report("info", "%s.%s = %d: not in upstream descriptor"
                               % (name, f.name, f.number))
                    continue
                if field_sig(f) != field_sig(uf):
                    report("ERROR", "%s field %d: ours %s %s, upstream %s %s"
                           % (name, f.number, field_sig(f), f.name, field_sig(uf), uf.name))
                elif f.name != uf.name:
                    report("WARN", "%s field %d: named %s, upstream %s"
                           % (name, f.number, f.name, uf.name))
                if (f.containing_oneof is None) != (uf.containing_oneof is None):
                    report("WARN", "%s.%s: oneof membership differs" % (name, f.name))
            missing = sorted(set(u.fields_by_number) - set(o.fields_by_number))
            if missing:
                report("info", "%s: upstream fields we omit: %s" % (name, ", ".join(
                    "%s=%d" % (u.fields_by_number[n].name, n) for n in missing)))
        elif kind == "enum":
            for v in o.values:
                uv = u.values_by_number.get(v.number)
                if uv is None:
                    report("ERROR", "%s value %s = %d: not upstream" % (name, v.name, v.number))
                elif uv.name != v.name:
                    report("WARN", "%s value %d: named %s, upstream %s"
                           % (name, v.number, v.name, uv.name))
        else:
            for m in o.methods:
                um = u.methods_by_name.get(m.name)
                if um is None:
                    report("info", "%s/%s: not in upstream descriptor" % (name, m.name))
                    continue
                ours_sig = (m.input_type.full_name, m.output_type.full_name,
                            m.client_streaming, m.server_streaming)
                up_sig = (um.input_type.full_name, um.output_type.full_name,
                          um.client_streaming, um.server_streaming)
                if ours_sig != up_sig:
                    report("ERROR", "%s/%s: ours %s, upstream %s" % (name, m.name, ours_sig, up_sig))
            skipped = sorted(set(u.methods_by_name) - set(o.methods_by_name))
            if skipped:
                report("info", "%s: upstream methods we do not declare: %s"
                       % (name, ", ".join(skipped)))
    print("%d error(s), %d warning(s)" % (errors, warnings))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
