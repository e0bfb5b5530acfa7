"""The load generator: runs in its own process, so that the server's and the client's
CPU time are not mixed up in one interpreter.

    python bench/load.py URL [--header "Name: value"]... [--requests N] [--concurrency C]

Prints one JSON object: p50/p95/p99/max in milliseconds, requests per second, and the
count of each status code. Each connection is kept alive, as a dashboard's would be.
"""

import argparse
import http.client
import json
import statistics
import threading
import time
from collections import Counter
from urllib.parse import urlsplit


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def worker(url, headers, count, latencies, statuses, lock):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    mine, codes = [], Counter()
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        mine.append((time.perf_counter() - started) * 1000)
        codes[response.status] += 1
    connection.close()
    with lock:
        latencies.extend(mine)
        statuses.update(codes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    latencies, statuses, lock = [], Counter(), threading.Lock()
    worker(args.url, headers, args.warmup, [], Counter(), lock)  # connections, caches
    per_thread = max(1, args.requests // args.concurrency)
    threads = [
        threading.Thread(
            target=worker, args=(args.url, headers, per_thread, latencies, statuses, lock)
        )
        for _ in range(args.concurrency)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "p50": statistics.median(latencies),
                "p95": percentile(latencies, 0.95),
                "p99": percentile(latencies, 0.99),
                "max": max(latencies),
                "rps": len(latencies) / elapsed,
                "statuses": {str(k): v for k, v in statuses.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
