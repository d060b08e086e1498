"""scripts/bench: backing services, schema, seeded organizations, the web process.

Everything started here is registered with a `Cleanup` so it is undone on exit,
error or Ctrl-C, in reverse order."""
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import services

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"
DISPATCHER = "dispatcher@bench.fieldops.test"
OWNER = "owner0@bench.fieldops.test"  # organization A's owner (seed)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Cleanup:
    def __init__(self):
        self._steps = []

    def add(self, what: str, fn) -> None:
        self._steps.append((what, fn))

    def run(self) -> None:
        while self._steps:
            what, fn = self._steps.pop()
            try:
                fn()
            except Exception as error:  # keep undoing the rest
                print(f"bench: could not {what}: {error}", file=sys.stderr)


def pick_redis(choice: str, cleanup: Cleanup) -> str:
    """`auto`: db 12 of the Redis on 127.0.0.1:6379 when it answers, else an embedded one;
    `embedded`; or a redis:// URL."""
    if choice.startswith("redis://"):
        return choice
    if choice == "auto" and services.port_open("127.0.0.1", 6379):
        import redis

        url = "redis://127.0.0.1:6379/12"  # reserved for the bench: emptied before and after
        redis.Redis.from_url(url).flushdb()
        cleanup.add("empty Redis db 12", lambda: redis.Redis.from_url(url).flushdb())
        return url
    tmp = tempfile.mkdtemp(prefix="fieldops-bench-redis-")
    url, stop = services.start_embedded_redis(tmp)
    cleanup.add("stop the embedded Redis", stop)
    return url


def process_env(database_url: str, redis_url: str, **extra) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(32),
           "JWT_SECRET_KEY": os.environ.get("BENCH_JWT_SECRET_KEY") or secrets.token_urlsafe(32),
           "LOG_LEVEL": "WARNING", "ACCESS_TOKEN_MINUTES": "240",
           "LOGIN_RATE_LIMIT_PER_IP": "100000/minute", "LOGIN_RATE_LIMIT_PER_EMAIL": "100000/minute",
           "RATELIMIT_DEFAULT": "", "PYTHONUNBUFFERED": "1"}
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    return {**env, **extra}


