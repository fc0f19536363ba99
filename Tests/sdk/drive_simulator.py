#!/usr/bin/env python3
"""Drives a running `seedance simulator` with an official Ark Python SDK, unmodified.

Usage: python3 drive_simulator.py BASE_URL [volcengine|byteplus]
  BASE_URL as the simulator prints it (http://127.0.0.1:PORT/api/v3); the SDK defaults to volcengine.
Needs: pip install volcengine-python-sdk byteplus-python-sdk-v2  (scripts/install-test-tools.sh does it in a venv);
  their runtimes are `volcenginesdkarkruntime` and `byteplussdkarkruntime`.
Prints one line per step and `N passed, N failed` at the end; exits non-zero when a step failed.
"""
import sys
import time

base_url = sys.argv[1]
sdk = sys.argv[2] if len(sys.argv) > 2 else "volcengine"
if sdk == "byteplus":
    from byteplussdkarkruntime import Ark
else:
    from volcenginesdkarkruntime import Ark

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
raw = client.content_generation.tasks.with_raw_response.create(
    model=model,
    content=[{"type": "text", "text": "a paper boat on a pond --dur 4"}],
    resolution="480p",
    ratio="16:9",
    generate_audio=True,
    watermark=False,
    return_last_frame=True,
    safety_identifier="end-user-7f3a",
)
sent_id = raw.http_response.request.headers.get("X-Client-Request-Id")
check("the request id comes back", bool(raw.request_id) and raw.request_id == sent_id, f"{raw.request_id!r} {sent_id!r}")
created = raw.parse()
check("create returns an id", created.id.startswith("cgt-"), repr(created))
check("create returns the safety_identifier", created.safety_identifier == "end-user-7f3a", repr(created))

task = client.content_generation.tasks.get(task_id=created.id)
check("get returns the task", task.id == created.id and task.status in ("queued", "running", "succeeded"), repr(task))
check("the task has the safety_identifier", task.safety_identifier == "end-user-7f3a", repr(task))

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
tier = client.content_generation.tasks.list(page_num=1, page_size=10, service_tier="default")
flex = client.content_generation.tasks.list(page_num=1, page_size=10, service_tier="flex")
check("list filters by service_tier", tier.total == 1 and flex.total == 0, f"{tier.total} {flex.total}")

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
