"""scripts/bench: delay from a job's status change to its `job.status.updated`
event at each of many connected Socket.IO clients.

Clients live in a few spawned processes (`client_group`), each an asyncio loop of
python-socketio AsyncClients (websocket transport). With several web processes
client i connects to server i % N and change k is sent to server k % N. The
parent connects them, moves jobs through the API, then collects every client's
arrival times."""
import http.client
import json
import multiprocessing
import time
from datetime import datetime
from urllib.parse import urlsplit

from bench_http import percentile

EVENT = "job.status.updated"


def client_group(base_urls: list[str], first: int, token: str, count: int, pipe) -> None:
    """Runs in its own process: connect `count` clients (numbered from `first`; client i to
    base_urls[i % N]), record arrivals until told to stop.
    Ctrl-C is the parent's to handle: it stops us."""
    import asyncio
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        asyncio.run(_client_group(base_urls, first, token, count, pipe))
    except (KeyboardInterrupt, EOFError, BrokenPipeError):
        pass


async def _client_group(base_urls: list[str], first: int, token: str, count: int, pipe) -> None:
    """The clients are asyncio ones (python-socketio AsyncClient) sharing one event loop: a
    thread per connection would make the load generator, not the server, the slowest part
    of each delivery on a 2-core machine."""
    import asyncio

    import socketio

    clients, arrivals, errors, by_server = [], [], [], [0] * len(base_urls)
    connecting = asyncio.Semaphore(16)

    async def make(i):
        received = []
        client = socketio.AsyncClient(reconnection=False)
        client.on(EVENT, lambda data: received.append(
            (data.get("job_id"), data.get("new_status"), data.get("timestamp"), time.time())))
        server = (first + i) % len(base_urls)
        for attempt in range(3):
            try:
                async with connecting:
                    await client.connect(base_urls[server], auth={"token": token}, transports=["websocket"],
                                         wait_timeout=30)
                return client, received, server
            except Exception as error:  # refused or timed out: try again, then report
                if attempt == 2:
                    errors.append(f"{type(error).__name__}: {error}"[:200])
                await asyncio.sleep(0.5 * (attempt + 1))
        return None, received, None

    loop = asyncio.get_running_loop()
    try:
        started = time.perf_counter()
        for client, received, server in await asyncio.gather(*(make(i) for i in range(count))):
            if client is not None:
                by_server[server] += 1
                clients.append(client)
                arrivals.append(received)
        pipe.send({"connected": len(clients), "by_server": by_server, "errors": errors[:5], "failed": len(errors),
                   "seconds": round(time.perf_counter() - started, 1)})
        await loop.run_in_executor(None, pipe.recv)  # "stop"
        pipe.send({"arrivals": [list(r) for r in arrivals],
                   "still_connected": sum(1 for c in clients if c.connected)})
    finally:
        await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


def _put_status(base_url: str, token: str, job_id: int, status: str):
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    sent = time.time()
    conn.request("PUT", f"/api/v1/jobs/{job_id}/status", body=json.dumps({"status": status}),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    body = response.read()
    answered = time.time()
    conn.close()
    return response.status, body, sent, answered


def _epoch(stamp):
    try:
        return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def run(base_urls: list[str], token: str, *, clients: int, jobs: list[int], processes: int, gap: float,
        log=print, on_connected=None, cpu=None) -> dict:
    ctx = multiprocessing.get_context("spawn")
    sizes = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    groups = []
    try:
        for n, size in enumerate(sizes):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=client_group, args=(base_urls, sum(sizes[:n]), token, size, child), daemon=True)
            proc.start()
            groups.append((proc, parent))
        reports = [parent.recv() if parent.poll(300) else {"connected": 0, "failed": size, "errors": ["timeout"]}
                   for (proc, parent), size in zip(groups, sizes)]
        connected = sum(r["connected"] for r in reports)
        by_server = [sum(r.get("by_server", [0] * len(base_urls))[s] for r in reports) for s in range(len(base_urls))]
        log(f"{connected}/{clients} Socket.IO clients connected"
            + (f" ({' + '.join(map(str, by_server))} over {len(base_urls)} web processes)"
               if len(base_urls) > 1 else "")
            + (f"; failures: {[e for r in reports for e in r.get('errors', [])][:3]}" if connected < clients else ""))
        extra = {**(on_connected() if on_connected else {}), "connected_by_server": by_server}
        time.sleep(1.0)
        changes, failures = {}, []
        cpu_before = cpu() if cpu else None
        for k, job_id in enumerate(jobs):
            status, body, sent, answered = _put_status(base_urls[k % len(base_urls)], token, job_id, "scheduled")
            if status == 200:
                changes[(job_id, "scheduled")] = (sent, answered)
            else:
                failures.append(f"{job_id}: {status} {body[:200]!r}")
            time.sleep(gap)
        time.sleep(3.0)  # stragglers
        if cpu:  # the web processes' work per change: the request, the emit and the fan-out to every client
            extra["web_cpu_ms_per_change"] = round((cpu() - cpu_before) * 1000 / max(1, len(jobs)), 2)
        results = []
        for proc, parent in groups:
            parent.send("stop")
            results.append(parent.recv() if parent.poll(120) else {"arrivals": [], "still_connected": 0})
        for proc, _ in groups:  # they disconnect their clients, then exit
            proc.join(timeout=30)
    finally:
        for proc, _ in groups:
            if proc.is_alive():
                proc.terminate()
            proc.join(timeout=10)
    return summarize(results, changes, failures, connected, clients, extra)


def summarize(results, changes, failures, connected, clients, extra) -> dict:
    from_stamp, from_sent, from_answer, first, duplicates, precise = [], [], [], {}, 0, True
    delivered = 0
    for group in results:
        for received in group["arrivals"]:
            seen = set()
            for job_id, new_status, stamp, arrived in received:
                key = (job_id, new_status)
                if key not in changes:
                    continue
                if key in seen:
                    duplicates += 1
                    continue
                seen.add(key)
                delivered += 1
                sent, answered = changes[key]
                committed = _epoch(stamp)
                precise = precise and committed is not None and "." in str(stamp)
                if committed is not None:
                    from_stamp.append((arrived - committed) * 1000)
                from_sent.append((arrived - sent) * 1000)
                from_answer.append((arrived - answered) * 1000)
                first[key] = min(first.get(key, arrived), arrived)
    first_delays = [(first[k] - changes[k][0]) * 1000 for k in first]

    def stats(values):
        return {"p50_ms": percentile(values, 50), "p99_ms": percentile(values, 99), "max_ms": percentile(values, 100)}

    primary = from_stamp if precise and from_stamp else from_sent
    return {"clients": clients, "connected": connected, "changes": len(changes), "failed_changes": failures[:5],
            "expected_deliveries": connected * len(changes), "delivered": delivered, "duplicates": duplicates,
            "still_connected": sum(g.get("still_connected", 0) for g in results),
            "measured_from": "event timestamp" if primary is from_stamp
            else "request sent (timestamp lacks sub-second precision)",
            **stats(primary), "from_event_timestamp": stats(from_stamp), "from_request_sent": stats(from_sent),
            "from_response_received": stats(from_answer), "first_client_from_request_sent": stats(first_delays), **extra}
