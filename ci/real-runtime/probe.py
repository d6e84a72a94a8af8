#!/usr/bin/python3
"""The same CheckpointContainer cases against any CRI runtime, as a real client sends them.

Calls go through the upstream runtime.v1 schema (ci/upstream-cri), so fake-cri and a
real containerd see identical bytes. Prints one JSON object: for each case the gRPC
code, the message with ids and paths replaced by <id>, <loc>, ... and what the file
system shows afterwards. compare runs it against fake-cri and a real runtime.

Usage: probe.py unix:///path.sock DESCRIPTOR.pb OUT_DIR [--no-criu] [--times] [--fast]
(--fast: no waiting for the container's memory to fill, for fake-cri)
"""

import json
import os
import statistics
import sys
import time
import uuid

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "upstream-cri"))
from upstream_cri_client import Client, Schema  # noqa: E402


class Probe:
    def __init__(self, socket, descriptor, out):
        self.schema = Schema(descriptor)
        self.c = Client(self.schema, socket.replace("unix://", ""), 120, False, False)
        self.out = out
        self.logs = os.path.join(out, "pod-logs")
        os.makedirs(self.logs, exist_ok=True)
        self.made = []
        self.fast = "--fast" in sys.argv

    def msg(self, type_name, **kw):
        return self.schema.message(type_name)(**kw)

    def pod(self, name, mib):
        cfg = self.msg("PodSandboxConfig",
                       metadata=self.msg("PodSandboxMetadata", name=name, uid=str(uuid.uuid4()),
                                         namespace="default", attempt=0),
                       log_directory=self.logs,
                       # fake-cri's simulated memory; a real runtime ignores it.
                       annotations={"fake-cri.io/working-set-bytes": "%dMi" % max(mib, 1)})
        opts = cfg.linux.security_context.namespace_options
        opts.network = opts.DESCRIPTOR.fields_by_name["network"].enum_type.values_by_name["NODE"].number
        return cfg

    def container(self, name, mib=16, start=True):
        cfg = self.pod(name, mib)
        pod = self.c.runtime("RunPodSandbox", config=cfg).pod_sandbox_id
        # The process holds `mib` MiB: dd keeps its buffer while blocked on the pipe.
        cmd = ["sh", "-c", "head -c %dm /dev/zero | tr '\\0' a | dd bs=%dM count=1 "
               "iflag=fullblock 2>/dev/null | sleep 1000000" % (mib, mib)]
        cc = self.msg("ContainerConfig", metadata=self.msg("ContainerMetadata", name="app"),
                      image=self.msg("ImageSpec", image="busybox"), command=cmd,
                      log_path="%s-app.log" % name)
        cid = self.c.runtime("CreateContainer", pod_sandbox_id=pod, config=cc,
                             sandbox_config=cfg).container_id
        self.made.append((pod, cid))
        if start:
            self.c.runtime("StartContainer", container_id=cid)
            if not self.fast:
                time.sleep(1.0)  # let dd fill its buffer
        return cid

    def clean(self):
        for pod, cid in self.made:
            for method, kw in (("StopContainer", dict(container_id=cid, timeout=0)),
                               ("RemoveContainer", dict(container_id=cid)),
                               ("StopPodSandbox", dict(pod_sandbox_id=pod)),
                               ("RemovePodSandbox", dict(pod_sandbox_id=pod))):
                try:
                    self.c.runtime(method, **kw)
                except grpc.RpcError:
                    pass
        self.made = []

    def checkpoint(self, cid, location, ids=()):
        t0 = time.monotonic()
        try:
            self.c.runtime("CheckpointContainer", container_id=cid, location=location)
            code, text = "OK", ""
        except grpc.RpcError as e:
            code, text = e.code().name, e.details()
        for i, real in enumerate(ids):
            text = text.replace(real, "<id%d>" % i)
        text = text.replace(self.out, "<out>")
        return {"code": code, "message": text, "seconds": round(time.monotonic() - t0, 3)}


def main():
    socket, descriptor, out = sys.argv[1:4]
    no_criu = "--no-criu" in sys.argv
    os.makedirs(out, exist_ok=True)
    p = Probe(socket, descriptor, out)
    r = {}
    v = p.c.runtime("Version", version="v1")
    r["version"] = {"version": v.version, "runtime_name": v.runtime_name,
                    "runtime_version": v.runtime_version,
                    "runtime_api_version": v.runtime_api_version}
    try:
        cid = p.container("probe")
        if no_criu:
            r["criu_missing"] = p.checkpoint(cid, out + "/f.tar", [cid])
            r["criu_missing_unknown_id"] = p.checkpoint("does-not-exist", out + "/f2.tar")
            r["criu_missing_leaves_no_file"] = not os.path.exists(out + "/f.tar")
        else:
            ok = p.checkpoint(cid, out + "/ok.tar", [cid])
            if os.path.exists(out + "/ok.tar"):
                ok["mode"] = oct(os.stat(out + "/ok.tar").st_mode & 0o7777)
            r["ok"] = ok
            r["unknown_id"] = p.checkpoint("0123456789abcdef-does-not-exist", out + "/a.tar")
            r["parent_missing"] = p.checkpoint(cid, out + "/no/such/dir/c.tar", [cid])
            os.makedirs(out + "/d.dir", exist_ok=True)
            r["is_directory"] = p.checkpoint(cid, out + "/d.dir", [cid])
            # An existing, longer file: kept inode, mode, owner and tail?
            g = out + "/g.tar"
            with open(g, "wb") as fh:
                fh.write(b"Z" * (64 << 20))
            os.chmod(g, 0o644)
            before = os.stat(g)
            res = p.checkpoint(cid, g, [cid])
            after = os.stat(g)
            with open(g, "rb") as fh:
                fh.seek(after.st_size - 4096)
                tail = fh.read(4096)
            res.update({"same_inode": before.st_ino == after.st_ino,
                        "size_kept": before.st_size == after.st_size,
                        "mode": oct(after.st_mode & 0o7777), "old_tail_kept": tail == b"Z" * 4096})
            r["existing_longer_file"] = res
            tgt, lnk = out + "/h-target.tar", out + "/h-link.tar"
            os.symlink(tgt, lnk)
            res = p.checkpoint(cid, lnk, [cid])
            res.update({"link_kept": os.path.islink(lnk), "target_written": os.path.exists(tgt)})
            r["symlink"] = res
            p.c.runtime("StopContainer", container_id=cid, timeout=0)
            r["exited"] = p.checkpoint(cid, out + "/b.tar", [cid])
            created = p.container("created", start=False)
            r["created"] = p.checkpoint(created, out + "/b2.tar", [created])
            if "--times" in sys.argv:
                times = {}
                for mib in (16, 64):
                    ts = []
                    for i in range(3):
                        c = p.container("t%d-%d" % (mib, i), mib)
                        res = p.checkpoint(c, out + "/t%d-%d.tar" % (mib, i), [c])
                        ts.append(res["seconds"])
                    times["%d MiB" % mib] = statistics.median(ts)
                r["median_seconds"] = times
    finally:
        p.clean()
    print(json.dumps(r, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
