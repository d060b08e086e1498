"""scripts/bench: the figures beside the performance budgets, as rows and as a printed table."""
import hashlib
import subprocess

from bench_setup import ROOT

NAMES = {"jobs_first_page": "GET /jobs first page", "jobs_filtered": "GET /jobs filtered",
         "jobs_deep_page": "GET /jobs deep page", "jobs_cursor_deep": "GET /jobs?cursor= as deep",
         "jobs_alike_cursor_first": "GET /jobs?status=completed&cursor= first",
         "jobs_alike_cursor_deep": "GET /jobs?status=completed&cursor= half as deep",
         "job_detail": "GET /jobs/{id}", "job_status": "PUT /jobs/{id}/status"}
LIST_SCENARIOS = ("jobs_first_page", "jobs_filtered", "jobs_deep_page", "jobs_cursor_deep")
RSS_POINTS = (("after_10k_requests", "RSS after 10k requests"), ("after_http", "RSS after the HTTP run"),
              ("after_events", "RSS after the event test"))


def app_version() -> dict:
    """The commit the web processes run, and the files that differ from it (the bench's own aside)."""
    def git(*args):
        return subprocess.run(["git", *args], check=False, cwd=ROOT, capture_output=True, text=True).stdout

    changed = [line[3:] for line in git("status", "--porcelain").splitlines()
               if not line[3:].startswith(("scripts/bench", "README.md"))]
    diff = subprocess.run(["git", "diff", "HEAD", "--", ".", ":!scripts/bench*", ":!README.md"], check=False,
                          cwd=ROOT, capture_output=True).stdout
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "uncommitted": changed,
            "uncommitted_diff_sha1": hashlib.sha1(diff).hexdigest()[:12] if diff else None}


def web_label(count: int) -> str:
    return f"{count} web process{'es' if count > 1 else ''}"


def budget_rows(results):
    rows = []
    web = web_label(results["config"].get("web_processes", 1))

    def add(label, value, unit, limit, op="<="):
        ok = None if value is None or limit is None else (value <= limit if op == "<=" else value >= limit)
        rows.append({"metric": label, "value": value, "unit": unit,
                     "budget": f"{'≤' if op == '<=' else '≥'} {limit:g} {unit}" if limit is not None else "-",
                     "verdict": "-" if ok is None and limit is None else ("PASS" if ok else "MISS")})

    for name, r in results["http"].items():
        label = NAMES.get(name, name)
        if "skipped" in r:
            rows.append({"metric": label, "value": None, "unit": "", "budget": "-", "verdict": "SKIPPED"})
            continue
        conc, alone, at_rate = r["concurrency"], r.get("single_client"), r.get("at_rate")
        # Speed is budgeted as ratios against peers measured in the same run (README, "Benchmarks":
        # the peer harnesses), since these machines' speed moves by 2x between runs: shown, not judged.
        if at_rate:
            rate = f"{at_rate['rate']:g} req/s offered, {web}"
            add(f"{label} p50 ({rate})", at_rate["p50_ms"], "ms", None)
            add(f"{label} p99 ({rate})", at_rate["p99_ms"], "ms", None)
            add(f"{label} throughput achieved ({rate})", at_rate["rps"], "req/s", None)
        add(f"{label} throughput ({conc} clients, closed loop, {web})", r["rps"], "req/s", None)
        add(f"{label} p50 ({conc} clients, closed loop, {web})", r["p50_ms"], "ms", None)
        add(f"{label} p99 ({conc} clients, closed loop, {web})", r["p99_ms"], "ms", None)
        add(f"{label} web CPU per request (all web processes)", r["web_cpu_ms_per_request"], "ms", None)
        if alone:
            add(f"{label} p50 (1 client, {web})", alone["p50_ms"], "ms", None)
            add(f"{label} p99 (1 client, {web})", alone["p99_ms"], "ms", None)
        errors = {}
        for phase in filter(None, (alone, r, at_rate)):
            for status, count in phase["errors"].items():
                errors[status] = errors.get(status, 0) + count
        if at_rate and at_rate.get("unserved"):  # offered beyond what it serves: a figure, not a fault
            add(f"{label} requests left unsent ({rate}: the server was behind)", at_rate["unserved"], "", None)
        if errors:
            rows.append({"metric": f"{label} unexpected answers", "value": errors, "unit": "",
                         "budget": "none", "verdict": "MISS"})
    # The keyset budget: a page as deep costs as the first. Against the whole list's first page, the deep
    # rows also carry more (technicians, work times); the completed jobs are alike at every depth.
    for deep, first, label in (
            ("jobs_cursor_deep", "jobs_first_page",
             "GET /jobs?cursor= as deep as the deep page: CPU (web + PostgreSQL) / the first page's"),
            ("jobs_alike_cursor_deep", "jobs_alike_cursor_first",
             "GET /jobs?status=completed&cursor= half as deep: CPU (web + PostgreSQL) / its first page's")):
        ratio = _cost_ratio(results["http"].get(deep), results["http"].get(first))
        if ratio is not None:
            add(label, ratio, "x", 1.2)
    ev = results.get("events")
    if ev:
        add(f"event delay p50 ({ev['connected']} clients, {web})", ev["p50_ms"], "ms", None)
        add(f"event delay p99 ({ev['connected']} clients, {web})", ev["p99_ms"], "ms", 50)
        rows.append({"metric": f"events delivered ({web})", "value": ev["delivered"], "unit": "",
                     "budget": f"= {ev['expected_deliveries']}",
                     "verdict": "PASS" if ev["delivered"] == ev["expected_deliveries"] and ev["connected"] == ev["clients"]
                     else "MISS"})
    for key, label in RSS_POINTS:
        point = results["rss"].get(key)
        if not point:
            continue
        each = point.get("per_process", [])
        if len(each) <= 1:
            add(f"web {label} ({web})", point["rss_mb"], "MB", 200)
            continue
        add(f"web {label}, max of {web}", point["rss_mb"], "MB", 200)
        for n, process in enumerate(each, 1):
            add(f"  web process {n} {label}", process["rss_mb"], "MB", 200)
    return rows


def _cost_ratio(deep, first):
    if not deep or not first or "skipped" in deep or "skipped" in first:
        return None
    cost = lambda r: r["web_cpu_ms_per_request"] + r["db_cpu_ms_per_request"]  # noqa: E731
    return round(cost(deep) / cost(first), 2)


def print_table(results):
    rows, config = results["budgets"], results["config"]
    version = config.get("app_version") or {}
    print(f"\nweb processes: {config.get('web_processes', 1)}; HTTP clients: {config['concurrency']}; "
          f"Socket.IO clients: {config['clients']}; jobs: {config['jobs']}; app at {version.get('commit', '?')}"
          + (f" + uncommitted changes (diff {version.get('uncommitted_diff_sha1')}) in {', '.join(version['uncommitted'])}"
             if version.get("uncommitted") else ""))
    width = max(len(r["metric"]) for r in rows) + 2
    print(f"\n{'metric':<{width}}{'measured':>16}  {'budget':<14}verdict")
    for r in rows:
        value = "-" if r["value"] is None else (f"{r['value']:g} {r['unit']}" if isinstance(r["value"], (int, float))
                                                else str(r["value"]))
        print(f"{r['metric']:<{width}}{value:>16}  {r['budget']:<14}{r['verdict']}")
