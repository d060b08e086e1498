"""Benchmark the web process against the performance budgets: scripts/bench [options].

Creates a throwaway PostgreSQL database, migrates it, seeds organization A with
--jobs jobs (plus technicians, customers, projects in proportion) and
organization B with --other-jobs, starts the real web process
(`python -m web.server`; --web-processes N of them, each on its own port, sharing
database, Redis and Socket.IO channel, as deployed behind a load balancer), signs
a dispatcher in through the API, then:
  http    load from a separate process (keep-alive connections) on GET /jobs (first
          page, filtered, deep page, keyset pages: as deep, and the completed jobs' first and
          half as deep), GET /jobs/{id}, PUT /jobs/{id}/status: each with 1
          client (unloaded latency) and --concurrency closed-loop clients (saturation
          throughput); the job lists also at a fixed --rate, open loop (latency under a
          steady offered load); client i talks to
          web process i % N;
  events  --clients Socket.IO clients (split evenly over the web processes),
          --changes status changes (round-robin over them), delay to each client;
  deliveries  webhooks and emails through the notifications queue with one worker: deliveries
          per second, and the time from a commit to a webhook receiver's 200 (bench_deliveries);
  refunds (only with --only refunds) --refunds approved refunds of --bookings' paid bookings executed
          by one worker: refunds per second (bench_refunds);
  export  organization A topped up to --export-rows jobs, a real worker process
          (prefork), an export of all of them: time and worker peak RSS (bench_exports).
Prints the figures beside the budgets and writes them as JSON (--out).
Everything started is stopped, and the database dropped (unless --keep), on exit or Ctrl-C."""
import argparse
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import bench_deliveries
import bench_events
import bench_exports
import bench_http
import bench_refunds
import bench_report
import bench_setup as setup
import services
from bench_setup import log


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--jobs", type=int, default=100_000, help="jobs of the measured organization (default 100000)")
    p.add_argument("--other-jobs", type=int, default=10_000, help="jobs of the other organization (default 10000)")
    p.add_argument("--orders", type=int, default=0,
                   help="CRM orders (1-3 lines each) of the measured organization, e.g. for --get /api/v1/orders (default 0)")
    p.add_argument("--bookings", type=int, default=0,
                   help="marketplace bookings (with payments) of the measured organization, e.g. for "
                        "--get /api/v1/admin/bookings, requested as its owner (default 0)")
    p.add_argument("--seconds", type=float, default=10, help="measured seconds per HTTP scenario (default 10)")
    p.add_argument("--warmup", type=float, default=2, help="unmeasured seconds before each scenario (default 2)")
    p.add_argument("--web-processes", type=int, default=2,
                   help="web processes, each on its own port; the load generator spreads clients over them "
                        "(default 2: one per core of the 2-core reference machine, as deployed)")
    p.add_argument("--concurrency", type=int, default=8, help="concurrent HTTP clients (default 8)")
    p.add_argument("--rate", type=float, default=300,
                   help="open-loop request rate for the job lists' latency (default 300 req/s)")
    p.add_argument("--rate-connections", type=int, default=16,
                   help="connections the open-loop load may use at once (default 16)")
    p.add_argument("--clients", type=int, default=500, help="Socket.IO clients (default 500)")
    p.add_argument("--client-processes", type=int, default=4, help="processes holding them (default 4)")
    p.add_argument("--changes", type=int, default=50, help="status changes during the event test (default 50)")
    p.add_argument("--gap", type=float, default=0.2, help="seconds between those changes (default 0.2)")
    p.add_argument("--export-rows", type=int, default=1_000_000,
                   help="jobs exported by the export part; organization A is topped up to this many (default 1000000)")
    p.add_argument("--export-format", choices=("csv", "jsonl"), default="csv",
                   help="format of that export (default csv)")
    p.add_argument("--deliveries", type=int, default=1000,
                   help="webhook deliveries (and as many emails) queued for the deliveries part (default 1000)")
    p.add_argument("--latency-samples", type=int, default=200,
                   help="status changes timed from commit to the webhook receiver's 200 (default 200)")
    p.add_argument("--refunds", type=int, default=1000,
                   help="approved refunds of paid bookings executed by the refunds part (default 1000; "
                        "needs --bookings)")
    p.add_argument("--only", choices=("http", "events", "deliveries", "export", "refunds"),
                   help="run one part only (refunds runs only when asked for)")
    p.add_argument("--redis", default="auto", help="auto (127.0.0.1:6379 db 12, else embedded), embedded, or a URL")
    p.add_argument("--get", action="append", metavar="PATH", help="measure GET PATH instead of the job scenarios")
    p.add_argument("--no-diagnostics", action="store_true", help="skip query counts and EXPLAIN ANALYZE")
    p.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    p.add_argument("--out", default="bench-results.json", help="JSON results file (default bench-results.json)")
    args = p.parse_args(argv)
    if args.web_processes < 1 or args.concurrency < args.web_processes or args.clients < args.web_processes:
        p.error("--web-processes must be at least 1 and at most --concurrency and --clients")
    return args


