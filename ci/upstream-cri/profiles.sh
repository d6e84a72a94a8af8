#!/usr/bin/env bash
# Each runtime profile, as a real CRI client sees it: ci/real-runtime/probe.py
# (built from the upstream CRI definition) against fake-cri with every profile,
# with and without CRIU, compared case by case with profiles-expected.json,
# which is written from the runtimes' sources. Prints a table; exits 1 on any
# difference.
# Usage: ci/upstream-cri/profiles.sh PATH/TO/fake-cri WORK_DIR
set -euo pipefail
fake_cri=$(realpath "$1")
work=$2
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3   # Debian's, with python3-protobuf and python3-grpcio
rm -rf "$work" && mkdir -p "$work"
"$py" "$here/extract_cri_descriptor.py" "$work/cri.pb" 2>/dev/null

pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true' EXIT
for profile in $("$py" -c 'import json,sys; print(" ".join(k for k in json.load(open(sys.argv[1])) if k != "//"))' \
                 "$here/profiles-expected.json"); do
  for criu in true false; do
    case $profile in containerd-1.6*) [ $criu = true ] || continue ;; esac
    run=$work/$profile-$criu
    mkdir -p "$run"
    # From its own directory: relative locations land there.
    (cd "$run" && exec "$fake_cri" --listen "unix://$run/s.sock" --runtime-profile "$profile" \
       --criu=$criu --time-scale 100 --log-level error) &
    pid=$!
    for _ in $(seq 200); do [ -S "$run/s.sock" ] && break; sleep 0.05; done
    args=(--fast)
    [ $criu = true ] || args+=(--no-criu)
    "$py" "$here/../real-runtime/probe.py" "unix://$run/s.sock" "$work/cri.pb" "$run/out" \
      "${args[@]}" > "$run.json"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  done
done

"$py" - "$here/profiles-expected.json" "$work" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))
work = sys.argv[2]

def resolved(name):
    e = dict(expected[name])
    base = resolved(e.pop("like")) if "like" in e else {}
    base.update(e)
    return base

bad = 0
for name in expected:
    if name == "//":
        continue
    want = resolved(name)
    for criu in ("true", "false"):
        if name.startswith("containerd-1.6") and criu == "false":
            continue
        got = json.load(open("%s/%s-%s.json" % (work, name, criu)))
        cases = want.get("no-criu", {}) if criu == "false" else want
        for case, value in sorted(got.items()):
            if case == "version":
                w = want["version"]
            elif "all_checkpoints" in want and isinstance(value, dict) and "code" in value:
                w = want["all_checkpoints"]
            else:
                w = cases.get(case)
            if isinstance(value, dict):
                g = {k: v for k, v in value.items() if k in (w or {})}
            else:
                g = value
            ok = w is not None and g == w
            bad += not ok
            print("%-4s %-20s %-28s %s" % ("ok" if ok else "DIFF", name + ("" if criu == "true" else " no-criu"),
                                           case, "" if ok else "got %s, want %s" % (json.dumps(value), json.dumps(w))))
sys.exit(1 if bad else 0)
PY
