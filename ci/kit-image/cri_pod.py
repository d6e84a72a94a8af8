#!/usr/bin/python3
"""Run a Kubernetes pod spec through a CRI runtime, as the kubelet would.

What a manifest says is turned into CRI calls the way the kubelet does it, so
a pod spec can be tried on one machine without a cluster: $(VAR) expansion in
env, command and args; env from values and from the downward API; volumes
mounted at their mountPath; the service account's token mounted at
/var/run/secrets/kubernetes.io/serviceaccount; runAsUser, runAsGroup,
runAsNonRoot (checked against the image's user, as the kubelet refuses to
start a root image), readOnlyRootFilesystem, allowPrivilegeEscalation and
capabilities; the kubelet's labels on the sandbox and containers.

What a node would supply is given on the command line: the host directory of
each volume (--volume NAME=DIR; an emptyDir without one gets a fresh
directory), the service account's files (--service-account-dir), the values
of downward-API fields (--node-name, --host-ip, the pod's name and uid), and
overrides of env values (--env NAME=VALUE, for a setting of the node such as
its kubelet port; said so in the output), and --run-as-root for pods that
stand in for a node's own processes (a kubelet and a runtime run as root).  Fields the kubelet would act on but
this runner does not know make it fail with the field's path, so "run as
written" stays true; scheduling fields, probes and resources are ignored and
listed.  Only host-network pods: there is no CNI here.

The spec comes from a YAML file: a Pod, the pod template of a DaemonSet,
Deployment or Job, or a Sonobuoy plugin definition (its podSpec, its plugin
container, and the "results" emptyDir Sonobuoy adds) -- `--select KIND/NAME`
picks the document.

  cri_pod.py --socket unix:///... --descriptor cri.pb up POD.yaml --state S.json [...]
  cri_pod.py --socket ... --descriptor ... wait S.json CONTAINER [--timeout 60]
  cri_pod.py --socket ... --descriptor ... logs S.json CONTAINER
  cri_pod.py --socket ... --descriptor ... status S.json CONTAINER
  cri_pod.py --socket ... --descriptor ... down S.json

`up` starts the pod and leaves it running, and writes S.json: the pod and
container ids, the log directory and every mount (container path -> host
path).  `wait` waits for a container to exit and prints its exit code;
`status` prints its CRI state (CONTAINER_RUNNING, ...).
Needs Debian's python3-yaml, python3-grpcio and python3-protobuf.
"""

import argparse
import json
import os
import random
import string
import sys
import tempfile
import time
import uuid

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(HERE, "..", "upstream-cri"))
from upstream_cri_client import Client, Schema  # noqa: E402  (the upstream CRI schema)

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
# Fields the kubelet uses for scheduling, health or accounting: no effect on
# what the container runs or sees here.
IGNORED_POD = {"tolerations", "nodeSelector", "affinity", "priorityClassName",
               "terminationGracePeriodSeconds", "dnsPolicy", "restartPolicy",
               "schedulerName", "priority", "enableServiceLinks"}
IGNORED_CONTAINER = {"imagePullPolicy", "resources", "livenessProbe", "readinessProbe",
                     "startupProbe", "ports", "terminationMessagePath",
                     "terminationMessagePolicy"}
POD_FIELDS = IGNORED_POD | {"containers", "initContainers", "volumes", "hostNetwork",
                            "hostPID", "serviceAccountName", "serviceAccount",
                            "automountServiceAccountToken", "securityContext"}
CONTAINER_FIELDS = IGNORED_CONTAINER | {"name", "image", "command", "args", "env",
                                        "volumeMounts", "securityContext", "workingDir"}
