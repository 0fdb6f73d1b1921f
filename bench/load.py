"""A small, bounded HTTP load generator, run as its own process on 127.0.0.1.

Threads with keep-alive connections send the same request until a request count or a time
limit is reached, then print one JSON line: requests/s, latency percentiles, errors.
Both the measured endpoint and its reference go through this same client, so the client's
own cost cancels out of their ratio.
"""

import argparse
import http.client
import json
import resource
import statistics
import threading
import time
from urllib.parse import urlsplit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body", default="")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000, help="total, at most")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit")
    parser.add_argument(
        "--pool",
        default="",
        help="a JSON file of [path, body] pairs, each sent once (writes that need their own "
        "object: a request to approve, a shipment to dispatch)",
    )
    args = parser.parse_args()
    target = urlsplit(args.url)
    host, port = target.hostname, target.port or 80
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("load is only ever sent to this machine (127.0.0.1)")
    headers = dict(h.split(": ", 1) for h in args.header)
    if args.body:
        headers.setdefault("Content-Type", "application/json")
    body = args.body.encode() or None
    pool = []
    if args.pool:
        with open(args.pool) as file:
            pool = [(path, json.dumps(data).encode()) for path, data in json.load(file)]
        headers.setdefault("Content-Type", "application/json")
        args.requests = min(args.requests, len(pool))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    remaining = [args.requests]
    deadline = time.perf_counter() + args.seconds

    def worker() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
                path, payload = (
                    pool.pop()
                    if pool
                    else (target.path + (f"?{target.query}" if target.query else ""), body)
                )
            started = time.perf_counter()
            try:
                connection.request(args.method, path, body=payload, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    # The client's own CPU, so that a reader can tell it did not starve the server.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    print(
        json.dumps(
            {
                "requests": len(latencies),
                "seconds": round(wall, 3),
                "rps": round(len(latencies) / wall, 1) if wall else 0.0,
                "p50_ms": round(percentile(0.50), 2),
                "p95_ms": round(percentile(0.95), 2),
                "mean_ms": round(statistics.fmean(ordered) * 1000, 2) if ordered else 0.0,
                "statuses": statuses,
                "client_cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
