"""scripts/bench, part `deliveries`: the notifications queue with one worker process.

A local webhook receiver (answers 200 at once) is registered for `job.status.updated` by the
organization's owner. Then:
  throughput  --deliveries status changes are made while no worker runs, so as many webhook
              deliveries (and, through POST /admin/notifications, as many emails written as
              files) wait on the queue; a worker as the Procfile runs it (prefork, one pool
              process, queue `notifications`) is started and drains them. Rate = deliveries
              between the first and the last one sent (their `sent_at`), per second.
  latency     with that worker idle, --latency-samples status changes one after another, each
              timed from the PUT's response (its transaction has committed) to the moment the
              receiver has answered 200 for it; also from the PUT being sent.
Prints p50/p99 and rates; the figures go into the results JSON."""
import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench_exports import Worker

POLL_SECONDS = 0.1


class Receiver:
    """Records when it answered 200 for each job's status change."""

    def __init__(self):
        self.answered: dict[int, float] = {}
        self.count = 0
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.wfile.flush()
                receiver._record(body.get("data", {}).get("job_id"))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _record(self, job_id):
        with self._changed:
            self.count += 1
            if job_id is not None:
                self.answered[job_id] = time.perf_counter()
            self._changed.notify_all()

    def wait_for_job(self, job_id: int, timeout: float = 30) -> float | None:
        with self._changed:
            self._changed.wait_for(lambda: job_id in self.answered, timeout)
            return self.answered.get(job_id)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def percentile(values, fraction):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1) if ordered else None


def sent_rate(app, organization_id: int, model) -> dict:
    """Deliveries sent, and their rate between the first and the last `sent_at`."""
    from sqlalchemy import func, select

    from models.core import context
    from models.core.db import db

    with app.app_context(), context.acting_as(organization_id=organization_id):
        count, first, last = db.session.execute(
            select(func.count(), func.min(model.sent_at), func.max(model.sent_at)).where(model.status == "sent")).one()
    seconds = (last - first).total_seconds() if count > 1 else None
    return {"sent": count, "seconds": round(seconds, 2) if seconds else None,
            "per_second": round((count - 1) / seconds, 1) if seconds else None}


def run(app, env: dict, cleanup, base_url: str, owner_token: str, token: str, organization_id: int, jobs: list[int],
        *, deliveries: int, samples: int, log, api) -> dict:
    from models.notify.delivery import NotificationDelivery
    from models.notify.webhook_delivery import WebhookDelivery

    receiver = Receiver()
    cleanup.add("stop the webhook receiver", receiver.stop)
    status, body = api(base_url, "POST", "/api/v1/admin/webhooks", owner_token,
                       {"url": receiver.url, "events": ["job.status.updated"], "description": "bench"})
    if status != 201:
        raise RuntimeError(f"POST /admin/webhooks answered {status}: {body}")
    _, me = api(base_url, "GET", "/api/v1/auth/me", token)
    user_id = me["data"]["user"]["id"]
    timed = jobs[-samples:] if samples else []  # fewer pending jobs than asked for: the backlog is shorter
    backlog = jobs[:len(jobs) - len(timed)][:deliveries]

    started = time.perf_counter()
    for job_id in backlog:  # no worker yet: the deliveries wait on the queue
        api(base_url, "PUT", f"/api/v1/jobs/{job_id}/status", token, {"status": "scheduled"})
        api(base_url, "POST", "/api/v1/admin/notifications", token,
            {"recipients": {"user_ids": [user_id]}, "title": f"Job {job_id} scheduled", "body": "bench",
             "channels": ["email"]})
    queued_in = round(time.perf_counter() - started, 1)
    log(f"deliveries: {len(backlog)} webhook deliveries and {len(backlog)} emails queued in {queued_in} s; "
        "starting one worker")
    worker = Worker(app, env, cleanup, queue="notifications", name="bench-notifications")
    deadline = time.monotonic() + 600
    while receiver.count < len(backlog) or sent_rate(app, organization_id, NotificationDelivery)["sent"] < len(backlog):
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {receiver.count} webhooks received after 10 minutes")
        time.sleep(POLL_SECONDS)
    webhooks, mails = sent_rate(app, organization_id, WebhookDelivery), sent_rate(app, organization_id,
                                                                                  NotificationDelivery)
    log(f"deliveries: one worker sent {webhooks['sent']} webhooks at {webhooks['per_second']}/s and "
        f"{mails['sent']} emails (files) at {mails['per_second']}/s")

    from_response, from_request, lost = [], [], 0
    for job_id in timed:
        sent = time.perf_counter()
        api(base_url, "PUT", f"/api/v1/jobs/{job_id}/status", token, {"status": "scheduled"})
        answered = time.perf_counter()
        received = receiver.wait_for_job(job_id)
        if received is None:
            lost += 1
            continue
        from_response.append((received - answered) * 1000)
        from_request.append((received - sent) * 1000)
    worker.stop()
    out = {
        "worker": "prefork, 1 pool process, queue notifications",
        "backlog": len(backlog), "webhooks": webhooks, "emails": mails,
        "latency_samples": len(timed), "lost": lost,
        "commit_to_receiver_ms": {"p50": percentile(from_response, 0.5), "p99": percentile(from_response, 0.99),
                                  "mean": round(statistics.mean(from_response), 1) if from_response else None},
        "request_to_receiver_ms": {"p50": percentile(from_request, 0.5), "p99": percentile(from_request, 0.99)},
    }
    log(f"deliveries: commit (PUT answered) to the receiver's 200: p50 {out['commit_to_receiver_ms']['p50']} ms, "
        f"p99 {out['commit_to_receiver_ms']['p99']} ms over {len(from_response)} changes ({lost} lost); "
        f"from the PUT sent: p50 {out['request_to_receiver_ms']['p50']} ms, p99 {out['request_to_receiver_ms']['p99']} ms")
    return out


def budget_rows(results: dict) -> list[dict]:
    """Rows of the bench's table: measured, no budget (none is set for deliveries)."""
    d = results.get("deliveries")
    if not d:
        return []

    def row(metric, value, unit):
        return {"metric": metric, "value": value, "unit": unit, "budget": "-", "verdict": "-"}

    return [
        row(f"webhook deliveries per second (1 worker process, {d['backlog']} queued)", d["webhooks"]["per_second"], "/s"),
        row(f"email deliveries per second (1 worker process, {d['backlog']} queued)", d["emails"]["per_second"], "/s"),
        row("commit to webhook receiver's 200, p50", d["commit_to_receiver_ms"]["p50"], "ms"),
        row("commit to webhook receiver's 200, p99", d["commit_to_receiver_ms"]["p99"], "ms"),
        {"metric": "webhook events lost", "value": d["lost"], "unit": "", "budget": "= 0",
         "verdict": "PASS" if d["lost"] == 0 else "MISS"},
    ]
