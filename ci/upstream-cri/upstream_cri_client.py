#!/usr/bin/python3
"""Drive a CRI runtime over a unix socket using the *upstream* runtime.v1 schema.

The message classes are not generated from any .proto in our tree: they are
built at run time from a google.protobuf.FileDescriptorSet extracted from an
upstream binary (see extract_cri_descriptor.py).  Every call goes through
grpc's generic unary API with the method path "/runtime.v1.<Service>/<Method>",
so what travels on the wire is exactly what upstream clients (kubelet, crictl)
would send and expect.

Steps run in order; the script stops at the first failure, prints the gRPC
status and exits 1.  Responses are also checked for unknown fields, i.e. data
the server put under field numbers that upstream does not define.

Example:
  /usr/bin/python3 upstream_cri_client.py --socket /run/fake-cri.sock \\
      --descriptor cri_v1.pb --checkpoint-location /tmp/ckpt.tar

Run a subset, expecting an error code from one step:
  ... --steps Version,Status,ListPodSandbox,CheckpointContainer \\
      --expect CheckpointContainer=UNIMPLEMENTED --container-id x

Needs Debian's python3-protobuf and python3-grpcio (use /usr/bin/python3).
"""

import argparse
import os
import re
import shlex
import sys
import time
import uuid

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, text_format

try:  # protobuf >= 4.21 / 3.20+
    from google.protobuf.message_factory import GetMessageClass as _get_class
except ImportError:  # older python3-protobuf (Debian 12 ships 3.21.12)
    _get_class = None
from google.protobuf import message_factory

PACKAGE = "runtime.v1"
HERE = os.path.dirname(os.path.abspath(__file__))


class StepFailed(Exception):
    pass


class Schema:
    """Message classes and method paths built from a FileDescriptorSet."""

    def __init__(self, descriptor_set_path, package=PACKAGE):
        with open(descriptor_set_path, "rb") as fh:
            fds = descriptor_pb2.FileDescriptorSet.FromString(fh.read())
        self.pool = descriptor_pool.DescriptorPool()
        for f in fds.file:
            self.pool.Add(f)
        self.package = package
        self._factory = None if _get_class else message_factory.MessageFactory(self.pool)
        self._classes = {}

    def message(self, name):
        full = name if "." in name else "%s.%s" % (self.package, name)
        if full not in self._classes:
            desc = self.pool.FindMessageTypeByName(full)
            if _get_class:
                self._classes[full] = _get_class(desc)
            else:
                self._classes[full] = self._factory.GetPrototype(desc)
        return self._classes[full]

    def method(self, service, method):
        """Return (path, request class, response class) for a unary method."""
        sdesc = self.pool.FindServiceByName("%s.%s" % (self.package, service))
        mdesc = sdesc.methods_by_name[method]
        if mdesc.server_streaming or mdesc.client_streaming:
            raise ValueError("%s/%s is streaming" % (service, method))
        path = "/%s/%s" % (sdesc.full_name, mdesc.name)
        return (path, self.message(mdesc.input_type.full_name),
                self.message(mdesc.output_type.full_name))


def unknown_fields(msg, prefix=""):
    """Return field paths in msg (recursively) that carry unknown fields."""
    found = []
    try:
        numbers = sorted({f.field_number for f in msg.UnknownFields()})
        if numbers:
            found.append("%s (%s field %s)" % (prefix.rstrip(".") or "<root>",
                                               msg.DESCRIPTOR.name,
                                               ",".join(map(str, numbers))))
    except (AttributeError, NotImplementedError):
        pass  # implementation without UnknownFields(); skip the check
    for field, value in msg.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        name = prefix + field.name
        if field.message_type.GetOptions().map_entry:
            for k, v in value.items():
                if hasattr(v, "ListFields"):
                    found.extend(unknown_fields(v, "%s[%s]." % (name, k)))
        elif field.label == field.LABEL_REPEATED:
            for i, item in enumerate(value):
                found.extend(unknown_fields(item, "%s[%d]." % (name, i)))
        else:
            found.extend(unknown_fields(value, name + "."))
    return found


class Client:
    def __init__(self, schema, socket, timeout, strict, verbose):
        self.schema = schema
        # "unix://" + a relative path would make its first part the URI authority.
        target = socket if socket.startswith("unix:") else "unix://" + os.path.abspath(socket)
        self.channel = grpc.insecure_channel(target)
        self.timeout = timeout
        self.strict = strict
        self.verbose = verbose

    def call(self, service, method, timeout=None, **fields):
        path, req_cls, resp_cls = self.schema.method(service, method)
        request = req_cls(**fields)
        stub = self.channel.unary_unary(
            path,
            request_serializer=req_cls.SerializeToString,
            response_deserializer=resp_cls.FromString)
        response = stub(request, timeout=timeout or self.timeout)
        extra = unknown_fields(response)
        if extra:
            msg = "%s response has unknown fields at: %s" % (method, ", ".join(extra))
            if self.strict:
                raise StepFailed(msg)
            print("    warning: " + msg)
        return response

    def runtime(self, method, **kw):
        return self.call("RuntimeService", method, **kw)

    def image(self, method, **kw):
        return self.call("ImageService", method, **kw)


