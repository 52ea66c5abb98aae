"""A redis-server of the test's own, on a free port, so fault tests can stop, pause and
restart it without touching the Redis other tests and people use."""

import os
import shutil
import signal
import socket
import subprocess
import time

import redis

from tests.conftest import need


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    def __init__(self):
        need("redis", bool(shutil.which("redis-server")), "needs the redis-server program")
        self.port = _free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process:
            self.thaw()
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self, milliseconds: int):
        """Every client's commands wait this long, as under a stalled Redis."""
        redis.Redis(port=self.port).execute_command("CLIENT", "PAUSE", str(milliseconds))

    def unpause(self):
        redis.Redis(port=self.port).execute_command("CLIENT", "UNPAUSE")

    def freeze(self):
        """Stop the process as ``docker compose pause`` does: connections are still
        accepted by the kernel, but nothing answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.kill(self.process.pid, signal.SIGCONT)

    def queued(self):
        return redis.Redis(port=self.port).llen("celery")
