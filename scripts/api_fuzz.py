"""Fuzz the live API from its own OpenAPI document with schemathesis: every operation, every
check, NUL bytes on, once as a technician and once as an owner. Fails on any failure.

    .venv/bin/python scripts/api_fuzz.py [--examples N] [--seed S]

scripts/test runs it after pytest, on the same DATABASE_URL, REDIS_URL and STORAGE_DIR. It
migrates the database, makes an organization of its own (an owner, a technician with an
assigned job, and a user whose sessions the fuzzed `POST /auth/logout` may end), starts
`python -m web.server` on a free port, runs `st run` per role and prints, per run, the
operations tested, the cases generated and the failures by kind. Reports (JSON) are written to
--report-dir. `scripts/api_fuzz_hooks.py` keeps the run honest about state it shares between
cases (see there)."""
import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.services import free_port  # noqa: E402
from web.conventions.openapi import REFUSED_BEYOND_SCHEMA  # noqa: E402

PASSWORD = "fuzz-password-1"
# The fuzzer sends far more requests a minute than a person: limits would only answer 429.
UNLIMITED = {name: "1000000/minute" for name in (
    "LOGIN_RATE_LIMIT_PER_IP", "LOGIN_RATE_LIMIT_PER_EMAIL", "REFRESH_RATE_LIMIT_PER_IP",
    "WORK_RATE_LIMIT_PER_USER", "WORK_RATE_LIMIT_PER_ORGANIZATION", "UPLOAD_RATE_LIMIT_PER_USER",
    "UPLOAD_RATE_LIMIT_PER_ORGANIZATION")} | {"QUEUED_JOBS_PER_KIND": "1000000"}  # no worker runs here


RANDOM_ONLY = "examples,fuzzing"  # schemathesis' phases without coverage (edge values) and stateful
ACCEPTED = ["200", "201", "202", "204", "301", "302", "304", "401", "403", "404", "409", "429"]


def config_file(path: Path, token: str, spec: dict) -> Path:
    """schemathesis.toml: auth through the document's own security scheme (so schemathesis
    knows which header it is, and also tries each operation without it: a plain --header would
    be sent regardless), and the refusals each operation declares beyond its schema (rules
    across fields, on the organization's rows or on a file's bytes, which OpenAPI 3.0 cannot
    state: web.conventions.openapi.refused_beyond_schema), accepted there and nowhere else."""
    lines = ["[auth.openapi.bearerAuth]", f'bearer = "{token}"', ""]
    for path_name, operations in spec["paths"].items():
        for method, operation in operations.items():
            refused = operation.get(REFUSED_BEYOND_SCHEMA, {}) if isinstance(operation, dict) else {}
            if refused:
                lines += ["[[operations]]", f'include-name = "{method.upper()} {path_name}"',
                          f"checks.positive_data_acceptance.expected-statuses = {json.dumps(ACCEPTED + sorted(refused))}",
                          ""]
    path.write_text("\n".join(lines))
    return path

def seed() -> dict:
    """An organization for the fuzzer: tokens of its owner and technician, and the spare user."""
    import flask_migrate

    from models.core import context
    from models.core.db import db
    from models.dispatch.customer import Customer
    from models.dispatch.job import Job
    from models.dispatch.technician import Technician
    from models.identity import sessions
    from models.identity.accounts import register
    from models.identity.user import create_user
    from web import create_app
    from web.auth import issue_access_token

    app = create_app()
    tag = f"{os.getpid()}-{secrets.token_hex(3)}"
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "models" / "migrations"))
        org, owner = register(organization_name=f"Fuzz {tag}", name="Fuzz Owner", email=f"owner-{tag}@fuzz.test",
                              password=PASSWORD)
        with context.acting_as(organization_id=org.id, user_id=owner.id):
            technician = create_user(email=f"tech-{tag}@fuzz.test", name="Fuzz Technician", password=PASSWORD,
                                     role="technician", acting_role="owner")
            spare = create_user(email=f"spare-{tag}@fuzz.test", name="Fuzz Spare", password=PASSWORD,
                                role="dispatcher", acting_role="owner")
            db.session.flush()
            customer = Customer(name="Fuzz Customer", city="Boston")
            crew = Technician(name="Fuzz Technician", user_id=technician.id, status="available")
            db.session.add_all([customer, crew])
            db.session.flush()
            db.session.add(Job(title="Fuzz job", customer_id=customer.id, technician_id=crew.id, status="assigned"))
            tokens = {}
            for role, user in (("owner", owner), ("technician", technician)):
                session, _refresh = sessions.start_session(user)
                tokens[role] = issue_access_token(user, session.id)
            db.session.commit()
        return {"tokens": tokens, "protected_user_ids": [owner.id, technician.id, spare.id],
                "spare_email": spare.email}


