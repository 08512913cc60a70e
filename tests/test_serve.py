"""`turnabout serve` (what `make run` starts): pages and worker; Ctrl-C or kill stops both."""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serve_answers_then_a_stop_signal_ends_server_and_worker(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    env = {
        **os.environ,
        "TURNABOUT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "DEBUG": "1",
    }
    cli = [sys.executable, "-m", "turnabout.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:
                    status = page.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200
        server.send_signal(stop_signal)
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0
    assert f"Turnabout is running at http://127.0.0.1:{port}/" in output
    assert "Task workers started (default and matching queues; pids " in output
    pids = output.split("queues; pids ", 1)[1].split(")", 1)[0].split(", ")
    assert len(pids) == 2  # one worker per queue: match runs never wait behind emails
    for worker_pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(int(worker_pid), 0)  # the workers are gone too


def test_worker_runs_the_reminder_tick_on_its_own_schedule(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TURNABOUT_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    cli = [sys.executable, "-m", "turnabout.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True, timeout=120)
    worker = subprocess.Popen(
        [*cli, "worker", "--tick-every", "0.5"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None
        deadline = time.monotonic() + 60
        seen = ""
        while time.monotonic() < deadline and "No reminders due." not in seen:
            ready, _, _ = select.select([worker.stdout], [], [], 1.0)
            if ready:
                seen += worker.stdout.readline()
        assert "No reminders due." in seen
        worker.send_signal(signal.SIGINT)
        worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0
