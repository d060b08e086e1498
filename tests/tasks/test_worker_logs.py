"""Worker and beat, started with the Procfile's own command lines, log one JSON
object per line on stdout, as web does; the lines a task logs carry the id of the
request that started it.

A module of its own: its worker consumes every queue."""
import json
import os
import shlex
import subprocess
import sys

import pytest

from tests.support.dispatch import Board
from tests.support.processes import ROOT, process_env, stop
from tests.support.waiting import wait_for

EXPORTS, JOBS = "/api/v1/admin/exports", "/api/v1/admin/jobs"


def procfile_command(process: str) -> str:
    with open(os.path.join(ROOT, "Procfile")) as procfile:
        for line in procfile:
            name, _, command = line.partition(":")
            if name.strip() == process:
                return command.strip()
    raise LookupError(process)


def json_lines(path) -> list[dict]:
    """Every whole line written so far, parsed; fails the test on a line that is not a JSON object."""
    lines = [line for line in path.read_text().split("\n")[:-1] if line.strip()]
    parsed = [json.loads(line) for line in lines]
    assert all(isinstance(entry, dict) for entry in parsed)
    return parsed


@pytest.fixture
def run_procfile(app, tmp_path):
    """Run a Procfile process as honcho would (a shell, the process's environment), stdout to a file."""
    started = []

    def run(process: str, *extra_args: str, **env):
        out = tmp_path / f"{process}.out"
        command = " ".join([procfile_command(process), *map(shlex.quote, extra_args)])
        path = f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"  # the venv's celery
        with open(out, "w") as stdout:
            started.append(subprocess.Popen(["sh", "-c", f"exec {command}"], cwd=ROOT, stdout=stdout,
                                            env=process_env(app, PATH=path, **env)))
        return out

    yield run
    for proc in started:
        stop(proc)


def test_a_tasks_log_lines_are_json_and_carry_the_request_id_that_started_it(client, auth, app, run_procfile):
    name = f"logs-{os.getpid()}"
    out = run_procfile("worker", HONCHO_PROCESS_NAME=name, WORKER_CONCURRENCY="1")
    wait_for(lambda: any(e["message"].startswith(f"{name}@") and e["message"].endswith(" ready.")
                         for e in json_lines(out)), timeout=60, interval=0.2)
    Board(client, auth.a).customer("Acme")

    r = client.post(EXPORTS, headers=auth.a.headers(**{"X-Request-ID": "abc123"}),
                    json={"resource": "customers", "format": "csv"})
    assert r.status_code == 202 and r.headers["X-Request-ID"] == "abc123"
    job_id = r.get_json()["data"]["job_id"]
    wait_for(lambda: client.get(f"{JOBS}/{job_id}", headers=auth.a.headers()).get_json()["data"]["status"]
             == "succeeded", timeout=30)

    def task_lines():
        return [entry for entry in json_lines(out) if entry.get("task_id") == job_id]

    lines = wait_for(lambda: (lambda found: found if any("succeeded" in e["message"] for e in found) else None)(
        task_lines()), timeout=10)
    assert {entry["request_id"] for entry in lines} == {"abc123"}
    assert {entry["task_name"] for entry in lines} == {"exports.run"}
    assert all({"time", "level", "logger"} <= entry.keys() for entry in lines)


def test_beat_logs_json_lines(app, run_procfile, tmp_path):
    out = run_procfile("beat", "--schedule", str(tmp_path / "celerybeat-schedule"))
    entries = wait_for(lambda: (lambda found: found if any(e["message"] == "beat: Starting..." for e in found)
                                else None)(json_lines(out)), timeout=60, interval=0.2)
    assert all(entry["logger"].startswith("celery") and entry["level"] for entry in entries)
