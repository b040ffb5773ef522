"""Wall time of whole processes answering one event on stdin: the cold start of a function.

  python3 Benchmarks/cold_start.py RUNS EVENT_FILE -- NAME=COMMAND...

Prints, per command, the minimum and median over RUNS runs, in milliseconds. The environment is
passed through (set the function's variables before calling).
"""
import statistics
import subprocess
import sys
import time

runs, event = int(sys.argv[1]), open(sys.argv[2], "rb").read()
commands = [argument.split("=", 1) for argument in sys.argv[sys.argv.index("--") + 1:]]
for name, command in commands:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, shell=True, input=event, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append((time.perf_counter() - started) * 1000)
    print(f"{name:<44}min {min(times):7.2f} ms   median {statistics.median(times):7.2f} ms")
