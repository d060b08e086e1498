"""Flower as the Procfile runs it (docs/security.md): a real Flower process on a free port,
every page and API behind basic auth, credentials from the environment only."""
import base64
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.processes import ROOT, process_env

CREDENTIALS = "ops:flower-test-password"


def procfile_command(name: str) -> str:
    line = next(line for line in (Path(ROOT) / "Procfile").read_text().splitlines() if line.startswith(f"{name}:"))
    return line.split(":", 1)[1].strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flower_env(app, **extra) -> dict:
    env = process_env(app, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                       FLOWER_ADDRESS="127.0.0.1", **extra)
    env.pop("FLOWER_BASIC_AUTH", None)
    return {**env, **extra}


def get(url: str, credentials: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url)
    if credentials:
        request.add_header("Authorization", "Basic " + base64.b64encode(credentials.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def group_command_lines(pgid: int) -> list[str]:
    """The command lines of the processes of one process group."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.getpgid(int(entry.name)) == pgid:
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ProcessLookupError):
            continue
    return found


def stop_group(proc) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module")
def flower(app, tmp_path_factory):
    """The Procfile's `flower` line, run by a shell as honcho would, in a process group of its own."""
    port = free_port()
    env = flower_env(app, FLOWER_PORT=str(port), FLOWER_BASIC_AUTH=CREDENTIALS)
    log = tmp_path_factory.mktemp("flower") / "flower.log"
    with open(log, "wb") as output:
        proc = subprocess.Popen(["bash", "-c", procfile_command("flower")], cwd=ROOT, env=env,
                                start_new_session=True, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        assert proc.poll() is None, f"Flower exited during start-up: {log.read_text()[-2000:]}"
        try:
            if get(f"{url}/api/workers", CREDENTIALS)[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.2)
    else:
        stop_group(proc)
        raise RuntimeError("Flower did not start")
    yield url, proc
    stop_group(proc)


@pytest.mark.parametrize("path", ["/metrics", "/healthcheck", "/api/workers", "/workers"])
def test_flower_pages_ask_for_the_basic_auth_credentials(flower, path):
    url, _ = flower
    status, _ = get(f"{url}{path}")
    assert status == 401
    assert get(f"{url}{path}", "ops:wrong-password")[0] == 401
    status, body = get(f"{url}{path}", CREDENTIALS)
    assert status == 200
    if path == "/healthcheck":
        assert body == b"OK"
    if path == "/metrics":
        assert b"flower_" in body


def test_the_credentials_stay_off_the_command_line(flower):
    _, proc = flower
    command_lines = " | ".join(group_command_lines(proc.pid))
    assert "--max-tasks=10000" in command_lines and "flower-test-password" not in command_lines


@pytest.mark.parametrize("credentials, args, complaint", [
    (None, [], "FLOWER_BASIC_AUTH is not set"),
    ("", [], "FLOWER_BASIC_AUTH is not set"),
    ("no-password-here", [], "must be user:password"),
    (CREDENTIALS, ["--basic-auth=ops:visible-in-ps"], "not on the command line"),
])
def test_flower_refuses_to_start_without_credentials_from_the_environment(app, credentials, args, complaint):
    extra = {"FLOWER_BASIC_AUTH": credentials} if credentials is not None else {}
    done = subprocess.run([sys.executable, "-m", "web.flower_app", f"--port={free_port()}", *args], cwd=ROOT,
                          env=flower_env(app, **extra), capture_output=True, timeout=60)
    assert done.returncode != 0
    assert complaint in done.stderr.decode()