def migrate(env: dict) -> None:
    subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), "--app", "web", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_app(env: dict):
    """The Flask app in this process (threading, no Socket.IO server), on the bench database."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "JWT_SECRET_KEY",
                                           "LOG_LEVEL", "ACCESS_TOKEN_MINUTES")})
    sys.path.insert(0, str(ROOT))
    from web import create_app

    return create_app(socket_server=False)


def seed(app, jobs: int, other_jobs: int) -> dict:
    """Organization A (measured; a dispatcher signs in) and organization B (only there to be filtered out)."""
    from sqlalchemy import text

    from models.core import context
    from models.core.db import db
    from models.dispatch.demo_data import seed_dispatch
    from models.identity.accounts import register
    from models.identity.user import create_user

    scale = jobs / 100_000
    started = time.perf_counter()
    info = {"organizations": []}
    with app.app_context():
        for n, (name, count, ratio) in enumerate((("Bench Metro Services", jobs, scale),
                                                  ("Bench Other Tenant", other_jobs, other_jobs / 100_000))):
            org, _owner = register(organization_name=name, name="Bench Owner", email=f"owner{n}@bench.fieldops.test",
                                   password=PASSWORD, timezone="America/New_York")
            with context.acting_as(organization_id=org.id):
                if n == 0:
                    create_user(email=DISPATCHER, name="Bench Dispatcher", password=PASSWORD, role="dispatcher",
                                acting_role="owner")
                db.session.flush()
                t0 = time.perf_counter()
                counts = seed_dispatch(org.id, rng=random.Random(1000 + n), jobs=count,
                                       technicians=max(20, round(200 * ratio)), customers=max(50, round(2000 * ratio)),
                                       projects=max(10, round(100 * ratio)), days_back=150, days_ahead=30)
            db.session.commit()
            counts.update(organization_id=org.id, seconds=round(time.perf_counter() - t0, 1))
            info["organizations"].append(counts)
            log(f"seeded {name}: {counts}")
        t0 = time.perf_counter()
        with db.engine.connect() as conn:
            # VACUUM too: a steady state (visibility map set, as autovacuum leaves a live table),
            # and no autovacuum of the fresh rows running in the middle of a measurement
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        info["vacuum_analyze_seconds"] = round(time.perf_counter() - t0, 1)
    info["seconds"] = round(time.perf_counter() - started, 1)
    return info


def seed_orders(app, organization_id: int, count: int) -> dict:
    """`count` CRM orders of 1-3 lines each in the organization, in bulk (as seed_dispatch inserts jobs),
    numbered ORD-YYYY-NNNN with the year's counter set past them; then ANALYZE."""
    from datetime import timedelta
    from decimal import Decimal

    from sqlalchemy import insert, select, text

    from models.core.db import db, utcnow
    from models.core.numbering import NumberCounter
    from models.crm.order import STATUSES, TYPES, Order, OrderItem
    from models.dispatch import Customer

    rng, t0, now = random.Random(2000), time.perf_counter(), utcnow()
    with app.app_context():
        conn = db.session.connection()
        customers = list(conn.execute(select(Customer.__table__.c.id)
                                      .where(Customer.__table__.c.organization_id == organization_id)).scalars())
        orders, items = Order.__table__, OrderItem.__table__
        for start in range(0, count, 2000):
            rows, lines = [], []
            for n in range(start, min(count, start + 2000)):
                when = now - timedelta(minutes=n * 13 % (150 * 24 * 60))
                order_lines = [{"item_name": f"Part {rng.randrange(500)}", "sku": f"SKU-{rng.randrange(9999)}",
                                "quantity": Decimal(rng.randrange(1, 10)),
                                "unit_price": Decimal(rng.randrange(100, 50000)) / 100} for _ in range(rng.randrange(1, 4))]
                for line in order_lines:
                    line["total_price"] = line["quantity"] * line["unit_price"]
                rows.append({"organization_id": organization_id, "order_number": f"ORD-{now.year}-{n + 1:04d}",
                             "title": f"Bench order {n + 1}", "order_type": rng.choice(TYPES),
                             "customer_id": rng.choice(customers) if customers else None,
                             "total_amount": sum(line["total_price"] for line in order_lines),
                             "items_count": len(order_lines), "currency": "USD", "order_date": when.date(),
                             "status": rng.choice(STATUSES), "created_at": when, "updated_at": when})
                lines.append(order_lines)
            ids = conn.execute(insert(orders).returning(orders.c.id, sort_by_parameter_order=True), rows).scalars().all()
            conn.execute(insert(items), [{"organization_id": organization_id, "order_id": order_id, **line}
                                         for order_id, order_lines in zip(ids, lines) for line in order_lines])
        if count:
            conn.execute(insert(NumberCounter.__table__).values(organization_id=organization_id, prefix="ORD",
                                                                year=now.year, last_number=count))
        db.session.commit()
        with db.engine.connect() as analyze:
            analyze.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE orders, order_items"))
    return {"orders": count, "seconds": round(time.perf_counter() - t0, 1)}


