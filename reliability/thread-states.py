#!/usr/bin/env python3
"""Where a running process's threads spend its life: every 10 ms, each thread's state from
/proc (R running or waiting for a core, D waiting on the disk, S asleep), until the process ends.
Prints, per thread (threads of one name with no number of their own summed), the share of samples
in each state and the CPU seconds it used (user + kernel, the last reading of each thread, so a
thread's last 10 ms before it ends may be missed), and how often 0, 1, 2, … threads were running at once: a stage whose thread is R
nearly all its life is the pipeline's bottleneck; samples with fewer running threads than cores
are the cores left idle.

Usage: reliability/thread-states.py PID
  e.g. gongkai bench import corpus.jsonl --data-dir D --no-bare & reliability/thread-states.py $!
"""
import collections
import os
import sys
import time

# Threads whose numbers are kept apart: the SQLite worker of each connection, tantivy's indexers.
KEPT_APART = ("sqlx", "thrd")


def main(pid: str) -> None:
    states = collections.defaultdict(collections.Counter)
    running_at_once = collections.Counter()
    cpu_ticks = {}  # (name, tid) -> latest utime + stime, in clock ticks
    samples = 0
    while os.path.exists(f"/proc/{pid}"):
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            break
        running = 0
        for tid in tids:
            try:
                stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            state = stat[stat.rindex(")") + 2]
            fields = stat[stat.rindex(")") + 2 :].split()
            cpu_ticks[(name, tid)] = int(fields[11]) + int(fields[12])
            states[(name, tid if name.startswith(KEPT_APART) else "")][state] += 1
            running += state in "RD"
        running_at_once[running] += 1
        samples += 1
        time.sleep(0.01)
    if not samples:
        sys.exit(f"no process {pid}")
    print(f"{samples} samples, 10 ms apart; % of the samples per thread and state")
    for (name, tid), c in sorted(states.items(), key=lambda kv: -kv[1]["R"]):
        if c["R"] + c["D"] > samples * 0.02:
            shares = ", ".join(f"{s} {round(v * 100 / samples)}" for s, v in sorted(c.items()))
            print(f"  {name} {tid}: {shares}")
    hz = os.sysconf("SC_CLK_TCK")
    cpu = collections.Counter()
    for (name, tid), ticks in cpu_ticks.items():
        cpu[(name, tid if name.startswith(KEPT_APART) else "")] += ticks / hz
    total = sum(cpu.values())
    print(f"CPU seconds per thread (all threads {total:.1f} s)")
    for (name, tid), s in sorted(cpu.items(), key=lambda kv: -kv[1]):
        if s > total * 0.01:
            print(f"  {name} {tid}: {s:.1f} s ({s * 100 / total:.0f}%)")
    at_once = ", ".join(f"{k}: {round(v * 100 / samples)}" for k, v in sorted(running_at_once.items()))
    print(f"threads running (R or D) at once, % of the samples: {at_once}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
