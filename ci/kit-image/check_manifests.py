#!/usr/bin/python3
"""Check deploy/ against the image it names, without a cluster.

  check_manifests.py DEPLOY_DIR IMAGE.tar SUITE_HELP.txt

- every YAML file parses (python3-yaml), every object has apiVersion, kind
  and a name;
- RBAC: the service account the DaemonSet runs as may create and get
  nodes/checkpoint and get nodes/metrics; rbac-before-1.30.yaml adds create
  and get on nodes/proxy for it; the denied account has a token Secret and is
  bound to nothing;
- the DaemonSet's pod and the Sonobuoy plugin's (podSpec + spec + the results
  emptyDir Sonobuoy adds) are the same;
- every image is one the image tar holds; every command is an executable of
  the image (symlinks followed inside it);
- every --flag the suite's container passes, and the two its wrapper adds, is
  in `checkpoint-conformance --help`; --root-dir's checkpoints directory is a
  mount;
- every $(VAR) is defined in the container's env, and every env variable is
  used: in $(VAR), or read by the wrapper script;
- every volumeMount names a volume, every volume is mounted, and every
  absolute path an argument names is inside a mount, the service account's
  token directory, or the image;
- the results mount is where the wrapper writes (/tmp/sonobuoy/results).
Prints one line per check; exits 1 if any fails.
"""

import gzip
import io
import json
import os
import posixpath
import re
import sys
import tarfile

import yaml

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
WRAPPER = "/usr/bin/checkpoint-conformance-node"
RESULTS = "/tmp/sonobuoy/results"
failures = []
passes = []


def check(ok, what):
    print("%s %s" % ("ok  " if ok else "FAIL", what))
    (passes if ok else failures).append(what)


def load_image(path):
    """(refs, {path: (kind, linkname, mode)}, {path: bytes} of small text files) of an OCI layout tar."""
    with tarfile.open(path) as tf:
        index = json.load(tf.extractfile("index.json"))
        refs = {m["annotations"]["io.containerd.image.name"]: m for m in index["manifests"]}
        first = next(iter(refs.values()))
        manifest = json.load(tf.extractfile("blobs/sha256/" + first["digest"].split(":")[1]))
        layer = tf.extractfile("blobs/sha256/" + manifest["layers"][0]["digest"].split(":")[1]).read()
    files, texts = {}, {}
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(layer))) as lt:
        for m in lt.getmembers():
            p = "/" + m.name.strip("/")
            kind = "d" if m.isdir() else "l" if m.issym() else "f"
            files[p] = (kind, m.linkname, m.mode)
            if kind == "f" and m.size < 65536 and p.startswith("/usr/bin/checkpoint-conformance-node"):
                texts[p] = lt.extractfile(m).read().decode()
    return refs, files, texts


def resolve(files, path, depth=0):
    """The image's entry at path, symlinks (in any component) followed."""
    if depth > 20:
        return None
    parts = path.strip("/").split("/")
    cur = ""
    for i, part in enumerate(parts):
        cur = cur + "/" + part
        entry = files.get(cur)
        if entry is None:
            return None
        if entry[0] == "l":
            base = entry[1] if entry[1].startswith("/") else posixpath.join(posixpath.dirname(cur), entry[1])
            return resolve(files, posixpath.normpath(posixpath.join(base, *parts[i + 1:])), depth + 1)
    return files.get(cur)


