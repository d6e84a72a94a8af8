#!/usr/bin/python3
"""Merges the rows the benchmark programs wrote (RESULTS_DIR/*.json, one JSON
array of rows each, plus RESULTS_DIR/*.error for programs that failed) into
one table on stdout and one JSON file, with a description of the machine.

Usage: report.py RESULTS_DIR OUT.json
"""
import glob
import json
import os
import platform
import subprocess
import sys
import time


def machine():
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    disk = ""
    try:
        out = subprocess.run(["df", "-hT", "/var/tmp"], capture_output=True, text=True).stdout
        disk = " ".join(out.splitlines()[-1].split()[:3])
    except (OSError, IndexError):
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "memory": mem, "disk (/var/tmp)": disk,
            "kernel": platform.release(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main():
    results, out_path = sys.argv[1], sys.argv[2]
    rows = []
    for path in sorted(glob.glob(os.path.join(results, "*.json"))):
        with open(path) as f:
            rows.extend(json.load(f))
    for path in sorted(glob.glob(os.path.join(results, "*.error"))):
        name = os.path.basename(path)[:-len(".error")]
        with open(path) as f:
            text = f.read().strip()
        fig = name.split("-", 1)[0].lstrip("fig")
        rows.append({"figure": fig, "name": name, "ours": "ERROR", "peer": text[:60],
                     "ratio": None, "target": "", "met": None, "error": text})
    rows.sort(key=lambda r: int(r["figure"]) if str(r["figure"]).isdigit() else 99)

    header = ("fig", "measure", "ours", "peer or floor", "ratio", "target", "met?")
    table = [header]
    for r in rows:
        ratio = "-" if r.get("ratio") is None else "%.3f" % r["ratio"]
        met = {True: "yes", False: "NO", None: "-"}[r.get("met")]
        table.append((str(r["figure"]), r["name"], r["ours"], r["peer"], ratio, r["target"], met))
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    info = machine()
    print("\nmachine: " + ", ".join("%s %s" % (k, v) for k, v in info.items()))
    with open(out_path, "w") as f:
        json.dump({"machine": info, "rows": rows}, f, indent=2)
        f.write("\n")
    print("JSON: " + out_path)


if __name__ == "__main__":
    main()
