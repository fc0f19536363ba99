"""Drives `seedance mcp` as a real MCP client does, with the official MCP Python SDK, against `seedance simulator`.

Usage: client.py SEEDANCE_BINARY WORK_DIR FIXTURES_DIR. Exits 0 when every check holds; otherwise prints the first
failed check and exits 1. Loopback only: the simulator and the server are started here and stopped at the end.
"""
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request

import mcp.types as types
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

SEEDANCE, WORK, FIXTURES = sys.argv[1], sys.argv[2], sys.argv[3]
KEY = "test-key-0123456789"
# Everything the servers write on stderr (their logs), read back at the end: the key must not be in it.
SERVER_LOG = os.path.join(WORK, "server-stderr.log")
TOOLS = {"estimate", "generate_clip", "run_plan", "get_run", "resume_run", "regenerate_shot", "verify_clip", "probe",
         "thumbnail", "contact_sheet", "concat", "provenance"}
CLIP = {"prompt": "a red kite over a beach", "resolution": "480p", "ratio": "16:9", "duration": 4}
PLAN = ("name: beach\ndefaults: {resolution: 480p, ratio: '16:9', duration: 4}\n"
        "shots:\n  - id: one\n    prompt: a red kite\n  - id: two\n    prompt: a blue kite\n")


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def structured(result):
    check(not result.isError, f"tool error: {result.content[0].text if result.content else result}")
    return result.structuredContent


