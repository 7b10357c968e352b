#!/usr/bin/env python3
"""A fault-injecting HTTP proxy between capstan and a real OpenStack (test only).

Why: the provider's retries and its adopt-by-ownership-marks logic only matter when the
network or the cloud misbehaves, which the test bed never does on its own. This proxy
sits in front of Keystone; when a token response passes through, every endpoint of its
catalog gets a listener of its own on 127.0.0.1 and the catalog is rewritten to point
there, so every later call (Nova, Neutron, Glance, Cinder, Keystone) goes through the
proxy too. Each request may then get one fault:

  500, 502, 503   answered by the proxy; the request never reaches the cloud
  429             answered with `Retry-After: <--retry-after>`; never reaches the cloud
  reset_before    the connection is reset before anything is forwarded
  reset_after     forwarded, the cloud acts on it, then the answer is lost (reset): the
                  dangerous case, a create that happened without the client knowing
  latency         forwarded after a delay of up to --latency seconds
  stall           forwarded after --stall seconds

Decisions are deterministic for a seed: the fault of a request is a function of the
seed, the method, the path with ids replaced by {id}, and how many requests of that
shape came before. Every injected fault is one JSON line in --log; --stats is rewritten
with the counts per kind after every fault. Standard library only.

  fault_proxy.py --upstream http://127.0.0.1:5000 --port-file P --log L --seed 7 \
      --faults 500=0.02,503=0.02,429=0.02,reset_before=0.02,reset_after=0.04,latency=0.05

The port file gets the Keystone listener's port once it listens. Only 127.0.0.1.
"""

import argparse
import hashlib
import http.client
import http.server
import json
import os
import re
import socket
import socketserver
import struct
import sys
import threading
import time
import urllib.parse

KINDS = ["500", "502", "503", "429", "reset_before", "reset_after", "latency", "stall"]
ID_RE = re.compile(r"/(?:[0-9a-fA-F]{32}|[0-9a-fA-F-]{36}|\d+)(?=/|$)")
HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
               "trailer", "upgrade", "content-length", "accept-encoding", "host"}


class Faults:
    """Seeded decisions, the fault log and the per-kind counts."""

    def __init__(self, seed, rates, log_path, stats_path):
        self.seed = seed
        self.rates = rates  # [(kind, rate)] in KINDS order
        self.lock = threading.Lock()
        self.seen = {}
        self.counts = {k: 0 for k in KINDS}
        self.requests = 0
        self.log = open(log_path, "a", buffering=1) if log_path else None
        self.stats_path = stats_path

    def decide(self, method, path):
        shape = ID_RE.sub("/{id}", urllib.parse.urlsplit(path).path)
        with self.lock:
            self.requests += 1
            n = self.seen.get((method, shape), 0)
            self.seen[(method, shape)] = n + 1
        digest = hashlib.sha256(f"{self.seed}|{method}|{shape}|{n}".encode()).digest()
        u = struct.unpack(">Q", digest[:8])[0] / 2**64
        v = struct.unpack(">Q", digest[8:16])[0] / 2**64
        acc = 0.0
        for kind, rate in self.rates:
            acc += rate
            if u < acc:
                return kind, v
        return None, v

    def record(self, kind, method, path, port, extra=None):
        entry = {"t": round(time.time(), 3), "kind": kind, "method": method, "path": path,
                 "port": port}
        if extra:
            entry.update(extra)
        with self.lock:
            self.counts[kind] += 1
            if self.log:
                self.log.write(json.dumps(entry) + "\n")
            if self.stats_path:
                with open(self.stats_path + ".tmp", "w") as f:
                    json.dump({"requests": self.requests, "faults": self.counts}, f)
                os.replace(self.stats_path + ".tmp", self.stats_path)


