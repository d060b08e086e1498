"""scripts/bench, part `export`: one export of --export-rows jobs against the budget
(1M rows in ≤ 60 s, worker peak RSS ≤ 200 MB).

Tops organization A up to --export-rows live jobs (copies of its seeded jobs,
INSERT ... SELECT inside the database, then VACUUM ANALYZE), starts a worker as
the Procfile runs it (`celery -A web.worker worker`, prefork, one pool process,
queue `exports`), asks for an export of every job through the API as the
dispatcher, polls the jobs list until it ends and samples the RSS of the worker's
processes meanwhile. Reports the time from the request to `succeeded` (and the
worker's own start-to-finish), rows and bytes written, the pool process's RSS
before the export and each worker process's peak (VmHWM)."""
import subprocess
import threading
import time
from pathlib import Path

from bench_setup import ROOT, Cleanup

POLL_SECONDS = 0.25
SAMPLE_SECONDS = 0.1
LOG_SECONDS = 10


def top_up_jobs(app, organization_id: int, rows: int) -> dict:
    """Copy the organization's live jobs until it has `rows` of them."""
    from sqlalchemy import func, insert, select, text

    from models.core.db import db
    from models.dispatch import Job

    started = time.perf_counter()
    table = Job.__table__
    copied = [column for column in table.c if column.key != "id"]
    live_jobs = (table.c.organization_id == organization_id, table.c.deleted_at.is_(None))
    with app.app_context():
        with db.engine.begin() as conn:
            live = conn.scalar(select(func.count()).select_from(table).where(*live_jobs))
            seeded = live
            while 0 < live < rows:
                more = min(live, rows - live)
                source = select(*copied).where(*live_jobs).order_by(table.c.id).limit(more)
                conn.execute(insert(table).from_select(copied, source))
                live += more
        with db.engine.connect() as conn:  # fresh statistics and visibility map, as autovacuum leaves them
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE jobs"))
    return {"seeded": seeded, "rows": live, "seconds": round(time.perf_counter() - started, 1)}


def _status(pid: int) -> dict:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


