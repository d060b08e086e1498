"""scripts/bench: HTTP load from a separate process.

`run(spec)` is the entry point of a spawned process: `concurrency` threads, each
with its own keep-alive connection (http.client), send requests for a warm-up
and then for `seconds` (or until `max_requests`), timing each one.

Closed loop (default): each thread sends its next request when the last is answered,
so the figures are the server's saturation throughput, and latency under that load
(which, by Little's law, is `concurrency / throughput`).
Open loop ("rate": req/s): a pacer schedules sends at that fixed rate, whatever the
answers, and a request's latency counts from its scheduled time, so time spent
waiting for a free connection is not hidden (no coordinated omission). This is
latency at a given load, the way a latency budget paired with a throughput is read.

A spec:
    {"base_url" | "base_urls", "token", "name", "method", "paths" | ("template" + "ids"),
     "status_pool" (PUT /jobs/{id}/status alternation), "seconds", "warmup",
     "concurrency", "max_requests", "expect", "rate"}
With several "base_urls" (one per web process) thread i talks to server i % N only, as a load
balancer with connection affinity would spread the clients.
Returns {"requests", "seconds", "rps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors", "samples",
"sent_by_server", "rate", "unserved" (open loop: dropped, see OPEN_LOOP_GRACE_SECONDS),
"load_generator_cpu_ms_per_request"}."""
import http.client
import json
import queue
import random
import signal
import threading
import time
from urllib.parse import urlsplit

NEXT_STATUS = {"pending": "scheduled", "scheduled": "pending"}
OPEN_LOOP_GRACE_SECONDS = 5  # after the run, scheduled sends still waiting this long are dropped (unserved)


def percentile(values, q: float):
    if not values:
        return None
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[k], 2)


class Worker(threading.Thread):
    def __init__(self, spec: dict, index: int, barrier: threading.Barrier, clock: dict, tickets=None):
        super().__init__(daemon=True)
        self.spec, self.index, self.barrier, self.clock = spec, index, barrier, clock
        self.tickets = tickets  # open loop: scheduled send times, None when the run is over
        self.rng = random.Random(index)
        self.latencies, self.errors, self.samples = [], {}, []
        self.sent = self.unserved = self.finished_in_time = 0
        urls = spec.get("base_urls") or [spec["base_url"]]
        self.server = index % len(urls)
        parts = urlsplit(urls[self.server])
        self.host, self.port = parts.hostname, parts.port
        self.headers = {"Authorization": f"Bearer {spec['token']}", "Accept": "application/json",
                        "Accept-Encoding": "gzip", "Connection": "keep-alive"}
        pool = spec.get("status_pool")
        if pool:  # each thread owns its jobs: no two requests race on one job
            self.jobs = {job_id: "pending" for job_id in pool[index::spec["concurrency"]]}
            self.order = list(self.jobs)

    def request(self):
        spec = self.spec
        if spec.get("status_pool"):
            job_id = self.order[self.sent % len(self.order)]
            target = NEXT_STATUS[self.jobs[job_id]]
            return "PUT", f"/api/v1/jobs/{job_id}/status", json.dumps({"status": target}), (job_id, target)
        if "paths" in spec:
            return spec["method"], spec["paths"][self.sent % len(spec["paths"])], None, None
        return spec["method"], spec["template"].format(id=self.rng.choice(spec["ids"])), None, None

    def run(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.barrier.wait()
        total = self.spec.get("max_requests")
        limit = -(-total // self.spec["concurrency"]) if total else None  # this thread's share
        while True:
            scheduled = self.tickets.get() if self.tickets is not None else None
            if self.tickets is not None and scheduled is None:
                break
            now = scheduled or time.perf_counter()
            measuring = self.clock["measure_from"] <= now < self.clock["stop_at"]
            if self.tickets is None and (now >= self.clock["stop_at"] or (limit and len(self.latencies) >= limit)):
                break
            if scheduled and time.perf_counter() > self.clock["stop_at"] + OPEN_LOOP_GRACE_SECONDS:
                self.unserved += measuring  # an overloaded server: do not wait for the backlog
                continue
            method, path, body, move = self.request()
            headers = dict(self.headers, **({"Content-Type": "application/json"} if body else {}))
            started = scheduled or time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                status, payload = type(error).__name__, b""
            finished = time.perf_counter()
            elapsed = (finished - started) * 1000
            self.sent += 1
            if status == 200 and move:
                self.jobs[move[0]] = move[1]
            elif move and status == 409:  # it already was there (e.g. after a timeout): go on from there
                self.jobs[move[0]] = move[1]
            if measuring:
                self.latencies.append(elapsed)
                self.finished_in_time += finished <= self.clock["stop_at"]
                if status != self.spec.get("expect", 200):
                    self.errors[str(status)] = self.errors.get(str(status), 0) + 1
                    if len(self.samples) < 3:
                        self.samples.append(f"{method} {path} -> {status}: {payload[:300]!r}")
        conn.close()


def _pace(tickets: queue.Queue, rate: float, clock: dict, workers: int) -> None:
    """Put one scheduled send time on `tickets` every 1/rate s until the run ends (late sends are
    scheduled at once, still stamped with their due time), then one None per worker."""
    due = time.perf_counter()
    while due < clock["stop_at"]:
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        tickets.put(due)
        due += 1.0 / rate
    for _ in range(workers):
        tickets.put(None)


def run(spec: dict) -> dict:
    concurrency, rate = spec["concurrency"], spec.get("rate")
    barrier = threading.Barrier(concurrency + 1)
    clock = {"measure_from": float("inf"), "stop_at": float("inf")}
    tickets = queue.Queue() if rate else None
    workers = [Worker(spec, i, barrier, clock, tickets) for i in range(concurrency)]
    for worker in workers:
        worker.start()
    start, cpu_start = time.perf_counter(), time.process_time()
    clock["measure_from"] = start + spec.get("warmup", 2)
    clock["stop_at"] = clock["measure_from"] + spec["seconds"]
    barrier.wait()
    if rate:
        _pace(tickets, rate, clock, concurrency)
    for worker in workers:
        worker.join()
    measured = min(time.perf_counter(), clock["stop_at"]) - clock["measure_from"]
    latencies = [x for w in workers for x in w.latencies]
    # Open loop: the answers that arrived within the measured window, which an overloaded
    # server keeps below the offered rate; closed loop: the requests sent in it.
    done = sum(w.finished_in_time for w in workers) if rate else len(latencies)
    errors, by_server = {}, [0] * len(spec.get("base_urls") or [spec["base_url"]])
    for worker in workers:
        by_server[worker.server] += worker.sent
        for key, count in worker.errors.items():
            errors[key] = errors.get(key, 0) + count
    return {"name": spec["name"], "requests": len(latencies), "sent_total": sum(w.sent for w in workers),
            "seconds": round(measured, 2), "rps": round(done / measured, 1) if measured > 0 else None,
            "unserved": sum(w.unserved for w in workers),
            "load_generator_cpu_ms_per_request": round((time.process_time() - cpu_start) * 1000
                                                       / max(1, sum(w.sent for w in workers)), 2),
            "p50_ms": percentile(latencies, 50), "p90_ms": percentile(latencies, 90),
            "p99_ms": percentile(latencies, 99), "max_ms": percentile(latencies, 100), "errors": errors,
            "samples": [s for w in workers for s in w.samples][:5], "concurrency": concurrency, "rate": rate,
            "sent_by_server": by_server}


def child_main(spec: dict, conn) -> None:
    """Entry point of the load-generator process; the parent alone handles Ctrl-C and stops us."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn.send(run(spec))
    conn.close()
