"""A real Celery worker process consumes the queue (filesystem broker, or Redis when REDIS_URL
is set, as in CI)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.health import heartbeat_last_seen
from portal.tasks import record_heartbeat

ROOT = Path(__file__).resolve().parents[2]
QUEUE = f"worker-test-{os.getpid()}"


@pytest.mark.slow
def test_a_task_enqueued_by_the_web_process_runs_in_a_separate_worker_process():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.test_settings"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            # A queue of its own: tasks other tests left in the broker are not this test's.
            f"--queues={QUEUE}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert heartbeat_last_seen(source="beat") is None
        record_heartbeat.apply_async(queue=QUEUE)
        # Generous: on a loaded two-core machine the worker takes long to start.
        deadline = time.monotonic() + 120
        while heartbeat_last_seen(source="beat") is None and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read().decode()
            time.sleep(0.2)
        assert heartbeat_last_seen(source="beat") is not None
        # The worker also records its own heartbeat, with no task asking it to.
        assert heartbeat_last_seen(source="worker") is not None
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
