"""Child processes (web server, worker) that share the test app's database, Redis and secrets."""
import os
import subprocess

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
