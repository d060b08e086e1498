"""Child processes (web server, worker) that share the test app's database, Redis and secrets."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUEUES = ["default", "exports", "media", "notifications", "maintenance"]


def process_env(app, **extra):
    """Environment for a child process that shares the test app's database, Redis and secrets."""
    return {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": app.config["REDIS_URL"],
            "SECRET_KEY": app.config["SECRET_KEY"], "JWT_SECRET_KEY": app.config["JWT_SECRET_KEY"],
            "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"], **extra}


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def start_worker_machine(app, name: str, queues: list[str], **env):
    """A real prefork worker (one pool process) in a session of its own, so that a test can kill its
    whole process group at once, as a machine dies. Returns once it answers a ping."""
    from tests.support.waiting import wait_for

    hostname = f"{name}-{os.getpid()}@test"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "web.worker", "worker", "--pool=prefork", "--concurrency=1",
         "--loglevel=WARNING", "-Q", ",".join(queues), "--hostname", hostname, "--without-mingle",
         "--without-gossip"],
        env=process_env(app, **env), cwd=ROOT, start_new_session=True)
    celery = app.extensions["celery"]
    wait_for(lambda: proc.poll() is None and celery.control.inspect([hostname], timeout=0.5).ping(), 60)
    return proc
