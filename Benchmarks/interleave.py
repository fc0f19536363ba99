#!/usr/bin/env python3
"""Times whole commands in interleaved rounds: round 1 runs every command once, round 2 again, and so on.

On a shared or throttled machine the speed drifts over seconds; timing each command's runs back to back (as
hyperfine does) lets the drift land on one command and not the others, and the ratio between them moves with it.
Interleaved, a slow spell hits every command alike, so ratios of medians stay put.

    interleave.py --runs 40 --warmup 3 --export-json out.json 'cmd one' 'cmd two' ...

Each command is split like a shell would (no pipes or redirections); its output goes to /dev/null, and a command
that fails stops the benchmark. The JSON has hyperfine's shape for what bench-frames.sh reads: {"results":
[{"command", "median", "min", "mean", "times"}]}, times in seconds.
"""
import argparse
import json
import os
import shlex
import statistics
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description="Time commands in interleaved rounds.")
    parser.add_argument("--runs", type=int, default=20, help="timed rounds (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    parser.add_argument("--export-json", required=True, help="where to write the results")
    parser.add_argument("commands", nargs="+", help="the commands, one argument each")
    args = parser.parse_args()
    commands = [shlex.split(c) for c in args.commands]
    devnull = os.open(os.devnull, os.O_WRONLY)
    redirect = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    times = [[] for _ in commands]
    for round_number in range(args.warmup + args.runs):
        for i, argv in enumerate(commands):
            start = time.perf_counter()
            pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=redirect)
            _, status = os.waitpid(pid, 0)
            elapsed = time.perf_counter() - start
            if os.waitstatus_to_exitcode(status) != 0:
                print(f"interleave: command failed ({os.waitstatus_to_exitcode(status)}): {args.commands[i]}",
                      file=sys.stderr)
                return 1
            if round_number >= args.warmup:
                times[i].append(elapsed)
    results = [{"command": text, "median": statistics.median(t), "min": min(t), "mean": statistics.fmean(t),
                "times": t} for text, t in zip(args.commands, times)]
    with open(args.export_json, "w") as out:
        json.dump({"results": results}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
