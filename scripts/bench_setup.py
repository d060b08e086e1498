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


def _sandbox_plain_price(rng):
    """A price the sandbox provider neither declines (cents .13) nor fails transiently (.42)."""
    from decimal import Decimal

    while (cents := rng.randrange(4000, 40000)) % 100 in (13, 42):
        pass
    return Decimal(cents) / 100


def seed_bookings(app, organization_id: int, count: int) -> dict:
    """`count` marketplace bookings of the organization over the last 150 days, in bulk: 8 vendors with
    20 services, 400 consumers, every status, the paid ones with a succeeded card payment; numbered
    BKG-YYYY-NNNN with the year's counter set past them; then ANALYZE."""
    from datetime import timedelta

    from sqlalchemy import insert, text

    from models.core.db import db, utcnow
    from models.core.numbering import NumberCounter
    from models.identity.user import User
    from models.marketplace.booking import STATUSES, Booking
    from models.marketplace.payment import METHODS, BookingPayment
    from models.marketplace.service import Service
    from models.vendors.vendor import Vendor

    rng, t0, now = random.Random(3000), time.perf_counter(), utcnow()
    with app.app_context():
        conn = db.session.connection()
        vendor_ids = conn.execute(insert(Vendor.__table__).returning(Vendor.__table__.c.id), [
            {"organization_id": organization_id, "name": f"Bench Vendor {n}", "email": f"vendor{n}@bench.test",
             "status": "active", "reviews_count": 0, "created_at": now, "updated_at": now} for n in range(8)]
        ).scalars().all()
        services = [(conn.execute(insert(Service.__table__).returning(Service.__table__.c.id).values(
            organization_id=organization_id, vendor_id=vendor_ids[n % 8], name=f"Bench service {n}",
            category="cleaning", price=_sandbox_plain_price(rng), currency="USD",
            duration_minutes=90, is_active=True, created_at=now, updated_at=now)).scalar_one(), vendor_ids[n % 8])
            for n in range(20)]
        prices = dict(conn.execute(text("SELECT id, price FROM services WHERE id = ANY(:ids)"),
                                   {"ids": [sid for sid, _ in services]}).all())
        consumers = conn.execute(insert(User.__table__).returning(User.__table__.c.id), [
            {"organization_id": organization_id, "email": f"consumer{n}@bench.fieldops.test",
             "name": f"Consumer {n:03d}", "role": "customer", "is_active": True, "password_hash": "!",
             "created_at": now} for n in range(400)]).scalars().all()
        bookings, payments = Booking.__table__, BookingPayment.__table__
        for start in range(0, count, 2000):
            rows = []
            for n in range(start, min(count, start + 2000)):
                when = now - timedelta(minutes=n * 7 % (150 * 24 * 60))
                service_id, vendor_id = rng.choice(services)
                status = rng.choice(STATUSES)
                paid = status in ("confirmed", "in_progress", "completed") or rng.random() < 0.3
                rows.append({"organization_id": organization_id, "booking_number": f"BKG-{now.year}-{n + 1:04d}",
                             "status": status, "payment_status": "paid" if paid else "unpaid",
                             "user_id": rng.choice(consumers), "vendor_id": vendor_id, "service_id": service_id,
                             "scheduled_at": when + timedelta(days=rng.randrange(1, 20)), "duration_minutes": 90,
                             "amount": prices[service_id], "currency": "USD", "address": f"{n} Bench Street",
                             "city": "Springfield", "version": 1, "created_at": when, "updated_at": when})
            ids = conn.execute(insert(bookings).returning(bookings.c.id, sort_by_parameter_order=True),
                               rows).scalars().all()
            conn.execute(insert(payments), [
                {"organization_id": organization_id, "booking_id": booking_id, "amount": row["amount"],
                 "currency": "USD", "method": rng.choice(METHODS), "status": "succeeded", "provider": "sandbox",
                 "provider_ref": f"ch_sbx_bench_{booking_id}", "paid_at": row["created_at"],
                 "refunded_amount": 0, "created_at": row["created_at"], "updated_at": row["created_at"]}
                for booking_id, row in zip(ids, rows) if row["payment_status"] == "paid"])
        if count:
            conn.execute(insert(NumberCounter.__table__).values(organization_id=organization_id, prefix="BKG",
                                                                year=now.year, last_number=count))
        db.session.commit()
        with db.engine.connect() as analyze:
            analyze.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("ANALYZE bookings, booking_payments, services, vendors, users"))
    return {"bookings": count, "seconds": round(time.perf_counter() - t0, 1)}


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
