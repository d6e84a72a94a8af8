#!/usr/bin/python3
"""Run one CRI script against two runtimes in lockstep and compare them call by call.

The client is built from the upstream CRI definition (the runtime.v1
descriptor read out of Debian's containerd, ci/upstream-cri/), not from our
proto. Every step runs on runtime A (containerd), then on runtime B
(fake-cri); each answer is normalised (ids numbered in order of appearance,
times, tokens, ports and per-runtime paths replaced, list order made
canonical, measured numbers reduced to their presence) and the two are
compared: gRPC code, message text and response shape and values. A difference
fails the run unless the allow-list (cri-diff-allow.json) covers it with a
reason. Prints the comparison as a table and a summary line; exits 1 on any
difference not allowed.

The steps are in cri_diff_steps.py. Besides CRI calls, a few read what a
runtime leaves on disk (a container's log file: its entries without their
times, its mode) and what its streaming server answers (WebSocket exec,
attach and port-forward sessions, the plain-HTTP and SPDY answers), the same
way for both.

Usage:
  cri_diff.py --descriptor cri.pb --a unix:///ctrd.sock --b unix:///fake.sock \\
      --registry localhost:PORT --a-logs DIR --b-logs DIR --a-root DIR \\
      [--allow cri-diff-allow.json] [--json out.json] [-v]
"""

import argparse
import base64
import fnmatch
import json
import os
import re
import sys

import grpc
from google.protobuf import json_format

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "upstream-cri"))
from upstream_cri_client import Schema  # noqa: E402
from cri_diff_steps import build_script  # noqa: E402

# ---------------------------------------------------------------------------
# One runtime


class Target:
    def __init__(self, name, socket_url, schema, logs, root=None):
        self.name = name
        self.schema = schema
        self.channel = grpc.insecure_channel(socket_url)
        self.logs = logs          # PodSandboxConfig.log_directory base for this runtime
        self.root = root          # containerd's root dir (paths under it are normalised)
        self.ids = {}             # what steps remember: pod and container ids, urls
        self.id_labels = {}       # 64-hex id -> "<id:N>", in order of appearance
        self.timing = None        # what a timed step measured

    def call(self, service, method, deadline=15, **fields):
        path, req_cls, resp_cls = self.schema.method(service, method)
        stub = self.channel.unary_unary(path, request_serializer=req_cls.SerializeToString,
                                        response_deserializer=resp_cls.FromString)
        try:
            return "OK", "", stub(req_cls(**fields), timeout=deadline)
        except grpc.RpcError as e:
            return e.code().name, e.details() or "", None

    def msg(self, _type, **kw):
        return self.schema.message(_type)(**kw)


# ---------------------------------------------------------------------------
# Normalisation

HEX64 = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
TIME_FIELDS = {"created_at", "started_at", "finished_at", "timestamp"}


def label_ids(t, text):
    def sub(m):
        h = m.group(0)
        if h not in t.id_labels:
            t.id_labels[h] = "<id:%d>" % (len(t.id_labels) + 1)
        return t.id_labels[h]
    return HEX64.sub(sub, text)


def norm_text(t, text, registry):
    if t.root:
        text = text.replace(t.root, "/var/lib/containerd")
    text = text.replace(t.logs, "<logs>")
    text = re.sub(r"http://127\.0\.0\.1:\d+/(exec|attach|portforward)/[A-Za-z0-9_-]{8}",
                  r"http://127.0.0.1:<port>/\1/<token>", text)
    return label_ids(t, text)


def natural_key(item):
    """A sort key for list items that does not depend on ids."""
    if not isinstance(item, dict):
        return json.dumps(item, sort_keys=True)
    md = item.get("metadata") or item.get("attributes", {}).get("metadata") or {}
    if md:
        return "%s/%s/%s" % (md.get("namespace", ""), md.get("name", ""), md.get("attempt", 0))
    if "repo_tags" in item or "repo_digests" in item:
        return ",".join(item.get("repo_tags", []) + item.get("repo_digests", []))
    return json.dumps(item, sort_keys=True)


def mark_wrappers(msg):
    """Measured numbers (the CRI's UInt64Value/Int64Value wrappers: sizes,
    usage, inodes) are compared by presence: each present one reads 1."""
    for field, value in msg.ListFields():
        if field.type != field.TYPE_MESSAGE or field.message_type.GetOptions().map_entry:
            continue
        for m in (value if field.label == field.LABEL_REPEATED else [value]):
            if m.DESCRIPTOR.name in ("UInt64Value", "Int64Value"):
                m.value = 1
            else:
                mark_wrappers(m)


def norm_value(t, v, registry, key=""):
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k in TIME_FIELDS:
                out[k] = "<time>" if x not in ("0", 0) else x
            elif k in ("size", "size_"):
                out[k] = "<size>"
            elif k in ("stdout", "stderr") and isinstance(x, str):
                out[k] = base64.b64decode(x).decode("utf-8", "replace")
            else:
                out[k] = norm_value(t, x, registry, k)
        return out
    if isinstance(v, list):
        # CRI lists come in a map's order from containerd: compared sorted.
        items = sorted(v, key=natural_key) if v and isinstance(v[0], dict) else v
        return [norm_value(t, x, registry, key) for x in items]
    if isinstance(v, str):
        return norm_text(t, v, registry)
    return v