class Simulator:
    def __init__(self, time_scale):
        self.process = subprocess.Popen([SEEDANCE, "simulator", "--port", "0", "--time-scale", str(time_scale)],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.base_url = self.process.stdout.readline().strip()
        check(self.base_url.startswith("http://127.0.0.1:"), f"the simulator printed {self.base_url!r}")
        self.stats_url = self.base_url.split("/api/")[0] + "/_simulator/stats"

    def creates(self):
        with urllib.request.urlopen(self.stats_url) as answer:
            return json.load(answer)["creates_accepted"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


def server(simulator, root, budget, *extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": WORK, "SEEDANCE_API_KEY": KEY,
           "SEEDANCE_BASE_URL": simulator.base_url}
    return StdioServerParameters(command=SEEDANCE, args=["mcp", "--root", root, "--budget-tokens", str(budget),
                                                         "--poll-interval", "0.1", *extra], env=env)


def connect(parameters):
    """The stdio transport to a server started with `parameters`, its stderr appended to SERVER_LOG."""
    return stdio_client(parameters, errlog=open(SERVER_LOG, "a"))


async def wait_for_run(session, run_id, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = structured(await session.call_tool("get_run", {"run_id": run_id}))
        if not run["running"]:
            return run
        await asyncio.sleep(0.3)
    raise AssertionError(f"run {run_id} still going after {seconds} s")


async def session_with_elicitation(simulator, root):
    asked = []

    async def elicit(context, params):
        asked.append(params.message)
        return types.ElicitResult(action="accept", content={"confirm": True})

    async with connect(server(simulator, root, 5_000_000)) as (read, write):
        async with ClientSession(read, write, elicitation_callback=elicit) as session:
            await session.initialize()
            names = {tool.name for tool in (await session.list_tools()).tools}
            check(TOOLS <= names, f"tools listed: {sorted(names)}")

            estimate = structured(await session.call_tool("estimate", CLIP))
            check(estimate["creates"] == 1 and estimate["estimated_tokens"] > 0, f"estimate: {estimate}")
            check("budget_remaining_tokens" in estimate, "an answer without the budget left")
            check(simulator.creates() == 0, "estimate sent a create")

            progress = []

            async def on_progress(value, total, message):
                progress.append(message)

            clip = structured(await session.call_tool("generate_clip", {**CLIP, "run_id": "kite"},
                                                      progress_callback=on_progress))
            check(clip["state"] == "done" and os.path.isfile(clip["clip"]), f"generate_clip: {clip}")
            check(clip["qa"]["passed"] is True and clip["task_id"], f"generate_clip QA: {clip['qa']}")
            check(clip["poster"] and os.path.isfile(clip["poster"]), "no poster")
            check(simulator.creates() == 1, f"creates after generate_clip: {simulator.creates()}")
            check(len(asked) == 1 and "tokens" in asked[0], f"the user was asked: {asked}")
            check(any(m and "running" in m for m in progress), f"progress: {progress}")
            check(KEY not in json.dumps(clip) and not any(KEY in (m or "") for m in progress), "the key in a result")

            started = structured(await session.call_tool("run_plan", {"plan": PLAN, "run_id": "beach"}))
            check(started["run_id"] == "beach" and started["creates"] == 2, f"run_plan: {started}")
            run = await wait_for_run(session, "beach")
            check(run["done"] == 2 and all(s["state"] == "done" for s in run["shots"]), f"get_run: {run}")
            check(run["final_video"] and os.path.isfile(run["final_video"]), f"final video: {run}")
            check(os.path.isfile(os.path.join(root, "beach", "report.html")), "no report.html")
            check(simulator.creates() == 3, f"creates after run_plan: {simulator.creates()}")

            bad = structured(await session.call_tool("verify_clip", {
                "file": os.path.join(FIXTURES, "qa/v1-size.mp4"), "resolution": "720p", "ratio": "16:9",
                "duration": 5}))
            check(bad["qa"]["passed"] is False and bad["qa"]["failures"], f"verify_clip on a bad clip: {bad}")
            check(bad["qa"]["checks"][0]["verdict"] == "fail", "failures are not first")

            missing = await session.call_tool("verify_clip", {"file": os.path.join(WORK, "missing.mp4"),
                                                              "resolution": "720p", "ratio": "16:9", "duration": 5})
            check(missing.isError and "file" in missing.content[0].text, f"a missing file: {missing}")
            typed = await session.call_tool("thumbnail", {"file": clip["clip"], "output": os.path.join(WORK, "t.jpg"),
                                                          "at": "soon"})
            check(typed.isError and "at" in typed.content[0].text, f"a bad argument: {typed}")
            alive = structured(await session.call_tool("probe", {"files": [clip["clip"]]}))
            check(alive["files"][0]["video"]["width"] > 0, "the server did not answer after an error")

            # Cancellation: the create is made, the call is cancelled while the task runs, resume_run collects it.
            before = simulator.creates()
            request_id = session._request_id
            running = asyncio.Event()

            async def on_running(value, total, message):
                if message and ("queued" in message or "running" in message):
                    running.set()

            call = asyncio.create_task(session.call_tool("generate_clip", {**CLIP, "run_id": "cancelled",
                                                                           "prompt": "a slow kite", "duration": 12},
                                                         progress_callback=on_running))
            await asyncio.wait_for(running.wait(), 60)
            await session.send_notification(types.ClientNotification(types.CancelledNotification(
                method="notifications/cancelled",
                params=types.CancelledNotificationParams(requestId=request_id, reason="the user changed their mind"))))
            call.cancel()
            try:
                await call
            except (asyncio.CancelledError, Exception):
                pass
            # The cancel stopped the run (it did not finish by itself): the task is out at the service, not fetched.
            stopped = await wait_for_run(session, "cancelled")
            check(stopped["shots"][0]["state"] not in ("done", "failed") and stopped["shots"][0]["task_id"],
                  f"the cancelled run: {stopped}")
            check(stopped["ending"] and "stopped" in stopped["ending"], f"the cancelled run's ending: {stopped}")
            check(simulator.creates() == before + 1, f"creates at the cancel: {before} -> {simulator.creates()}")
            resumed = None
            deadline = time.monotonic() + 30
            while resumed is None and time.monotonic() < deadline:
                answer = await session.call_tool("resume_run", {"run_id": "cancelled"})
                if not answer.isError:
                    resumed = answer.structuredContent
                else:
                    await asyncio.sleep(0.2)
            check(resumed is not None, "resume_run never took the cancelled run")
            run = await wait_for_run(session, "cancelled")
            check(run["shots"][0]["state"] == "done", f"the cancelled clip after resume: {run}")
            check(simulator.creates() == before + 1, f"creates around the cancel: {before} -> {simulator.creates()}")


async def session_without_elicitation(simulator, root):
    async with connect(server(simulator, root, 1000)) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            before = simulator.creates()
            unconfirmed = await session.call_tool("generate_clip", CLIP)
            check(unconfirmed.isError and "confirm" in unconfirmed.content[0].text, f"unconfirmed: {unconfirmed}")
            over = await session.call_tool("generate_clip", {**CLIP, "confirm": True})
            text = over.content[0].text
            check(over.isError and "budget" in text and "1000" in text, f"over budget: {text}")
            check(simulator.creates() == before, "a create was sent over budget")
            check(not os.path.exists(root) or os.listdir(root) == [], f"refused calls left run folders: {root}")
            check("Budget left: 1000 tokens" in text, f"the budget left is not said in an error: {text}")


async def session_left_mid_run(simulator, root):
    """A client leaves while a run goes on: the server stops it (its state recorded) as it closes."""
    async with connect(server(simulator, root, 5_000_000)) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            started = structured(await session.call_tool("run_plan", {"plan": PLAN, "run_id": "left",
                                                                      "confirm": True}))
            check(started["creates"] == 2, f"run_plan without elicitation: {started}")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                run = structured(await session.call_tool("get_run", {"run_id": "left"}))
                if any(shot["task_id"] for shot in run["shots"]):
                    break
                await asyncio.sleep(0.05)
            check(run["running"] and run["done"] < 2, f"the run was not going on when the client left: {run}")


async def session_after_restart(simulator, root, creates_before_left):
    """A new server on the same root reads the runs the first ones made, and resumes the one a client left without
    creating anything twice; the CLI opens the runs too."""
    async with connect(server(simulator, root, 5_000_000)) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            left = structured(await session.call_tool("get_run", {"run_id": "left"}))
            check(not left["running"] and left["done"] < 2, f"the left run after a restart: {left}")
            structured(await session.call_tool("resume_run", {"run_id": "left", "confirm": True}))
            left = await wait_for_run(session, "left")
            check(left["done"] == 2 and left["final_video"], f"the left run after resume_run: {left}")
            check(simulator.creates() == creates_before_left + 2,
                  f"creates of the left run: {simulator.creates() - creates_before_left}, not 2")
            run = structured(await session.call_tool("get_run", {"run_id": "beach"}))
            check(not run["running"] and run["done"] == 2 and run["final_video"], f"get_run after a restart: {run}")
            clip = structured(await session.call_tool("get_run", {"run_id": "kite"}))
            check(clip["shots"][0]["state"] == "done", f"the clip's run after a restart: {clip}")
            unknown = await session.call_tool("get_run", {"run_id": "no-such-run"})
            check(unknown.isError and "run_id" in unknown.content[0].text, f"an unknown run: {unknown}")
    report = subprocess.run([SEEDANCE, "report", os.path.join(root, "beach")], capture_output=True, text=True)
    check(report.returncode == 0 and "report.html" in report.stdout, f"seedance report: {report.stderr}")


async def main():
    simulator = Simulator(0.05)
    try:
        await session_with_elicitation(simulator, os.path.join(WORK, "runs"))
        await session_without_elicitation(simulator, os.path.join(WORK, "runs-small"))
        creates_before_left = simulator.creates()
        await session_left_mid_run(simulator, os.path.join(WORK, "runs"))
        await session_after_restart(simulator, os.path.join(WORK, "runs"), creates_before_left)
    finally:
        simulator.stop()
    with open(SERVER_LOG) as log:
        check(KEY not in log.read(), "the key in the server's log")
    print("mcp client: every check held")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except BaseException as failure:
        # A check that fails inside the SDK's task groups arrives wrapped in exception groups.
        first = failure
        while isinstance(first, BaseExceptionGroup) and first.exceptions:
            first = first.exceptions[0]
        if not isinstance(first, AssertionError):
            raise
        print(f"mcp client: {first}", file=sys.stderr)
        sys.exit(1)
