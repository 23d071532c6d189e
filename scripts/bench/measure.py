#!/usr/bin/env python3
"""Runs a command and writes its wall time, CPU time and peak RSS in /usr/bin/time -v's labels.

Usage: measure.py OUTPUT COMMAND [ARG...]   (stdin, stdout and stderr are the command's own)

GNU time prints CPU seconds with two decimals: for a run of a quarter second that is a 4% step, too
coarse for a ratio near its target. wait4() gives the child's rusage in microseconds.
"""
import os
import sys
import time

output, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(output, "w") as f:
    minutes, seconds = divmod(wall, 60)
    f.write(f"Elapsed (wall clock) time (h:mm:ss or m:ss): {int(minutes)}:{seconds:09.6f}\n")
    f.write(f"User time (seconds): {usage.ru_utime:.6f}\n")
    f.write(f"System time (seconds): {usage.ru_stime:.6f}\n")
    f.write(f"Maximum resident set size (kbytes): {usage.ru_maxrss}\n")
sys.exit(os.waitstatus_to_exitcode(status))