def seed_bookings(app, organization_id: int, count: int) -> dict:
    """`count` bookings in the organization: the demo marketplace's (vendors, services, consumers, up
    to 600 bookings with refunds, reviews, takedowns, referrals), then the rest with their
    creation history and, for the paid ones, a succeeded payment: COPY on PostgreSQL, numbered
    BKG-YYYY-NNNN per local year after the demo's, the counters set past them; then ANALYZE."""
    import csv
    import io
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from sqlalchemy import select, text

    from models.core import context
    from models.core.db import db, utcnow
    from models.core.numbering import NumberCounter
    from models.identity import Organization, User
    from models.marketplace.demo_data import seed_marketplace
    from models.marketplace.service import Service
    from models.vendors.demo_data import seed_vendors

    rng, t0, now = random.Random(3000), time.perf_counter(), utcnow()
    with app.app_context(), context.acting_as(organization_id=organization_id):
        org = db.session.get(Organization, organization_id)
        owner = db.session.scalar(select(User.id).where(User.role == "owner").order_by(User.id))
        seed_vendors(organization_id)
        demo = seed_marketplace(org, rng=random.Random(3001), password=PASSWORD, admin_id=owner, support_id=owner,
                                bookings=min(600, count))
        copied = count - demo["bookings"]
        services = db.session.execute(select(Service.id, Service.vendor_id, Service.price, Service.duration_minutes)
                                      .where(Service.vendor.has(status="active"))).all()
        consumers = db.session.scalars(select(User.id).where(User.role == "customer")).all()
        counters = {row.year: row.last_number for row in db.session.scalars(
            select(NumberCounter).where(NumberCounter.prefix == "BKG"))}
        tz = ZoneInfo(org.timezone or "UTC")
        statuses = (("completed", 70), ("cancelled", 10), ("no_show", 4), ("confirmed", 8), ("pending", 8))
        names, weights = zip(*statuses)
        buffer = io.StringIO()
        out = csv.writer(buffer)
        created = sorted(now - timedelta(seconds=rng.randrange(150 * 86400)) for _ in range(copied))
        for at in created:
            status = rng.choices(names, weights)[0]
            service = rng.choice(services)
            year = at.astimezone(tz).year
            counters[year] = counters.get(year, 0) + 1
            ahead = status in ("pending", "confirmed")
            scheduled = (now if ahead else at) + timedelta(days=rng.randrange(1, 15), hours=rng.randrange(8))
            if not ahead:
                scheduled = min(scheduled, now - timedelta(hours=3))
            paid = status in ("completed", "no_show") or rng.random() < 0.4
            done = scheduled + timedelta(minutes=service.duration_minutes) if status == "completed" else None
            cancelled = at + timedelta(hours=1) if status == "cancelled" else None
            out.writerow([organization_id, f"BKG-{year}-{counters[year]:04d}", status, "paid" if paid else "unpaid",
                          rng.choice(consumers), service.vendor_id, service.id, scheduled.isoformat(),
                          service.duration_minutes, service.price, "USD", f"{rng.randrange(1, 900)} Main St",
                          "Brooklyn", "Changed plans" if cancelled else "", cancelled.isoformat() if cancelled else "",
                          done.isoformat() if done else "", 1, at.isoformat(), (done or cancelled or at).isoformat()])
        buffer.seek(0)
        columns = ("organization_id, booking_number, status, payment_status, user_id, vendor_id, service_id, "
                   "scheduled_at, duration_minutes, amount, currency, address, city, cancellation_reason, "
                   "cancelled_at, completed_at, version, created_at, updated_at")
        conn = db.session.connection()
        first_new = conn.execute(text("SELECT coalesce(max(id), 0) FROM bookings")).scalar()
        raw = conn.connection.driver_connection.cursor()
        raw.copy_expert(f"COPY bookings ({columns}) FROM STDIN WITH (FORMAT csv, NULL '')", buffer)
        new = {"org": organization_id, "first": first_new}
        conn.execute(text("""
            INSERT INTO booking_status_history (organization_id, booking_id, from_status, to_status, actor_id,
                                                reason, created_at)
            SELECT organization_id, id, NULL, 'pending', user_id, 'created', created_at FROM bookings
            WHERE organization_id = :org AND id > :first"""), new)
        conn.execute(text("""
            INSERT INTO booking_payments (organization_id, booking_id, amount, currency, method, status, provider,
                                          provider_ref, paid_at, refunded_amount, created_at, updated_at)
            SELECT organization_id, id, amount, currency, (ARRAY['card','wallet','bank_transfer','cash'])[1 + id % 4],
                   'succeeded', 'sandbox', 'ch_sbx_bench_' || id, created_at + interval '5 minutes', 0,
                   created_at + interval '5 minutes', created_at + interval '5 minutes' FROM bookings
            WHERE organization_id = :org AND id > :first AND payment_status = 'paid'"""), new)
        for year, last in counters.items():
            conn.execute(text("""
                INSERT INTO number_counters (organization_id, prefix, year, last_number) VALUES (:org, 'BKG', :y, :n)
                ON CONFLICT (organization_id, prefix, year) DO UPDATE SET last_number = EXCLUDED.last_number"""),
                         {"org": organization_id, "y": year, "n": last})
        db.session.commit()
        with db.engine.connect() as analyze:
            analyze.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("ANALYZE bookings, booking_payments, booking_status_history, users, vendors, services"))
        total = db.session.execute(text("SELECT count(*) FROM bookings WHERE organization_id = :org"),
                                   {"org": organization_id}).scalar()
        rolled = _roll_up_marketplace(organization_id)
    return {"bookings": total, "demo_bookings": demo["bookings"], "copied": copied, "rolled_up_days": rolled,
            "seconds": round(time.perf_counter() - t0, 1)}