def api(base_url, method, path, token=None, body=None):
    request = urllib.request.Request(base_url + path, method=method, data=json.dumps(body).encode() if body else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, raw[:300].decode(errors="replace")


def login(base_url, email=setup.DISPATCHER):
    status, body = api(base_url, "POST", "/api/v1/auth/login", body={"email": email, "password": setup.PASSWORD})
    if status != 200:
        raise RuntimeError(f"login failed: {status} {body}")
    return body["data"]["access_token"]


# A list whose rows are alike at every depth (each completed job has its technician and work times), so
# that its deep keyset page and its first one differ by depth alone; the whole list's newest rows carry
# fewer names and times than its older ones.
ALIKE_ROWS = "status=completed"


def deep_cursor(base_url, token, rows: int, query: str = "") -> str | None:
    """The keyset cursor `rows` jobs down the list (narrowed by `query`), walked to with pages of 100
    (None: the list is shorter)."""
    cursor, narrowed = "", f"{query}&" if query else ""
    for _ in range(max(1, rows // 100)):
        status, body = api(base_url, "GET", f"/api/v1/jobs?{narrowed}per_page=100&cursor={cursor}", token)
        cursor = body["meta"].get("next_cursor") if status == 200 else None
        if not cursor:
            return None
    return cursor


def deep_page(jobs: int) -> int:
    return 2000 if jobs >= 40_000 else max(1, jobs // 40)


def keyset_pages(base_url, token, jobs: int) -> dict:
    """{scenario name: path} of the keyset pages: the whole list's as deep as the deep page, and the
    completed jobs' first and half as deep (their cursors walked to first; none for a list too short)."""
    rows = deep_page(jobs) * 20
    deep, alike = deep_cursor(base_url, token, rows), deep_cursor(base_url, token, rows // 2, ALIKE_ROWS)
    pages = {"jobs_cursor_deep": f"/api/v1/jobs?per_page=20&cursor={deep}"} if deep else {}
    if alike:
        pages.update(jobs_alike_cursor_first=f"/api/v1/jobs?{ALIKE_ROWS}&per_page=20&cursor=",
                     jobs_alike_cursor_deep=f"/api/v1/jobs?{ALIKE_ROWS}&per_page=20&cursor={alike}")
    return pages


def scenarios(args, ids, pool, keyset=None):
    """`keyset`: keyset_pages()."""
    if args.get:
        return [{"name": f"GET {path}", "method": "GET", "paths": [path]} for path in args.get]
    deep = deep_page(args.jobs)
    return [
        {"name": "jobs_first_page", "method": "GET", "paths": ["/api/v1/jobs?per_page=20"]},
        {"name": "jobs_filtered", "method": "GET",
         "paths": ["/api/v1/jobs?status=pending,assigned&priority=high&per_page=20"]},
        {"name": "jobs_deep_page", "method": "GET", "paths": [f"/api/v1/jobs?page={deep}&per_page=20"]},
        *({"name": name, "method": "GET", "paths": [path]} for name, path in (keyset or {}).items()),
        {"name": "job_detail", "method": "GET", "template": "/api/v1/jobs/{id}", "ids": ids},
        {"name": "job_status", "method": "PUT", "status_pool": pool},
    ]


def preflight(base_url, token, spec, org_jobs):
    """One request by hand: does the endpoint exist and answer as documented?"""
    if spec.get("status_pool"):
        return {"ok": True}
    path = spec["paths"][0] if "paths" in spec else spec["template"].format(id=spec["ids"][0])
    status, body = api(base_url, "GET", path, token)
    check = {"path": path, "status": status, "ok": status == 200 and isinstance(body, dict) and body.get("success")}
    if check["ok"] and isinstance(body.get("data"), list):
        check.update(items=len(body["data"]), meta=body.get("meta"))
        if path.endswith("jobs?per_page=20"):  # tenancy: organization B's jobs must not count
            check["total_is_own_jobs"] = (body.get("meta") or {}).get("total") == org_jobs
    if not check["ok"]:
        check["body"] = str(body)[:300]
    return check


def load(spec):
    """Run one load phase in a separate (spawned) process and return its figures."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=bench_http.child_main, args=(spec, child), daemon=True)
    proc.start()
    child.close()
    try:
        while not parent.poll(0.5):  # short waits: Ctrl-C is handled at once
            if not proc.is_alive():
                raise RuntimeError(f"the load generator exited with code {proc.exitcode}")
        return parent.recv()
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(10)


def rss_text(rss: dict) -> str:
    return " + ".join(str(e["rss_mb"]) for e in rss["per_process"]) + " MB"


def run_http(args, servers, token, ids, pool, results, database_url):
    """Each scenario with 1 client (web process 0) and with --concurrency clients (client i on process i % N).
    The "after 10k requests" RSS is read once every web process has served 10k requests. The keyset
    pages are keyset_pages()'s."""
    served, out = [0] * len(servers), results["http"]
    keyset = {} if args.get else keyset_pages(servers.url, token, args.jobs)

    def requests():
        return {"requests": sum(served), "requests_per_process": list(served)}

    def count(*loads):
        for result in loads:
            served[:] = [a + b for a, b in zip(served, result["sent_by_server"])]

    for spec in scenarios(args, ids, pool, keyset):
        check = preflight(servers.url, token, spec, args.jobs)
        if not check["ok"]:
            log(f"skipping {spec['name']}: {check}")
            out[spec["name"]] = {"skipped": check}
            continue
        spec.update(base_urls=servers.urls, token=token)
        single = dict(spec, seconds=max(2.0, args.seconds / 3), warmup=min(1.0, args.warmup), concurrency=1)
        if spec.get("status_pool"):  # each phase moves its own jobs, which all start pending
            single["status_pool"], spec["status_pool"] = pool[:len(pool) // 4], pool[len(pool) // 4:]
        alone = load(single)
        cpu, db_cpu = servers.cpu_seconds(), setup.backend_cpu(database_url)
        result = load(dict(spec, seconds=args.seconds, warmup=args.warmup, concurrency=args.concurrency))
        result["web_cpu_ms_per_request"] = round((servers.cpu_seconds() - cpu) * 1000 / result["sent_total"], 2)
        result["db_cpu_ms_per_request"] = round(
            setup.cpu_delta(db_cpu, setup.backend_cpu(database_url)) * 1000 / result["sent_total"], 2)
        loads = [alone, result]
        if spec["name"] in bench_report.LIST_SCENARIOS and args.rate:
            result["at_rate"] = load(dict(spec, seconds=args.seconds, warmup=args.warmup, rate=args.rate,
                                          concurrency=max(args.rate_connections, len(servers))))
            loads.append(result["at_rate"])
        served[0] += 1  # the preflight
        count(*loads)
        result.update(check=check, served_so_far=sum(served), single_client=alone, **servers.rss_mb())
        out[spec["name"]] = result
        log(f"{spec['name']}: {args.concurrency} clients: p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, "
            f"{result['rps']} req/s, errors {result['errors'] or 'none'}; 1 client: p50 {alone['p50_ms']} ms, "
            f"p99 {alone['p99_ms']} ms, {alone['rps']} req/s; CPU per request: web {result['web_cpu_ms_per_request']} ms, "
            f"PostgreSQL {result['db_cpu_ms_per_request']} ms; web RSS {rss_text(result)}"
            + (f"; at {args.rate:g} req/s: p50 {result['at_rate']['p50_ms']} ms, p99 {result['at_rate']['p99_ms']} ms, "
               f"{result['at_rate']['rps']} req/s" if "at_rate" in result else ""))
        if min(served) >= 10_000 and "after_10k_requests" not in results["rss"]:
            results["rss"]["after_10k_requests"] = {**requests(), **servers.rss_mb()}
    if min(served) < 10_000 and out.get("jobs_first_page", {}).get("requests"):
        missing = 10_000 - min(served)
        per_client = -(-missing // (args.concurrency // len(servers)))  # the least-served process gets `missing`
        spec = dict(scenarios(args, ids, pool)[0], base_urls=servers.urls, token=token, seconds=600, warmup=0,
                    concurrency=args.concurrency, max_requests=per_client * args.concurrency)
        log(f"{sum(served)} requests so far" + (f" ({' + '.join(map(str, served))})" if len(served) > 1 else "")
            + f": up to {spec['max_requests']} more GET /jobs before reading the RSS after 10k")
        count(load(spec))
        results["rss"]["after_10k_requests"] = {**requests(), **servers.rss_mb()}
    results["rss"]["after_http"] = {**requests(), **servers.rss_mb()}


def main(argv=None):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    cleanup = setup.Cleanup()
    results = {"config": {**{k: v for k, v in vars(args).items() if k != "out"},
                          "app_version": bench_report.app_version()}, "http": {}, "rss": {}}
    try:
        redis_url = setup.pick_redis(args.redis, cleanup)
        database_url, drop = services.throwaway_postgres_db()
        if args.keep:
            log(f"database kept: {database_url}")
        else:
            cleanup.add("drop the database", drop)
        storage = tempfile.mkdtemp(prefix="fieldops-bench-storage-")  # the export's file lands here
        cleanup.add("remove the storage dir", lambda: shutil.rmtree(storage, ignore_errors=True))
        # The deliveries part's webhook receiver listens on 127.0.0.1, over http.
        env = setup.process_env(database_url, redis_url, STORAGE_DIR=storage, WEBHOOK_ALLOW_HTTP="1",
                                WEBHOOK_ALLOW_PRIVATE="1")
        log(f"database {database_url.rsplit('/', 1)[-1]}, redis {redis_url}; migrating")
        setup.migrate(env)
        app = setup.make_app(env)
        results["seeding"] = setup.seed(app, args.jobs, args.other_jobs)
        log(f"seeding took {results['seeding']['seconds']} s")
        org_a = results["seeding"]["organizations"][0]["organization_id"]
        if args.orders:
            results["seeding"]["crm_orders"] = setup.seed_orders(app, org_a, args.orders)
            log(f"seeded {args.orders} orders: {results['seeding']['crm_orders']}")
        if args.bookings:
            results["seeding"]["bookings"] = setup.seed_bookings(app, org_a, args.bookings)
            log(f"seeded {args.bookings} bookings: {results['seeding']['bookings']}")
        ids = setup.job_ids(app, org_a)
        pending = setup.job_ids(app, org_a, "pending", limit=3000 + args.changes)
        pool, event_jobs = pending[args.changes:], pending[:args.changes]

        servers = setup.WebServers(env, cleanup, args.web_processes)
        results["rss"]["at_start"] = servers.rss_mb()
        token = login(servers.url)
        log(f"{bench_report.web_label(len(servers))}: {servers.describe()}; RSS {rss_text(results['rss']['at_start'])}")
        if not args.no_diagnostics and not args.get and args.only in (None, "http"):
            import bench_diag

            specs = scenarios(args, ids, pool)
            results["diagnostics"] = bench_diag.profile(app, token, [
                *[(s["name"], "GET", s["paths"][0], None) for s in specs[:3]],
                ("job_detail", "GET", f"/api/v1/jobs/{ids[len(ids) // 2]}", None),
                ("job_status", "PUT", f"/api/v1/jobs/{pool[-1]}/status", [{"status": "scheduled"}, {"status": "pending"}]),
            ])
            for d in results["diagnostics"]:
                log(f"{d['name']}: {d['status']}, {d['queries']} queries, {d['in_process_ms']} ms in process; "
                    f"slowest SQL {[p.get('execution_ms') for p in d['slowest']]} ms")
            pool = pool[:-1]
        if args.only in (None, "http"):
            # The admin's marketplace lists need bookings:manage, which the dispatcher does not hold.
            get_token = login(servers.url, setup.OWNER) if args.bookings and args.get else token
            run_http(args, servers, get_token, ids, pool, results, database_url)
        if args.only in (None, "events"):
            results["events"] = bench_events.run(
                servers.urls, token, clients=args.clients, jobs=event_jobs, processes=args.client_processes,
                gap=args.gap, log=log, on_connected=lambda: {"rss_with_clients": servers.rss_mb()},
                cpu=servers.cpu_seconds)
            results["rss"]["after_events"] = servers.rss_mb()
        if args.only in (None, "deliveries"):
            jobs = setup.job_ids(app, org_a, "pending", limit=args.deliveries + args.latency_samples)
            results["deliveries"] = bench_deliveries.run(
                app, env, cleanup, servers.url, login(servers.url, setup.OWNER), token, org_a, jobs,
                deliveries=args.deliveries, samples=args.latency_samples, log=log, api=api)
        if args.only == "refunds":
            results["refunds"] = bench_refunds.run(app, env, cleanup, org_a, count=args.refunds, log=log)
        if args.only in (None, "export"):  # last: its extra jobs would change the figures above
            results["export"] = bench_exports.run(app, env, cleanup, servers.url, token, org_a, rows=args.export_rows,
                                                  fmt=args.export_format, log=log, api=api)
        results["budgets"] = (bench_report.budget_rows(results) + bench_deliveries.budget_rows(results)
                              + bench_exports.budget_rows(results) + bench_refunds.budget_rows(results))
        bench_report.print_table(results)
        out = Path(os.environ.get("BENCH_CALLER_DIR", ".")) / args.out
        out.write_text(json.dumps(results, indent=2, default=str))
        log(f"results written to {out}")
    except KeyboardInterrupt:
        print("\nbench: interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cleanup.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