def under(path, roots):
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def rbac_checks(objs, sa, ns):
    roles = {o["metadata"]["name"]: o for o in objs if o["kind"] == "ClusterRole"}
    bindings = [o for o in objs if o["kind"] in ("ClusterRoleBinding", "RoleBinding")]

    def grants(files):
        out = set()
        for b in bindings:
            if b["_file"] not in files:
                continue
            if not any(s.get("kind") == "ServiceAccount" and s.get("name") == sa
                       and s.get("namespace") == ns for s in b.get("subjects", [])):
                continue
            for rule in roles.get(b["roleRef"]["name"], {}).get("rules", []):
                if "" in rule.get("apiGroups", []):
                    out |= {(r, v) for r in rule.get("resources", []) for v in rule.get("verbs", [])}
        return out

    base = grants({"rbac.yaml"})
    for want in [("nodes/checkpoint", "create"), ("nodes/checkpoint", "get"), ("nodes/metrics", "get")]:
        check(want in base, "rbac.yaml: %s/%s may %s %s" % (ns, sa, want[1], want[0]))
    check(not any(r == "nodes/proxy" for r, _ in base),
          "rbac.yaml: no nodes/proxy (it is kept to rbac-before-1.30.yaml)")
    old = grants({"rbac.yaml", "rbac-before-1.30.yaml"})
    for want in [("nodes/proxy", "create"), ("nodes/proxy", "get")]:
        check(want in old, "rbac-before-1.30.yaml: %s/%s may %s %s" % (ns, sa, want[1], want[0]))