class Worker:
    """`celery -A web.worker worker --pool=prefork --concurrency=1 -Q <queue>`, watched from /proc."""

    def __init__(self, app, env: dict, cleanup: Cleanup, queue: str = "exports", name: str = "bench-exports"):
        import os

        self.hostname = f"{name}-{os.getpid()}@bench"
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "celery"), "-A", "web.worker", "--quiet", "worker", "--pool=prefork",
             "--concurrency=1", "-Q", queue, "--hostname", self.hostname, "--loglevel=WARNING",
             "--without-mingle", "--without-gossip"],
            cwd=ROOT, env={"SOCKETIO_CHANNEL": f"fieldops-bench-{os.getpid()}", **env}, start_new_session=True)
        cleanup.add(f"stop the {queue} worker", self.stop)
        celery, deadline = app.extensions["celery"], time.monotonic() + 60
        while not (celery.control.inspect([self.hostname], timeout=1).ping() and _children(self.proc.pid)):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the {queue} worker did not start")
        self.peak = {}  # pid -> the largest VmRSS sampled
        self._sampling = None

    def processes(self) -> list[int]:
        return [self.proc.pid, *_children(self.proc.pid)]

    def rss_mb(self) -> dict:
        return {pid: _status(pid) for pid in self.processes()}

    def start_sampling(self) -> None:
        stop = threading.Event()

        def sample():
            while not stop.wait(SAMPLE_SECONDS):
                try:
                    for pid, fields in self.rss_mb().items():
                        self.peak[pid] = max(self.peak.get(pid, 0), fields["VmRSS"])
                except OSError:  # a process came or went between two reads
                    continue

        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        self._sampling = (stop, thread)

    def stop_sampling(self) -> None:
        stop, thread = self._sampling
        stop.set()
        thread.join()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def run(app, env: dict, cleanup: Cleanup, base_url: str, token: str, organization_id: int, *, rows: int,
        fmt: str, log, api) -> dict:
    """`api(base_url, method, path, token, body)` -> (status, body), as scripts/bench.py calls the web process."""
    topped = top_up_jobs(app, organization_id, rows)
    log(f"export: organization A has {topped['rows']} jobs ({topped['seeded']} seeded, "
        f"the rest copied in {topped['seconds']} s)")
    worker = Worker(app, env, cleanup)
    [pool_pid] = _children(worker.proc.pid)
    idle = worker.rss_mb()
    log(f"export: worker pid {worker.proc.pid} ({idle[worker.proc.pid]['VmRSS']} MB), pool process pid {pool_pid} "
        f"({idle[pool_pid]['VmRSS']} MB)")
    worker.start_sampling()
    started = time.perf_counter()
    status, body = api(base_url, "POST", "/api/v1/admin/exports", token, {"resource": "jobs", "format": fmt})
    if status != 202:
        raise RuntimeError(f"POST /admin/exports answered {status}: {body}")
    job_id, job, logged = body["data"]["job_id"], None, started
    while job is None or job["status"] in ("queued", "running"):
        time.sleep(POLL_SECONDS)
        _, listing = api(base_url, "GET", "/api/v1/admin/jobs?kind=export&per_page=100", token)
        job = next(j for j in listing["data"] if j["id"] == job_id)
        if time.perf_counter() - logged >= LOG_SECONDS:
            log(f"export: {job['status']}, {job['progress']}%: {job['message']}")
            logged = time.perf_counter()
    wall = time.perf_counter() - started
    worker.stop_sampling()
    peaks = worker.rss_mb()
    _, detail = api(base_url, "GET", f"/api/v1/admin/jobs/{job_id}", token)
    job = detail["data"]
    result = job.get("result") or {}
    path = Path(env["STORAGE_DIR"]) / "exports" / str(organization_id) / f"{job_id}.{fmt}"
    lines = _count_lines(path) if path.is_file() else None
    out = {
        "format": fmt, "status": job["status"], "error": job.get("error"), "attempts": job["attempts"],
        "expected_rows": topped["rows"], "rows": result.get("rows"),
        "file_rows": lines - 1 if lines is not None else None, "bytes": result.get("bytes"),
        "file_name": job.get("file_name"), "wall_seconds": round(wall, 2),
        "worker_seconds": _seconds_between(job.get("started_at"), job.get("finished_at")),
        "pool_rss_before_mb": idle[pool_pid]["VmRSS"],
        "pool_peak_rss_mb": peaks.get(pool_pid, {}).get("VmHWM"),
        "parent_peak_rss_mb": peaks[worker.proc.pid]["VmHWM"],
        "sampled_peak_rss_mb": {str(pid): mb for pid, mb in worker.peak.items()},
        "seeding": topped,
    }
    out["worker_peak_rss_mb"] = max(mb for mb in (out["pool_peak_rss_mb"], out["parent_peak_rss_mb"]) if mb)
    log(f"export of {out['rows']} rows ({fmt}): {out['status']} in {out['wall_seconds']} s "
        f"(worker {out['worker_seconds']} s), {round((out['bytes'] or 0) / 2**20)} MB; pool process RSS "
        f"{out['pool_rss_before_mb']} MB before, peak {out['pool_peak_rss_mb']} MB; worker parent peak "
        f"{out['parent_peak_rss_mb']} MB")
    return out


def _count_lines(path: Path) -> int:
    """CSV rows end with CRLF (a line break inside a quoted cell is a bare LF); JSON lines with LF."""
    ending = b"\r\n" if path.suffix == ".csv" else b"\n"
    count, tail = 0, b""
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            block = tail + block
            count += block.count(ending)
            tail = block[len(block) - len(ending) + 1:]  # an ending cut in two by the read
    return count


def _seconds_between(start: str | None, end: str | None) -> float | None:
    from datetime import datetime

    if not (start and end):
        return None
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return round((parse(end) - parse(start)).total_seconds(), 2)


def budget_rows(results: dict) -> list[dict]:
    """Rows of the bench's PASS/MISS table (the budget is for 1M rows)."""
    export = results.get("export")
    if not export:
        return []
    rows = export["rows"] or 0
    complete = export["status"] == "succeeded" and rows == export["expected_rows"] == export["file_rows"]
    at_scale = rows >= 1_000_000

    def row(metric, value, unit, limit):
        verdict = "-" if limit is None else ("PASS" if value is not None and value <= limit and complete else "MISS")
        return {"metric": metric, "value": value, "unit": unit,
                "budget": f"≤ {limit:g} {unit}" if limit is not None else "-", "verdict": verdict}

    label = f"export of {rows} rows ({export['format']})"
    return [
        {"metric": f"{label}: every row written once", "value": str(export["file_rows"]), "unit": "rows",
         "budget": f"= {export['expected_rows']}", "verdict": "PASS" if complete else "MISS"},
        row(f"{label}: request to succeeded", export["wall_seconds"], "s", 60 if at_scale else None),
        row(f"{label}: worker peak RSS", export["worker_peak_rss_mb"], "MB", 200 if at_scale else None),
        row(f"{label}: pool process RSS before the export", export["pool_rss_before_mb"], "MB", None),
    ]