class Proxy:
    """Listeners by upstream origin, and the origin → proxy URL rewriting."""

    def __init__(self, faults, args):
        self.faults = faults
        self.args = args
        self.lock = threading.Lock()
        self.listeners = {}  # "http://127.0.0.1:9696" -> (server, "http://127.0.0.1:P")

    def listen(self, origin):
        with self.lock:
            if origin in self.listeners:
                return self.listeners[origin][1]
            parts = urllib.parse.urlsplit(origin)
            if parts.hostname not in ("127.0.0.1", "localhost") or parts.scheme != "http":
                raise ValueError(f"refusing to proxy {origin}: only http://127.0.0.1")
            proxy = self

            class Handler(ProxyHandler):
                upstream = (parts.hostname, parts.port or 80)
                owner = proxy

            server = ThreadingServer(("127.0.0.1", 0), Handler)
            url = f"http://127.0.0.1:{server.server_address[1]}"
            self.listeners[origin] = (server, url)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            return url

    def rewrite(self, text):
        with self.lock:
            pairs = [(o, u) for o, (_, u) in self.listeners.items()]
        for origin, url in pairs:
            text = text.replace(origin, url)
            text = text.replace(origin.replace("127.0.0.1", "localhost"), url)
        return text

    def rewrite_catalog(self, body):
        """Gives every catalog endpoint a listener and points the catalog at it."""
        try:
            doc = json.loads(body)
        except ValueError:
            return body
        catalog = (doc.get("token") or {}).get("catalog") or []
        for service in catalog:
            for ep in service.get("endpoints", []):
                parts = urllib.parse.urlsplit(ep.get("url", ""))
                if parts.scheme and parts.netloc:
                    self.listen(f"{parts.scheme}://{parts.netloc}")
        return body


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None
    owner = None

    def log_message(self, fmt, *a):  # quiet: the fault log is what matters
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reset(self):
        """Closes the client connection with a TCP RST."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()
        self.close_connection = True
        self.wfile = _Sink()

    def answer(self, status, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def forward(self, body):
        conn = http.client.HTTPConnection(*self.upstream, timeout=600)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        headers["Host"] = f"{self.upstream[0]}:{self.upstream[1]}"
        headers["Connection"] = "close"
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        conn.request(self.command, self.path, body=body or None, headers=headers)
        resp = conn.getresponse()
        data = resp.read() if self.command != "HEAD" else b""
        out = (resp.status, resp.reason, resp.getheaders(), data)
        conn.close()
        return out

    def relay(self, status, reason, headers, data):
        path = urllib.parse.urlsplit(self.path).path
        if path.rstrip("/").endswith("/auth/tokens") and self.command == "POST" and status < 300:
            data = self.owner.rewrite_catalog(data)
        ctype = ""
        for k, v in headers:
            if k.lower() == "content-type":
                ctype = v
        if data and ("json" in ctype or ctype.startswith("text/")):
            data = self.owner.rewrite(data.decode("utf-8", "surrogateescape")).encode(
                "utf-8", "surrogateescape")
        self.send_response(status, reason)
        for k, v in headers:
            lk = k.lower()
            if lk in HOP_HEADERS:
                continue
            if lk == "location":
                v = self.owner.rewrite(v)
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        body = self.read_body()
        faults = self.owner.faults
        args = self.owner.args
        kind, v = faults.decide(self.command, self.path)
        port = self.server.server_address[1]
        if kind in ("500", "502", "503"):
            faults.record(kind, self.command, self.path, port)
            self.answer(int(kind), {"error": {"code": int(kind),
                                              "message": f"fault_proxy: injected {kind}"}})
            return
        if kind == "429":
            faults.record(kind, self.command, self.path, port,
                          {"retry_after": args.retry_after})
            self.answer(429, {"overLimit": {"code": 429,
                                            "message": "fault_proxy: injected 429"}},
                        [("Retry-After", str(args.retry_after))])
            return
        if kind == "reset_before":
            faults.record(kind, self.command, self.path, port)
            self.reset()
            return
        if kind == "latency":
            delay = round(v * args.latency, 3)
            faults.record(kind, self.command, self.path, port, {"seconds": delay})
            time.sleep(delay)
        elif kind == "stall":
            faults.record(kind, self.command, self.path, port, {"seconds": args.stall})
            time.sleep(args.stall)
        try:
            status, reason, headers, data = self.forward(body)
        except OSError as e:
            self.answer(502, {"error": {"code": 502, "message": f"fault_proxy upstream: {e}"}})
            return
        if kind == "reset_after":
            faults.record(kind, self.command, self.path, port, {"upstream_status": status})
            self.reset()
            return
        self.relay(status, reason, headers, data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any


class _Sink:
    def write(self, _):
        return 0

    def flush(self):
        pass

    def close(self):
        pass


def parse_faults(text):
    rates = dict.fromkeys(KINDS, 0.0)
    for item in filter(None, (text or "").split(",")):
        kind, _, rate = item.partition("=")
        if kind not in rates:
            raise SystemExit(f"unknown fault kind {kind!r}; known: {', '.join(KINDS)}")
        rates[kind] = float(rate)
    if sum(rates.values()) > 1.0:
        raise SystemExit("fault rates add up to more than 1")
    return [(k, rates[k]) for k in KINDS if rates[k] > 0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True, help="Keystone origin, http://127.0.0.1:5000")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", help="JSON lines, one per injected fault")
    ap.add_argument("--stats", help="JSON counts per kind, rewritten after each fault")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--faults", default="", help="kind=rate,... (see the kinds above)")
    ap.add_argument("--retry-after", type=int, default=1, help="seconds sent with a 429")
    ap.add_argument("--latency", type=float, default=0.5, help="max added delay, seconds")
    ap.add_argument("--stall", type=float, default=3.0, help="stall length, seconds")
    args = ap.parse_args()
    faults = Faults(args.seed, parse_faults(args.faults), args.log, args.stats)
    proxy = Proxy(faults, args)
    origin = args.upstream.rstrip("/")
    url = proxy.listen(urllib.parse.urlsplit(origin)._replace(path="").geturl())
    with open(args.port_file + ".tmp", "w") as f:
        f.write(url.rsplit(":", 1)[1] + "\n")
    os.replace(args.port_file + ".tmp", args.port_file)
    print(f"fault_proxy: {origin} on {url}; faults {faults.rates}; seed {args.seed}",
          file=sys.stderr, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
