#!/usr/bin/python3
"""A read-only OCI distribution registry on 127.0.0.1 for offline pulls.

Serves images from OCI image layout tars (make_oci_image.py's output) under
the names given: GET/HEAD /v2/, /v2/<repo>/manifests/<tag|digest> and
/v2/<repo>/blobs/<digest>; anything else is the registry's 404
(MANIFEST_UNKNOWN / BLOB_UNKNOWN). containerd talks plain HTTP to a
"localhost:<port>" registry (pkg/cri/server/image_pull.go@v1.6.20
defaultScheme), so `crictl pull localhost:<port>/<repo>:<tag>` works with no
network and no TLS. Writes the port it listens on to --port-file and serves
until killed.

Usage: local_registry.py --image OUT.tar=REPO:TAG [...] --port-file FILE
"""
import argparse
import http.server
import json
import os
import re
import tarfile


class Store:
    def __init__(self):
        self.blobs = {}       # digest -> bytes
        self.manifests = {}   # (repo, tag) -> digest
        self.media = {}       # digest -> media type

    def add(self, path, repo, tag):
        with tarfile.open(path) as tf:
            for m in tf.getmembers():
                if m.isfile() and m.name.startswith("blobs/sha256/"):
                    self.blobs["sha256:" + m.name.rsplit("/", 1)[1]] = tf.extractfile(m).read()
            index = json.load(tf.extractfile("index.json"))
        desc = index["manifests"][0]
        self.manifests[(repo, tag)] = desc["digest"]
        self.media[desc["digest"]] = desc["mediaType"]


def handler_for(store):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, code, body=b"", ctype="application/json", extra=()):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Docker-Distribution-Api-Version", "registry/2.0")
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            path = self.path.split("?")[0]
            if path in ("/v2", "/v2/"):
                return self.send(200, b"{}")
            m = re.match(r"^/v2/(.+)/(manifests|blobs)/([^/]+)$", path)
            if not m:
                return self.send(404, b'{"errors":[{"code":"NOT_FOUND"}]}')
            repo, kind, ref = m.groups()
            if kind == "manifests":
                digest = ref if ref.startswith("sha256:") else store.manifests.get((repo, ref))
                if digest is None or digest not in store.blobs:
                    return self.send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}')
                return self.send(200, store.blobs[digest],
                                 store.media.get(digest, "application/vnd.oci.image.manifest.v1+json"),
                                 [("Docker-Content-Digest", digest)])
            if ref not in store.blobs:
                return self.send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}')
            return self.send(200, store.blobs[ref], "application/octet-stream",
                             [("Docker-Content-Digest", ref)])
    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", action="append", default=[], metavar="TAR=REPO:TAG")
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    store = Store()
    for item in args.image:
        path, ref = item.split("=", 1)
        repo, tag = ref.rsplit(":", 1)
        store.add(path, repo, tag)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(store))
    with open(args.port_file + ".tmp", "w") as fh:
        fh.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