def show(resp, limit=12):
    text = text_format.MessageToString(resp, as_one_line=False).rstrip()
    lines = text.splitlines()
    if len(lines) > limit:
        lines = lines[:limit] + ["... (%d more lines)" % (len(lines) - limit)]
    for line in lines:
        print("    | " + line)


def check(cond, what):
    if not cond:
        raise StepFailed(what)


class Scenario:
    """The walk through the CRI lifecycle; each step is a method named after the RPC."""

    ORDER = [
        "Version", "Status",
        "RunPodSandbox", "ListPodSandbox", "PodSandboxStatus",
        "CreateContainer", "StartContainer", "ListContainers",
        "ContainerStatus", "ContainerStats", "UpdateContainerResources", "ReopenContainerLog",
        "ExecSync", "Exec", "CheckpointContainer",
        "StopContainer", "RemoveContainer", "StopPodSandbox", "RemovePodSandbox",
        "PullImage", "ListImages", "ImageStatus", "RemoveImage", "ImageFsInfo",
    ]

    def __init__(self, client, args):
        self.c = client
        self.args = args
        self.pod_id = args.pod_id
        self.container_id = args.container_id
        self.image_ref = None
        suffix = uuid.uuid4().hex[:8]
        S = client.schema.message
        self.pod_config = S("PodSandboxConfig")(
            metadata=S("PodSandboxMetadata")(
                name=args.pod_name or "upstream-client-pod-" + suffix,
                uid=str(uuid.uuid4()),
                namespace=args.pod_namespace,
                attempt=0),
            # Like the kubelet: no hostname for a host-network pod (no UTS namespace
            # of its own; runc refuses to set one).
            hostname="" if args.host_network else "upstream-client",
            log_directory=args.log_directory,
            labels={"app": "upstream-cri-client", "run": suffix},
            annotations={"example.com/purpose": "wire-compat"})
        if args.host_network:
            # linux.security_context.namespace_options.network = NODE: no CNI needed.
            opts = self.pod_config.linux.security_context.namespace_options
            opts.network = opts.DESCRIPTOR.fields_by_name["network"] \
                .enum_type.values_by_name["NODE"].number
        self.container_config = S("ContainerConfig")(
            metadata=S("ContainerMetadata")(name=args.container_name or "ctr-" + suffix,
                                            attempt=0),
            image=S("ImageSpec")(image=args.image),
            command=shlex.split(args.command),
            labels={"app": "upstream-cri-client"},
            log_path="ctr-%s.log" % suffix)

    def _need(self, attr, step):
        value = getattr(self, attr)
        check(value, "%s needs a %s (run the earlier step or pass --%s)"
              % (step, attr, attr.replace("_", "-")))
        return value

    # --- RuntimeService -----------------------------------------------------

    def Version(self):
        r = self.c.runtime("Version", version="v1")
        check(r.runtime_api_version, "empty runtime_api_version")
        return r

    def Status(self):
        r = self.c.runtime("Status", verbose=False)
        names = {cond.type: cond.status for cond in r.status.conditions}
        check("RuntimeReady" in names, "no RuntimeReady condition")
        return r

    def RunPodSandbox(self):
        r = self.c.runtime("RunPodSandbox", config=self.pod_config,
                           runtime_handler=self.args.runtime_handler)
        check(r.pod_sandbox_id, "empty pod_sandbox_id")
        self.pod_id = r.pod_sandbox_id
        return r

    def ListPodSandbox(self):
        S = self.c.schema.message
        kw = {}
        if self.pod_id:
            kw["filter"] = S("PodSandboxFilter")(label_selector={
                "app": "upstream-cri-client"})
        r = self.c.runtime("ListPodSandbox", **kw)
        if self.pod_id:
            ids = [p.id for p in r.items]
            check(self.pod_id in ids, "pod %s not listed (got %s)" % (self.pod_id, ids))
            pod = r.items[ids.index(self.pod_id)]
            check(pod.metadata.name == self.pod_config.metadata.name,
                  "metadata.name mismatch: %r" % pod.metadata.name)
            check(pod.labels.get("run") == self.pod_config.labels["run"],
                  "labels not round-tripped: %s" % dict(pod.labels))
        return r

    def PodSandboxStatus(self):
        r = self.c.runtime("PodSandboxStatus",
                           pod_sandbox_id=self._need("pod_id", "PodSandboxStatus"))
        check(r.status.id == self.pod_id, "status.id mismatch: %r" % r.status.id)
        return r

    def CreateContainer(self):
        r = self.c.runtime("CreateContainer",
                           pod_sandbox_id=self._need("pod_id", "CreateContainer"),
                           config=self.container_config,
                           sandbox_config=self.pod_config)
        check(r.container_id, "empty container_id")
        self.container_id = r.container_id
        return r

    def StartContainer(self):
        return self.c.runtime("StartContainer",
                              container_id=self._need("container_id", "StartContainer"))

    def ListContainers(self):
        S = self.c.schema.message
        kw = {}
        if self.pod_id:
            kw["filter"] = S("ContainerFilter")(pod_sandbox_id=self.pod_id)
        r = self.c.runtime("ListContainers", **kw)
        if self.container_id:
            ids = [x.id for x in r.containers]
            check(self.container_id in ids,
                  "container %s not listed (got %s)" % (self.container_id, ids))
        return r

    def ContainerStatus(self):
        r = self.c.runtime("ContainerStatus",
                           container_id=self._need("container_id", "ContainerStatus"),
                           verbose=False)
        state = r.status.DESCRIPTOR.fields_by_name["state"].enum_type \
            .values_by_number[r.status.state].name
        print("    state: %s" % state)
        check(r.status.id == self.container_id, "status.id mismatch: %r" % r.status.id)
        return r

    def ContainerStats(self):
        return self.c.runtime("ContainerStats",
                              container_id=self._need("container_id", "ContainerStats"))

    def UpdateContainerResources(self):
        S = self.c.schema.message
        cid = self._need("container_id", "UpdateContainerResources")
        self.c.runtime("UpdateContainerResources", container_id=cid,
                       linux=S("LinuxContainerResources")(cpu_shares=512))
        r = self.c.runtime("ContainerStatus", container_id=cid)
        check(r.status.resources.linux.cpu_shares == 512,
              "resources not reported: %s" % r.status.resources)
        return r

    def ReopenContainerLog(self):
        return self.c.runtime("ReopenContainerLog",
                              container_id=self._need("container_id", "ReopenContainerLog"))

    def ExecSync(self):
        r = self.c.runtime("ExecSync", container_id=self._need("container_id", "ExecSync"),
                           cmd=["true"], timeout=5)
        check(r.exit_code == 0, "exit code %d" % r.exit_code)
        return r

    def Exec(self):
        r = self.c.runtime("Exec", container_id=self._need("container_id", "Exec"),
                           cmd=["true"], stdout=True)
        check(re.match(r"^https?://[^/]+/exec/[A-Za-z0-9_-]+$", r.url), "url %r" % r.url)
        return r

    def CheckpointContainer(self):
        # The RPC deadline is set longer than the checkpoint timeout in main().
        return self.c.runtime("CheckpointContainer",
                              container_id=self._need("container_id", "CheckpointContainer"),
                              location=self.args.checkpoint_location,
                              timeout=self.args.checkpoint_timeout)

    def StopContainer(self):
        return self.c.runtime("StopContainer",
                              container_id=self._need("container_id", "StopContainer"),
                              timeout=self.args.stop_timeout)

    def RemoveContainer(self):
        return self.c.runtime("RemoveContainer",
                              container_id=self._need("container_id", "RemoveContainer"))

    def StopPodSandbox(self):
        return self.c.runtime("StopPodSandbox",
                              pod_sandbox_id=self._need("pod_id", "StopPodSandbox"))

    def RemovePodSandbox(self):
        return self.c.runtime("RemovePodSandbox",
                              pod_sandbox_id=self._need("pod_id", "RemovePodSandbox"))

    # --- ImageService -------------------------------------------------------

    def _image_spec(self):
        return self.c.schema.message("ImageSpec")(image=self.image_ref or self.args.image)

    def PullImage(self):
        r = self.c.image("PullImage", image=self._image_spec(),
                         sandbox_config=self.pod_config)
        check(r.image_ref, "empty image_ref")
        self.image_ref = r.image_ref
        return r

    def ListImages(self):
        return self.c.image("ListImages")

    def ImageStatus(self):
        r = self.c.image("ImageStatus", image=self._image_spec(), verbose=False)
        check(r.HasField("image"), "image %s not found" % self._image_spec().image)
        return r

    def RemoveImage(self):
        return self.c.image("RemoveImage", image=self._image_spec())

    def ImageFsInfo(self):
        return self.c.image("ImageFsInfo")


