"""Real web processes (`python -m web.server`: eventlet, Socket.IO) beside the test app, on free
ports, sharing its database, Redis and secrets: as many as a test needs, each with its own env."""
import socket
import subprocess
import sys
import time
import urllib.request

from tests.support.processes import ROOT, process_env, stop


def free_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def start_web_process(app, **env) -> tuple[subprocess.Popen, str]:
    """(the process, its base URL) once it answers /healthz; stop it with processes.stop."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "web.server"], cwd=ROOT,
                            env=process_env(app, PORT=str(port), HOST="127.0.0.1", LOG_LEVEL="WARNING", **env))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        assert proc.poll() is None, "the web process exited during start-up"
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    stop(proc)
    raise RuntimeError("web process did not start")