def start_server(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "web.server"], cwd=ROOT,
                            env={**env, "PORT": str(port), "HOST": "127.0.0.1", "LOG_LEVEL": "ERROR"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit("api_fuzz: the web process exited during start-up")
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    sys.exit("api_fuzz: the web process did not start")


def fuzz(url: str, role: str, token: str, args, env: dict, spec: dict) -> dict:
    report = Path(args.report_dir) / f"schemathesis-{role}.json"
    config = config_file(Path(args.report_dir) / f"schemathesis-{role}.toml", token, spec)
    # The technician's pass checks refusals: random cases only, not every parameter's edge values
    # (the coverage phase, most of a pass's time), which the owner's pass tries where they are read.
    if role == "technician":
        examples, phases = args.technician_examples, RANDOM_ONLY
    else:
        examples, phases = args.examples, args.phases
    command = [str(Path(sys.executable).parent / "st"), "--config-file", str(config), "run",
               f"{url}/api/v1/openapi.json", "--checks", "all", "--generation-allow-x00", "true",
               *(["--phases", phases] if phases else []),
               "--max-examples", str(examples), "--seed", str(args.seed), "--workers", "1", "--no-color",
               "--generation-database", "none",  # each run from its seed alone, and nothing written into the tree
               "--report", "json", "--report-json-path", str(report)]
    print(f"api_fuzz: schemathesis as {role}, {examples} examples per operation", flush=True)
    done = subprocess.run(command, cwd=ROOT, env={**env, "FUZZ_AUTH_TOKEN": token},
                          stdout=None if args.verbose else subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if not report.exists():
        print(done.stdout or "")
        sys.exit(f"api_fuzz: schemathesis wrote no report (exit code {done.returncode})")
    result = json.loads(report.read_text())
    if done.returncode != 0 and not args.verbose:
        print(done.stdout)
    return result


def summary(role: str, result: dict) -> str:
    failures = {f"{failure['code']} {failure['title']}": failure["count"] for failure in result["failures"]}
    errors = len(result["errors"])
    cases = result["test_cases"]
    return (f"api_fuzz: {role}: {result['operations']['tested']}/{result['operations']['total']} operations, "
            f"{cases['generated']} cases, {sum(failures.values())} failures {failures or ''}, {errors} errors, "
            f"{result['running_time']:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", 15)),
                        help="test cases per operation and phase (default 15, or FUZZ_EXAMPLES)")
    parser.add_argument("--technician-examples", type=int,
                        default=int(os.environ.get("FUZZ_TECHNICIAN_EXAMPLES", 4)),
                        help="the same as the technician, random cases only (default 4, or "
                             "FUZZ_TECHNICIAN_EXAMPLES): most operations refuse that role before reading the "
                             "request, and the owner's pass tries every input the technician's could")
    parser.add_argument("--phases", default=os.environ.get("FUZZ_PHASES", ""),
                        help=f"the owner's schemathesis phases (default all, or FUZZ_PHASES; {RANDOM_ONLY!r}: "
                             "random cases only, a few times faster)")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 20261201)))
    parser.add_argument("--report-dir", default=os.environ.get("FUZZ_REPORT_DIR") or tempfile.mkdtemp(
        prefix="fieldops-fuzz-"))
    parser.add_argument("--roles", default="technician,owner")
    parser.add_argument("--verbose", action="store_true", help="show schemathesis' own output")
    args = parser.parse_args()
    Path(args.report_dir).mkdir(parents=True, exist_ok=True)

    env = {**os.environ, **UNLIMITED, "LOG_LEVEL": "WARNING", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
           "SECRET_KEY": secrets.token_urlsafe(32),
           "JWT_SECRET_KEY": secrets.token_urlsafe(32)}
    os.environ.update(env)
    seeded = seed()
    server, url = start_server(env)
    with urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=30) as answer:
        spec = json.load(answer)
    for path_name, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, why in (operation.get(REFUSED_BEYOND_SCHEMA, {}) if isinstance(operation, dict) else {}).items():
                print(f"api_fuzz: {method.upper()} {path_name} may answer {status} to a schema-valid request: {why}")
    hooks_env = {**env, "PYTHONPATH": str(ROOT), "SCHEMATHESIS_HOOKS": "scripts.api_fuzz_hooks",
                 "FUZZ_BASE_URL": url, "FUZZ_SPARE_EMAIL": seeded["spare_email"], "FUZZ_PASSWORD": PASSWORD,
                 "FUZZ_PROTECTED_USER_IDS": ",".join(map(str, seeded["protected_user_ids"]))}
    failed = False
    try:
        for role in args.roles.split(","):
            result = fuzz(url, role, seeded["tokens"][role], args, hooks_env, spec)
            print(summary(role, result), flush=True)
            failed = failed or bool(result["failures"] or result["errors"])
    finally:
        server.terminate()
        server.wait(timeout=15)
    print(f"api_fuzz: reports in {args.report_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