def container_checks(c, spec, refs, files, wrapper_text, help_text, version):
    name = c["name"]
    check(c["image"] in refs, "%s: image %s is in the image tar" % (name, c["image"]))
    check(c["image"].endswith(":" + version), "%s: image tag is the kit's version %s" % (name, version))
    cmd = c.get("command") or []
    entry = resolve(files, cmd[0]) if cmd else None
    check(bool(cmd) and entry is not None and entry[0] == "f" and entry[2] & 0o111,
          "%s: command %s is an executable of the image" % (name, cmd[:1]))
    env = [e["name"] for e in c.get("env") or []]
    words = cmd + [str(a) for a in c.get("args") or []]
    used = set(re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", " ".join(words)))
    check(used <= set(env), "%s: every $(VAR) is in env (%s)" % (name, ", ".join(sorted(used)) or "none"))
    text = wrapper_text if cmd[:1] == [WRAPPER] else ""
    for e in env:
        read = e in used or re.search(r"\$\{?%s\b" % e, text)
        check(bool(read), "%s: env %s is used (in $(%s) or by %s)" % (name, e, e, cmd[0] if cmd else "?"))
    volumes = {v["name"] for v in spec.get("volumes") or []}
    mounts = [m["mountPath"] for m in c.get("volumeMounts") or []]
    for m in c.get("volumeMounts") or []:
        check(m["name"] in volumes, "%s: mount %s names a volume (%s)" % (name, m["mountPath"], m["name"]))
    roots = mounts + ([SA_DIR] if spec.get("automountServiceAccountToken", True) else [])
    for w in words[1:]:
        if w.startswith("--root-dir="):
            continue  # its checkpoints directory is what must be mounted: checked below
        for path in re.findall(r"(?:^|=)(/[^\s,;:\"'\]]+)", w):
            if "$(" in path:
                continue
            ok = under(path, roots) or resolve(files, path) is not None
            check(ok, "%s: %s is in a mount, the token directory or the image" % (name, path))
    if cmd[:1] == [WRAPPER]:
        flags = {a.split("=", 1)[0] for a in c.get("args") or [] if str(a).startswith("--")}
        flags |= {"--endpoint-url", "--report-dir"}  # what the wrapper adds
        known = set(re.findall(r"(--[a-z][a-z0-9-]*)", help_text))
        for f in sorted(flags):
            check(f in known, "%s: %s is a flag of checkpoint-conformance" % (name, f))
        root = next((a.split("=", 1)[1] for a in c.get("args") if str(a).startswith("--root-dir=")), None)
        check(root is not None and root + "/checkpoints" in mounts,
              "%s: --root-dir's checkpoints directory (%s/checkpoints) is mounted" % (name, root))
        check(RESULTS in mounts, "%s: the results volume is at %s, where the wrapper writes" % (name, RESULTS))
        check("SONOBUOY_RESULTS_DIR:-%s" % RESULTS in text, "the wrapper's default results dir is %s" % RESULTS)


def main():
    deploy, image, help_file = sys.argv[1:4]
    help_text = open(help_file).read()
    refs, files, texts = load_image(image)
    wrapper_text = texts.get(WRAPPER, "")
    check(bool(wrapper_text), "the image holds %s" % WRAPPER)
    version = next(iter(refs)).rsplit(":", 1)[1]

    objs, plugin = [], None
    for f in sorted(os.listdir(deploy)):
        if not f.endswith(".yaml"):
            continue
        try:
            docs = [d for d in yaml.safe_load_all(open(os.path.join(deploy, f))) if d is not None]
        except yaml.YAMLError as e:
            check(False, "%s parses: %s" % (f, e))
            continue
        check(True, "%s parses (%d documents)" % (f, len(docs)))
        for d in docs:
            if "sonobuoy-config" in d:
                plugin = d
                continue
            ok = all(k in d for k in ("apiVersion", "kind", "metadata")) and d["metadata"].get("name")
            check(bool(ok), "%s: %s/%s has apiVersion, kind and a name" % (
                f, d.get("kind"), d.get("metadata", {}).get("name")))
            d["_file"] = f
            objs.append(d)

    kinds = {(o["kind"], o["metadata"]["name"]) for o in objs}
    ds = next((o for o in objs if o["kind"] == "DaemonSet"), None)
    check(ds is not None, "a DaemonSet")
    ns = ds["metadata"]["namespace"]
    check(("Namespace", ns) in kinds, "the DaemonSet's namespace %s is defined" % ns)
    spec = ds["spec"]["template"]["spec"]
    sa = spec.get("serviceAccountName")
    check(("ServiceAccount", sa) in kinds, "its service account %s is defined" % sa)
    rbac_checks(objs, sa, ns)
    denied = sa + "-denied"
    check(("ServiceAccount", denied) in kinds, "the denied service account %s is defined" % denied)
    check(not any(s.get("name") == denied for o in objs
                  if o["kind"].endswith("Binding") for s in o.get("subjects", [])),
          "%s is bound to no role" % denied)
    secret = next((o for o in objs if o["kind"] == "Secret" and o.get("type") ==
                   "kubernetes.io/service-account-token" and o["metadata"].get(
                       "annotations", {}).get("kubernetes.io/service-account.name") == denied), None)
    check(secret is not None, "a token Secret for %s" % denied)
    secret_vols = [v for v in spec.get("volumes", []) if "secret" in v]
    check(secret is not None and any(v["secret"]["secretName"] == secret["metadata"]["name"]
                                     for v in secret_vols), "the DaemonSet mounts that Secret")
    selector = ds["spec"]["selector"]["matchLabels"]
    labels = ds["spec"]["template"]["metadata"]["labels"]
    check(all(labels.get(k) == v for k, v in selector.items()), "the selector matches the template's labels")

    check(plugin is not None, "a Sonobuoy plugin definition")
    if plugin:
        cfg = plugin["sonobuoy-config"]
        check(cfg.get("driver") == "DaemonSet" and cfg.get("result-format") == "junit",
              "the plugin: driver DaemonSet, result-format junit")
        as_pod = dict(plugin["podSpec"])
        as_pod["containers"] = [plugin["spec"]] + list(as_pod.get("containers") or [])
        as_pod["volumes"] = [{"name": "results", "emptyDir": {}}] + list(as_pod.get("volumes") or [])
        norm = lambda s: json.dumps(dict(s, containers=sorted(s["containers"], key=lambda c: c["name"]),  # noqa: E731
                                         volumes=sorted(s["volumes"], key=lambda v: v["name"])),
                                    sort_keys=True)
        check(norm(as_pod) == norm(spec), "the plugin's pod (podSpec + spec + results) is the DaemonSet's")

    for c in (spec.get("initContainers") or []) + spec["containers"]:
        container_checks(c, spec, refs, files, wrapper_text, help_text, version)
    mounted = {m["name"] for c in (spec.get("initContainers") or []) + spec["containers"]
               for m in c.get("volumeMounts") or []}
    for v in spec.get("volumes") or []:
        check(v["name"] in mounted, "volume %s is mounted" % v["name"])

    print("manifests: %d checks passed, %d failed" % (len(passes), len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