def _roll_up_marketplace(organization_id: int) -> int:
    """The marketplace rollup over the last 400 days, as beat and an on-demand refresh keep it (the
    analytics lists read it): the days with activity."""
    from datetime import timedelta

    from models.analytics import rollups
    from models.core.db import db
    from models.core.local_time import local_date
    from models.identity import Organization
    from models.marketplace.analytics_rollup import MARKETPLACE

    today = local_date(db.session.get(Organization, organization_id).timezone)
    days = rollups.refresh(MARKETPLACE, organization_id, today - timedelta(days=400), today)
    db.session.commit()
    return days


def job_ids(app, organization_id: int, status: str | None = None, limit: int | None = None) -> list[int]:
    from sqlalchemy import select

    from models.core import context
    from models.core.db import db
    from models.dispatch import Job

    with app.app_context(), context.acting_as(organization_id=organization_id):
        stmt = select(Job.id)
        if status:
            stmt = stmt.where(Job.status == status, Job.technician_id.is_(None))
        return list(db.session.scalars(stmt.order_by(Job.id).limit(limit)).all())


def backend_cpu(database_url: str) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend connected to the bench database (by pid)."""
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(database_url)
    conn = psycopg2.connect(dbname="postgres", host=parts.hostname, port=parts.port or 5432, user=parts.username)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [parts.path.lstrip("/")])
            pids = [row[0] for row in cur.fetchall()]
    finally:
        conn.close()
    usage = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone, or PostgreSQL runs elsewhere
            continue
        usage[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return usage


def cpu_delta(before: dict, after: dict) -> float:
    return sum(used - before.get(pid, 0.0) for pid, used in after.items())


class WebServer:
    """One `python -m web.server` on a free port. With wait=False, call wait_ready() before using it."""

    def __init__(self, env: dict, cleanup: Cleanup | None, port: int | None = None, wait: bool = True):
        self.port = port or services.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "-m", "web.server"], cwd=ROOT,
                                     env={"SOCKETIO_CHANNEL": f"fieldops-bench-{os.getpid()}", **env,
                                          "PORT": str(self.port), "HOST": "127.0.0.1"},
                                     start_new_session=True)  # Ctrl-C reaches us; we stop it in order
        if cleanup:
            cleanup.add("stop the web process", self.stop)
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the web process on {self.url} exited during start-up "
                                   f"(code {self.proc.returncode})")
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1).read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the web process on {self.url} did not answer /healthz within 60 s")
                time.sleep(0.1)

    def rss_mb(self) -> dict:
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = round(int(value.split()[0]) / 1024, 1)
        return {"rss_mb": fields.get("VmRSS"), "peak_rss_mb": fields.get("VmHWM")}

    def cpu_seconds(self) -> float:
        """User + system CPU time the web process has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def terminate(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()

    def stop(self) -> None:
        self.terminate()
        if self.proc.returncode is None:
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class WebServers:
    """`count` web processes as deployed behind a load balancer: the same environment (database, Redis,
    SOCKETIO_CHANNEL, secrets), each on its own port. CPU is summed over them, RSS read per process."""

    def __init__(self, env: dict, cleanup: Cleanup, count: int = 1):
        env = {"SOCKETIO_CHANNEL": f"fieldops-bench-{os.getpid()}", **env}  # one channel for all of them
        self.servers: list[WebServer] = []
        cleanup.add("stop the web processes", self.stop)  # first: a failed start-up still stops the others
        ports = set()
        for _ in range(count):
            port = services.free_port()
            while port in ports:
                port = services.free_port()
            ports.add(port)
            self.servers.append(WebServer(env, None, port=port, wait=False))
        for server in self.servers:  # started together, waited for in turn
            server.wait_ready()
        self.urls = [s.url for s in self.servers]
        self.url = self.urls[0]

    def __len__(self) -> int:
        return len(self.servers)

    def describe(self) -> str:
        return ", ".join(f"pid {s.proc.pid} on {s.url}" for s in self.servers)

    def cpu_seconds(self) -> float:
        """CPU time of all web processes together."""
        return sum(s.cpu_seconds() for s in self.servers)

    def rss_mb(self) -> dict:
        """The largest RSS and peak RSS of the web processes, and each process's."""
        each = [{"pid": s.proc.pid, **s.rss_mb()} for s in self.servers]
        return {"rss_mb": max(e["rss_mb"] for e in each), "peak_rss_mb": max(e["peak_rss_mb"] for e in each),
                "per_process": each}

    def stop(self) -> None:
        for server in self.servers:  # all told at once, then waited for
            server.terminate()
        for server in self.servers:
            server.stop()