POD_SECURITY = {"runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "supplementalGroups"}
CONTAINER_SECURITY = {"runAsUser", "runAsGroup", "runAsNonRoot", "readOnlyRootFilesystem",
                      "allowPrivilegeEscalation", "capabilities", "privileged"}


class SpecError(Exception):
    pass


def unknown(obj, known, where):
    extra = sorted(set(obj or {}) - known)
    if extra:
        raise SpecError("%s: %s not supported by this runner" % (where, ", ".join(extra)))


def expand(text, env):
    """The kubelet's $(VAR) expansion: a defined VAR is replaced, an undefined
    one is left as written, and $$ is a literal $."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "$" and i + 1 < len(text):
            n = text[i + 1]
            if n == "$":
                out.append("$")
                i += 2
                continue
            if n == "(":
                end = text.find(")", i + 2)
                if end > 0:
                    name = text[i + 2:end]
                    out.append(env[name] if name in env else text[i:end + 1])
                    i = end + 1
                    continue
        out.append(c)
        i += 1
    return "".join(out)


def select_pod(docs, select):
    """(metadata, pod spec, notes) of the document select names (KIND/NAME), or the only one."""
    found = []
    for d in docs:
        if not isinstance(d, dict):
            continue
        if "sonobuoy-config" in d:
            kind, name = "SonobuoyPlugin", d["sonobuoy-config"].get("plugin-name", "")
        else:
            kind, name = d.get("kind", ""), d.get("metadata", {}).get("name", "")
        if kind in ("Pod", "DaemonSet", "Deployment", "Job", "SonobuoyPlugin"):
            found.append((kind, name, d))
    if select:
        found = [f for f in found if "%s/%s" % (f[0], f[1]) == select]
    if len(found) != 1:
        raise SpecError("want one pod-bearing document%s, found %s" % (
            " named " + select if select else "", [f[0] + "/" + f[1] for f in found]))
    kind, name, d = found[0]
    if kind == "Pod":
        return d.get("metadata", {}), d["spec"], []
    if kind == "SonobuoyPlugin":
        # What Sonobuoy adds: the plugin container after podSpec's own, and an
        # emptyDir named "results" that its worker also mounts (the worker
        # itself is not run here).
        spec = dict(d.get("podSpec") or {})
        spec["containers"] = list(spec.get("containers") or []) + [d["spec"]]
        spec["volumes"] = list(spec.get("volumes") or []) + [{"name": "results", "emptyDir": {}}]
        meta = {"name": "sonobuoy-%s-%s" % (name, uuid.uuid4().hex[:8])}
        return meta, spec, ["Sonobuoy plugin %s: podSpec + spec + the results emptyDir" % name]
    tmpl = d["spec"]["template"]
    meta = dict(tmpl.get("metadata") or {})
    meta.setdefault("namespace", d.get("metadata", {}).get("namespace"))
    suffix = "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(5))
    meta["name"] = "%s-%s" % (name, suffix)  # as the controller names its pods
    return meta, tmpl["spec"], ["%s/%s's pod template" % (kind, name)]


class Runner:
    def __init__(self, args):
        self.args = args
        self.schema = Schema(args.descriptor)
        self.client = Client(self.schema, args.socket, 60, False, False)
        self.S = self.schema.message

    def enum(self, msg, field, name):
        return msg.DESCRIPTOR.fields_by_name[field].enum_type.values_by_name[name].number

    # ---- up -----------------------------------------------------------------
    def up(self):
        a = self.args
        with open(a.spec) as fh:
            docs = list(yaml.safe_load_all(fh))
        meta, spec, notes = select_pod(docs, a.select)
        name = a.pod_name or meta["name"]
        namespace = a.namespace or meta.get("namespace") or "default"
        uid = str(uuid.uuid4())
        unknown(spec, POD_FIELDS, "spec")
        ignored = sorted(set(spec) & IGNORED_POD)
        if not spec.get("hostNetwork"):
            raise SpecError("spec.hostNetwork: only host-network pods (no CNI here)")
        state_dir = os.path.dirname(os.path.abspath(a.state))
        volumes = self.volumes(spec, state_dir)
        sa_name = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        sa_mount = spec.get("automountServiceAccountToken", True)
        if sa_mount and not a.service_account_dir:
            raise SpecError("the pod mounts its service account's token: give --service-account-dir")
        fields = {"metadata.name": name, "metadata.namespace": namespace, "metadata.uid": uid,
                  "spec.nodeName": a.node_name, "spec.serviceAccountName": sa_name,
                  "status.hostIP": a.host_ip, "status.podIP": a.host_ip}
        overrides = dict(kv.split("=", 1) for kv in a.env)

        log_dir = os.path.join(state_dir, "pod-logs", "%s_%s_%s" % (namespace, name, uid))
        os.makedirs(log_dir, exist_ok=True)
        labels = {"io.kubernetes.pod.name": name, "io.kubernetes.pod.namespace": namespace,
                  "io.kubernetes.pod.uid": uid}
        labels.update(meta.get("labels") or {})
        pod_config = self.S("PodSandboxConfig")(
            metadata=self.S("PodSandboxMetadata")(name=name, uid=uid, namespace=namespace,
                                                  attempt=0),
            hostname="",  # the kubelet leaves it empty for host-network pods
            log_directory=log_dir, labels=labels,
            annotations=meta.get("annotations") or {})
        psc = spec.get("securityContext") or {}
        unknown(psc, POD_SECURITY, "spec.securityContext")
        sc = pod_config.linux.security_context
        opts = sc.namespace_options
        opts.network = self.enum(opts, "network", "NODE")
        if spec.get("hostPID"):
            opts.pid = self.enum(opts, "pid", "NODE")
        if "runAsUser" in psc:
            sc.run_as_user.value = psc["runAsUser"]
        if "runAsGroup" in psc:
            sc.run_as_group.value = psc["runAsGroup"]
        groups = list(psc.get("supplementalGroups") or []) + (
            [psc["fsGroup"]] if "fsGroup" in psc else [])
        sc.supplemental_groups.extend(groups)

        sandbox = self.client.runtime("RunPodSandbox", config=pod_config).pod_sandbox_id
        state = {"pod_id": sandbox, "name": name, "namespace": namespace, "uid": uid,
                 "log_directory": log_dir, "containers": {}, "mounts": {}, "notes": notes,
                 "ignored": ["spec." + f for f in ignored], "env_overrides": overrides}
        self.write_state(state)
        for kind in ("initContainers", "containers"):
            for c in spec.get(kind) or []:
                cid, mounts = self.container(c, kind, spec, psc, volumes, fields, overrides,
                                             sandbox, pod_config, sa_mount, state)
                state["containers"][c["name"]] = cid
                state["mounts"][c["name"]] = mounts
                self.write_state(state)
                self.client.runtime("StartContainer", container_id=cid)
                if kind == "initContainers":
                    code = self.wait_exit(cid, self.args.timeout)
                    if code != 0:
                        raise SpecError("init container %s exited %d" % (c["name"], code))
        for n in notes:
            print("note: " + n)
        for f in state["ignored"]:
            print("ignored (scheduling, health or accounting): " + f)
        for k, v in overrides.items():
            print("env override (a setting of this node): %s=%s" % (k, v))
        if a.run_as_root:
            print("override: every container runs as root (--run-as-root)")
        print("pod %s/%s %s: %s" % (namespace, name, sandbox[:12], ", ".join(
            "%s=%s" % (k, v[:12]) for k, v in state["containers"].items())))

    def volumes(self, spec, state_dir):
        given = dict(kv.split("=", 1) for kv in self.args.volume)
        out = {}
        for v in spec.get("volumes") or []:
            name = v["name"]
            kinds = set(v) - {"name"}
            if name in given:
                out[name] = os.path.abspath(given[name])
            elif kinds == {"emptyDir"}:
                out[name] = tempfile.mkdtemp(prefix="emptydir-%s." % name, dir=state_dir)
                os.chmod(out[name], 0o777)  # the kubelet's emptyDir mode
            else:
                raise SpecError("volume %s (%s): give its host directory with --volume %s=DIR"
                                % (name, ", ".join(sorted(kinds)), name))
        unused = set(given) - set(out)
        if unused:
            raise SpecError("--volume for volumes the pod does not have: %s" % sorted(unused))
        return out

    def container(self, c, kind, spec, psc, volumes, fields, overrides, sandbox,
                  pod_config, sa_mount, state):
        where = "spec.%s[%s]" % (kind, c.get("name"))
        unknown(c, CONTAINER_FIELDS, where)
        state["ignored"] += ["%s.%s" % (where, f) for f in sorted(set(c) & IGNORED_CONTAINER)]
        env, env_list = {}, []
        for e in c.get("env") or []:
            unknown(e, {"name", "value", "valueFrom"}, "%s.env[%s]" % (where, e["name"]))
            if "valueFrom" in e:
                ref = e["valueFrom"].get("fieldRef", {}).get("fieldPath")
                if set(e["valueFrom"]) != {"fieldRef"} or ref not in fields:
                    raise SpecError("%s.env[%s].valueFrom: only fieldRef to %s" % (
                        where, e["name"], ", ".join(sorted(fields))))
                value = fields[ref]
            else:
                value = expand(str(e.get("value", "")), env)
            if e["name"] in overrides:
                value = overrides[e["name"]]
            env[e["name"]] = value
            env_list.append(self.S("KeyValue")(key=e["name"], value=value))
        missing = set(overrides) - {e["name"] for c2 in spec.get("containers", [])
                                    + spec.get("initContainers", []) for e in c2.get("env") or []}
        if missing:
            raise SpecError("--env for variables no container defines: %s" % sorted(missing))
        mounts, cri_mounts = {}, []
        for m in c.get("volumeMounts") or []:
            unknown(m, {"name", "mountPath", "readOnly"}, "%s.volumeMounts[%s]" % (where, m["name"]))
            if m["name"] not in volumes:
                raise SpecError("%s.volumeMounts: no volume %s" % (where, m["name"]))
            mounts[m["mountPath"]] = volumes[m["name"]]
            cri_mounts.append(self.S("Mount")(container_path=m["mountPath"],
                                              host_path=volumes[m["name"]],
                                              readonly=bool(m.get("readOnly"))))
        if sa_mount and SA_DIR not in mounts:
            sa = os.path.abspath(self.args.service_account_dir)
            mounts[SA_DIR] = sa
            cri_mounts.append(self.S("Mount")(container_path=SA_DIR, host_path=sa, readonly=True))

        config = self.S("ContainerConfig")(
            metadata=self.S("ContainerMetadata")(name=c["name"], attempt=0),
            image=self.S("ImageSpec")(image=c["image"]),
            command=[expand(x, env) for x in c.get("command") or []],
            args=[expand(str(x), env) for x in c.get("args") or []],
            working_dir=c.get("workingDir", ""),
            envs=env_list, mounts=cri_mounts,
            labels={"io.kubernetes.container.name": c["name"],
                    "io.kubernetes.pod.name": fields["metadata.name"],
                    "io.kubernetes.pod.namespace": fields["metadata.namespace"],
                    "io.kubernetes.pod.uid": fields["metadata.uid"]},
            log_path="%s/0.log" % c["name"])
        csc = dict(psc)
        csc.pop("fsGroup", None)
        csc.pop("supplementalGroups", None)
        own = c.get("securityContext") or {}
        unknown(own, CONTAINER_SECURITY, where + ".securityContext")
        csc.update(own)
        if self.args.run_as_root:
            csc["runAsUser"] = 0
            csc.pop("runAsNonRoot", None)
        lsc = config.linux.security_context
        lsc.namespace_options.CopyFrom(pod_config.linux.security_context.namespace_options)
        lsc.supplemental_groups.extend(pod_config.linux.security_context.supplemental_groups)
        if "runAsUser" in csc:
            lsc.run_as_user.value = csc["runAsUser"]
        if "runAsGroup" in csc:
            lsc.run_as_group.value = csc["runAsGroup"]
        if csc.get("runAsNonRoot"):
            self.check_non_root(c, csc, where)
        lsc.readonly_rootfs = bool(csc.get("readOnlyRootFilesystem"))
        lsc.no_new_privs = csc.get("allowPrivilegeEscalation") is False
        lsc.privileged = bool(csc.get("privileged"))
        caps = csc.get("capabilities") or {}
        unknown(caps, {"add", "drop"}, where + ".securityContext.capabilities")
        lsc.capabilities.add_capabilities.extend(caps.get("add") or [])
        drop = caps.get("drop") or []
        if "ALL" in drop:  # the kubelet passes drop ALL as drop_capabilities ["ALL"]
            drop = ["ALL"]
        lsc.capabilities.drop_capabilities.extend(drop)
        cid = self.client.runtime("CreateContainer", pod_sandbox_id=sandbox, config=config,
                                  sandbox_config=pod_config).container_id
        return cid, mounts

    def check_non_root(self, c, csc, where):
        """The kubelet's verifyRunAsNonRoot: a numeric non-zero user, from the
        security context or else the image."""
        if "runAsUser" in csc:
            if csc["runAsUser"] == 0:
                raise SpecError("%s: runAsNonRoot and runAsUser 0" % where)
            return
        image = self.client.image("ImageStatus", image=self.S("ImageSpec")(image=c["image"])).image
        if not image.id:
            raise SpecError("%s: image %s is not present (import it first)" % (where, c["image"]))
        if image.username:
            raise SpecError("%s: runAsNonRoot and the image's user %r is not numeric"
                            % (where, image.username))
        if not image.HasField("uid") or image.uid.value == 0:
            raise SpecError("%s: runAsNonRoot and the image runs as root" % where)

    # ---- wait, logs, down --------------------------------------------------
    def wait_exit(self, cid, timeout):
        deadline = time.monotonic() + timeout
        while True:
            st = self.client.runtime("ContainerStatus", container_id=cid).status
            name = st.DESCRIPTOR.fields_by_name["state"].enum_type.values_by_number[st.state].name
            if name == "CONTAINER_EXITED":
                return st.exit_code
            if time.monotonic() > deadline:
                raise SpecError("container %s still %s after %ss" % (cid[:12], name, timeout))
            time.sleep(0.2)

    def write_state(self, state):
        with open(self.args.state, "w") as fh:
            json.dump(state, fh, indent=1)


def read_state(path):
    with open(path) as fh:
        return json.load(fh)


def print_logs(state, name):
    """The container's CRI log (time stream tag text), as text."""
    path = os.path.join(state["log_directory"], name, "0.log")
    if not os.path.exists(path):
        return
    with open(path, errors="replace") as fh:
        for line in fh:
            parts = line.split(" ", 3)
            sys.stdout.write(parts[3] if len(parts) == 4 else line)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__)
    ap.add_argument("--socket", required=True)
    ap.add_argument("--descriptor", required=True, help="the upstream CRI FileDescriptorSet")
    sub = ap.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("up")
    up.add_argument("spec")
    up.add_argument("--state", required=True)
    up.add_argument("--select", default="", help="KIND/NAME of the document")
    up.add_argument("--pod-name", default="")
    up.add_argument("--namespace", default="")
    up.add_argument("--volume", action="append", default=[], metavar="NAME=DIR")
    up.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    up.add_argument("--service-account-dir", default="")
    up.add_argument("--node-name", default="ci-node")
    up.add_argument("--host-ip", default="127.0.0.1")
    up.add_argument("--timeout", type=float, default=60, help="for init containers")
    up.add_argument("--run-as-root", action="store_true",
                    help="every container as root, runAsNonRoot dropped (a node's own processes)")
    for name in ("wait", "logs", "status"):
        p = sub.add_parser(name)
        p.add_argument("state")
        p.add_argument("container")
        p.add_argument("--timeout", type=float, default=60)
    down = sub.add_parser("down")
    down.add_argument("state")
    args = ap.parse_args()

    runner = Runner(args)
    try:
        if args.cmd == "up":
            runner.up()
        elif args.cmd == "wait":
            state = read_state(args.state)
            print(runner.wait_exit(state["containers"][args.container], args.timeout))
        elif args.cmd == "status":
            state = read_state(args.state)
            st = runner.client.runtime("ContainerStatus",
                                       container_id=state["containers"][args.container]).status
            print(st.DESCRIPTOR.fields_by_name["state"].enum_type.values_by_number[st.state].name)
        elif args.cmd == "logs":
            print_logs(read_state(args.state), args.container)
        else:
            state = read_state(args.state)
            runner.client.runtime("StopPodSandbox", pod_sandbox_id=state["pod_id"])
            runner.client.runtime("RemovePodSandbox", pod_sandbox_id=state["pod_id"])
    except SpecError as e:
        sys.exit("cri_pod.py: %s" % e)


if __name__ == "__main__":
    main()