def parse_expect(values):
    expect = {}
    for item in values:
        step, _, code = item.partition("=")
        code = code.upper()
        if step not in Scenario.ORDER or code not in grpc.StatusCode.__members__:
            sys.exit("bad --expect %r (STEP=GRPC_CODE, e.g. CheckpointContainer=UNIMPLEMENTED)"
                     % item)
        expect[step] = grpc.StatusCode[code]
    return expect


def main():
    ap = argparse.ArgumentParser(
        description="CRI runtime.v1 client built from the upstream descriptor.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--socket", required=True, help="unix socket path or unix:// URI")
    ap.add_argument("--descriptor", required=True,
                    help="FileDescriptorSet from extract_cri_descriptor.py")
    ap.add_argument("--checkpoint-location", default="/tmp/upstream-client-checkpoint.tar",
                    help="CheckpointContainerRequest.location")
    ap.add_argument("--checkpoint-timeout", type=int, default=30,
                    help="CheckpointContainerRequest.timeout (seconds)")
    ap.add_argument("--stop-timeout", type=int, default=10,
                    help="StopContainerRequest.timeout (seconds)")
    ap.add_argument("--image", default="busybox")
    ap.add_argument("--runtime-handler", default="")
    ap.add_argument("--pod-name", default="", help="sandbox metadata.name (default: random)")
    ap.add_argument("--pod-namespace", default="upstream-client",
                    help="sandbox metadata.namespace")
    ap.add_argument("--container-name", default="",
                    help="container metadata.name (default: random)")
    ap.add_argument("--command", default="sleep 3600",
                    help="container command, split like a shell would")
    ap.add_argument("--log-directory", default="/tmp/upstream-client-logs",
                    help="PodSandboxConfig.log_directory")
    ap.add_argument("--host-network", action="store_true",
                    help="run the sandbox in the node's network namespace (no CNI)")
    ap.add_argument("--pod-id", default="", help="use an existing sandbox id")
    ap.add_argument("--container-id", default="", help="use an existing container id")
    ap.add_argument("--steps", default=",".join(Scenario.ORDER),
                    help="comma-separated subset of steps (run in the standard order)")
    ap.add_argument("--expect", action="append", default=[], metavar="STEP=CODE",
                    help="step must fail with this gRPC code (repeatable)")
    ap.add_argument("--rpc-timeout", type=float, default=10.0, help="per-RPC deadline (s)")
    ap.add_argument("--strict", action="store_true",
                    help="treat unknown fields in responses as failures")
    ap.add_argument("-q", "--quiet", action="store_true", help="do not print responses")
    args = ap.parse_args()

    wanted = [s.strip() for s in args.steps.split(",") if s.strip()]
    bad = [s for s in wanted if s not in Scenario.ORDER]
    if bad:
        sys.exit("unknown steps: %s (known: %s)" % (bad, ", ".join(Scenario.ORDER)))
    expect = parse_expect(args.expect)

    schema = Schema(args.descriptor)
    client = Client(schema, args.socket, args.rpc_timeout, args.strict, not args.quiet)
    scenario = Scenario(client, args)
    # CheckpointContainer may legitimately take up to its own timeout.
    ckpt_deadline = max(args.rpc_timeout, args.checkpoint_timeout + 5)

    steps = [s for s in Scenario.ORDER if s in wanted]
    for n, step in enumerate(steps, 1):
        service = "ImageService" if step in ("PullImage", "ListImages", "ImageStatus",
                                             "RemoveImage", "ImageFsInfo") else "RuntimeService"
        print("[%d/%d] %s.%s" % (n, len(steps), service, step))
        client.timeout = ckpt_deadline if step == "CheckpointContainer" else args.rpc_timeout
        started = time.monotonic()
        try:
            resp = getattr(scenario, step)()
        except grpc.RpcError as err:
            code, details = err.code(), err.details()
            if expect.get(step) == code:
                print("    ok: failed as expected with %s: %s" % (code.name, details))
                continue
            print("    FAILED: gRPC status %s (%d): %s" % (code.name, code.value[0], details))
            debug = getattr(err, "debug_error_string", None)
            if debug:
                print("    debug: %s" % debug())
            return 1
        except StepFailed as err:
            print("    FAILED: %s" % err)
            return 1
        if step in expect:
            print("    FAILED: expected %s but the call succeeded" % expect[step].name)
            return 1
        print("    ok (%.1f ms)" % ((time.monotonic() - started) * 1000))
        if not args.quiet:
            show(resp)
    print("all %d steps passed" % len(steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
