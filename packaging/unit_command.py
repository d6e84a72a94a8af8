#!/usr/bin/python3
"""Print the commands a systemd service unit would run, relocated, one JSON argv a line.

For trying a unit's commands where systemd does not run them (a scratch root
that a .deb was unpacked into): Environment= lines, then EnvironmentFile=,
then --set (as if written in that file) give the variables; ${VAR} is
replaced inside a word and a lone $VAR word splits into words, as systemd
does; ExecStartPre= lines come first, then ExecStart=. Every word (or the
path after unix://) that starts with a --map prefix is moved there.

  unit_command.py UNIT --map /usr=ROOT/usr --map /etc=ROOT/etc [--set PORT=1234]
"""

import argparse
import json
import re
import shlex
import sys


def parse_unit(path):
    """[(key, value)] of the [Service] section, continuation lines joined."""
    out, section, pending = [], None, ""
    for raw in open(path):
        line = pending + raw.rstrip("\n")
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        s = line.strip()
        if not s or s[0] in "#;":
            continue
        if s.startswith("["):
            section = s
            continue
        if section == "[Service]" and "=" in s:
            k, v = s.split("=", 1)
            out.append((k.strip(), v.strip()))
    return out


def assignments(text):
    """Environment= value: space-separated VAR=VALUE words, quotes allowed."""
    return dict(w.split("=", 1) for w in shlex.split(text) if "=" in w)


def env_file(path):
    env = {}
    for line in open(path):
        s = line.strip()
        if s and not s.startswith("#") and "=" in s:
            k, v = s.split("=", 1)
            env[k.strip()] = " ".join(shlex.split(v)) if v.strip() else ""
    return env


def relocate(word, maps):
    for prefix, target in maps:
        word = re.sub(r"(^|(?<=//))" + re.escape(prefix) + r"(?=/|$)", target, word)
    return word


def expand(line, env, maps):
    words = []
    for w in shlex.split(line):
        lone = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if lone:
            words += env.get(lone.group(1), "").split()
            continue
        w = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda m: env.get(m.group(1), ""), w)
        w = re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", lambda m: env.get(m.group(1), ""), w)
        words.append(w)
    return [relocate(w, maps) for w in words]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("unit")
    ap.add_argument("--map", action="append", default=[], metavar="PREFIX=DIR")
    ap.add_argument("--set", action="append", default=[], metavar="VAR=VALUE")
    a = ap.parse_args()
    maps = sorted((m.split("=", 1) for m in a.map), key=lambda m: -len(m[0]))
    keys = parse_unit(a.unit)
    env = {}
    for k, v in keys:
        if k == "Environment":
            env.update(assignments(v))
    for k, v in keys:
        if k == "EnvironmentFile":
            optional = v.startswith("-")
            path = relocate(v.lstrip("-"), maps)
            try:
                env.update(env_file(path))
            except FileNotFoundError:
                if not optional:
                    sys.exit("%s: EnvironmentFile %s is missing" % (a.unit, path))
    env.update(dict(s.split("=", 1) for s in a.set))
    for want in ("ExecStartPre", "ExecStart"):
        for k, v in keys:
            if k == want:
                print(json.dumps(expand(v.lstrip("-@+!:"), env, maps)))


if __name__ == "__main__":
    main()
