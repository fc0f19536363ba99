#!/usr/bin/env python3
"""Drives a running `seedance simulator` with the official Volcengine Ark Python SDK, unmodified.

Usage: python3 drive_simulator.py BASE_URL        (BASE_URL as the simulator prints it: http://127.0.0.1:PORT/api/v3)
Needs: pip install volcengine-python-sdk   (the `volcenginesdkarkruntime` package; the `[ark]` extra is optional)
Prints one line per step and `N passed, N failed` at the end; exits non-zero when a step failed.
"""
import sys
import time

from volcenginesdkarkruntime import Ark

base_url = sys.argv[1]
client = Ark(base_url=base_url, api_key="sdk-test-key")
passed = failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


model = "doubao-seedance-2-0-260128"
created = client.content_generation.tasks.create(
    model=model,
    content=[{"type": "text", "text": "a paper boat on a pond --dur 4"}],
    resolution="480p",
    ratio="16:9",
    generate_audio=True,
    watermark=False,
    return_last_frame=True,
)
check("create returns an id", created.id.startswith("cgt-"), repr(created))

task = client.content_generation.tasks.get(task_id=created.id)
check("get returns the task", task.id == created.id and task.status in ("queued", "running", "succeeded"), repr(task))

deadline = time.time() + 60
while task.status in ("queued", "running") and time.time() < deadline:
    time.sleep(0.2)
    task = client.content_generation.tasks.get(task_id=created.id)
check("task succeeds", task.status == "succeeded", repr(task))
check("video_url is set", bool(task.content and task.content.video_url), repr(task.content))
check("last_frame_url is set", bool(task.content and task.content.last_frame_url), repr(task.content))
check("usage follows the token formula", task.usage and task.usage.completion_tokens == 864 * 496 * 97 // 1024,
      repr(task.usage))
check("duration from the prompt flag", task.duration == 4, repr(task.duration))

listing = client.content_generation.tasks.list(page_num=1, page_size=10, status="succeeded", task_ids=[created.id])
check("list filters by task_ids and status", listing.total == 1 and listing.items[0].id == created.id, repr(listing))

client.content_generation.tasks.delete(task_id=created.id)
try:
    client.content_generation.tasks.get(task_id=created.id)
    check("deleted task is gone", False, "get still answered")
except Exception as error:  # the SDK raises its NotFoundError
    check("deleted task is gone", getattr(error, "status_code", None) == 404, repr(error))

try:
    client.content_generation.tasks.create(model=model, content=[{"type": "text", "text": "x"}], duration=99)
    check("invalid duration is refused", False, "accepted")
except Exception as error:
    check("invalid duration is refused", getattr(error, "status_code", None) == 400 and "duration" in str(error),
          repr(error))

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