def to_dict(resp):
    if resp is None:
        return None
    return json_format.MessageToDict(resp, preserving_proto_field_name=True)


def unknown_fields(msg, prefix=""):
    """Paths of fields the upstream definition does not know (newer CRI fields)."""
    out = []
    try:
        for f in msg.UnknownFields():
            out.append("%s#%d" % (prefix.rstrip(".") or "<root>", f.field_number))
    except (AttributeError, NotImplementedError):
        pass
    for field, value in msg.ListFields():
        if field.type != field.TYPE_MESSAGE or field.message_type.GetOptions().map_entry:
            continue
        if field.label == field.LABEL_REPEATED:
            for x in value:
                out.extend(unknown_fields(x, prefix + field.name + "[]."))
        else:
            out.extend(unknown_fields(value, prefix + field.name + "."))
    return sorted(set(out))


def diff(a, b, path=""):
    """Paths where two normalised values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += diff(a.get(k), b.get(k), "%s.%s" % (path, k) if path else k)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return ["%s[len %d vs %d]" % (path, len(a), len(b))]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += diff(x, y, "%s[%d]" % (path, i))
        return out
    return [] if a == b else [path or "<value>"]


# ---------------------------------------------------------------------------


def normalise(t, result, registry):
    code, message, resp = result
    timing, t.timing = t.timing, None
    extra = []
    if resp is not None and hasattr(resp, "ListFields"):
        extra = unknown_fields(resp)
        mark_wrappers(resp)
        resp = to_dict(resp)
    body = norm_value(t, resp, registry) if resp is not None else None
    out = {"code": code, "message": norm_text(t, message, registry), "response": body,
           "unknown_fields": extra}
    if timing is not None:
        out["timing"] = timing
    return out


def allowed(allow, step, path):
    for entry in allow:
        if fnmatch.fnmatchcase(step, entry["step"]) and fnmatch.fnmatchcase(path, entry["path"]):
            return entry
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--descriptor", required=True)
    ap.add_argument("--a", required=True, help="runtime A's socket URL (containerd)")
    ap.add_argument("--b", required=True, help="runtime B's socket URL (fake-cri)")
    ap.add_argument("--a-name", default="containerd")
    ap.add_argument("--b-name", default="fake-cri")
    ap.add_argument("--registry", required=True, help="host:port of the local registry")
    ap.add_argument("--a-logs", required=True)
    ap.add_argument("--b-logs", required=True)
    ap.add_argument("--a-root", default=None, help="runtime A's root dir (/var/lib/containerd there)")
    ap.add_argument("--allow", default=os.path.join(HERE, "cri-diff-allow.json"))
    ap.add_argument("--json", default="", help="write every normalised answer here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print both answers of each difference")
    args = ap.parse_args()

    schema = Schema(args.descriptor)
    a = Target(args.a_name, args.a, schema, args.a_logs, args.a_root)
    b = Target(args.b_name, args.b, schema, args.b_logs)
    allow = [e for e in json.load(open(args.allow))["allow"]]
    script = build_script(args.registry)

    rows, record = [], []
    identical = allowed_n = failed = 0
    used = set()
    for name, fn in script.steps:
        ra = normalise(a, fn(a), args.registry)
        rb = normalise(b, fn(b), args.registry)
        paths = diff(ra, rb)
        verdict, why = "same", []
        for p in paths:
            entry = allowed(allow, name, p)
            if entry is None:
                verdict = "DIFF"
                why.append(p)
            else:
                used.add(allow.index(entry))
                why.append("%s (allowed: %s)" % (p, entry["id"]))
        if verdict == "same" and paths:
            verdict = "allowed"
        identical += verdict == "same"
        allowed_n += verdict == "allowed"
        failed += verdict == "DIFF"
        rows.append((verdict, name, ra["code"], rb["code"], "; ".join(why)))
        record.append({"step": name, "verdict": verdict, "differences": paths,
                       args.a_name: ra, args.b_name: rb})
        if verdict == "DIFF" and args.verbose:
            print("---- %s" % name)
            print("  %s: %s" % (args.a_name, json.dumps(ra, sort_keys=True)))
            print("  %s: %s" % (args.b_name, json.dumps(rb, sort_keys=True)))

    w = max(len(r[1]) for r in rows)
    print("%-7s %-*s %-18s %-18s %s" % ("verdict", w, "call", args.a_name, args.b_name, "differences"))
    for r in rows:
        print("%-7s %-*s %-18s %-18s %s" % (r[0], w, r[1], r[2], r[3], r[4]))
    unused = [e["id"] for i, e in enumerate(allow) if i not in used]
    print("%d calls: %d identical, %d with allowed differences only, %d differing; "
          "allow-list entries used: %d of %d%s" % (
              len(rows), identical, allowed_n, failed, len(used), len(allow),
              (" (unused: %s)" % ", ".join(unused)) if unused else ""))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(record, fh, indent=1, sort_keys=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
