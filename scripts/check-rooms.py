#!/usr/bin/env python3
"""Holds the package to ARCHITECTURE.md's rooms, from what SwiftPM itself reads of Package.swift
(`swift package dump-package`), not from our reading of it:

- the function side never depends on a runner module, and what a function links stays free of
  Foundation's modules (checked by scripts/check-deployment.sh on the binaries);
- the runner's rooms depend only downwards: Emulation, then Template, then Lambda and API Gateway
  side by side, then the command line;
- the API Gateway room reaches no socket module (RaidHubHTTPServer, CLinuxEvents), directly or
  through another module;
- no module, test targets included, is over 2,000 lines;
- the suites keep the rooms: the API Gateway suite reaches no socket module, and the Lambda suite
  and the runner's shared test support reach neither the gateway nor the command line;
- every target imports only package modules it declares as dependencies (SwiftPM builds an
  undeclared one whenever another target happened to need it first).

    scripts/check-rooms.py      (from the package's root)"""
import json, os, re, subprocess, sys

ROOMS = ["RaidHubEmulation", "RaidHubTemplate", "RaidHubChildProcess", "RaidHubLambdaEmulator", "RaidHubAPIGatewayEmulator", "RaidHubLocalRunner"]
# What each room may depend on among the runner's rooms: those below it, the two emulators not on each other.
MAY = {
    "RaidHubEmulation": set(),
    "RaidHubTemplate": {"RaidHubEmulation"},
    "RaidHubChildProcess": set(),
    "RaidHubLambdaEmulator": {"RaidHubEmulation", "RaidHubTemplate", "RaidHubChildProcess"},
    "RaidHubAPIGatewayEmulator": {"RaidHubEmulation", "RaidHubTemplate"},
    "RaidHubLocalRunner": set(ROOMS) - {"RaidHubLocalRunner"},
}
SOCKETS = {"RaidHubHTTPServer", "CLinuxEvents"}
FUNCTION_SIDE = ["RaidHubTime", "RaidHubJSON", "RaidHubJWT", "RaidHubAuth", "RaidHubHTTP", "RaidHubLambda", "RaidHubAPIGateway",
                 "RaidHubFunctions", "RaidHubBungie", "authorize-user", "authorize-admin", "authorizer", "whoami", "authorize-bungie"]
MAXIMUM_LINES = 2000

package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True, capture_output=True, text=True).stdout)
targets = {t["name"]: t for t in package["targets"]}


def direct(name):
    names = []
    for dependency in targets[name].get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dependency:
                names.append(dependency[kind][0])
    return names


def closure(name, seen=None):
    seen = set() if seen is None else seen
    for dependency in direct(name):
        if dependency not in seen and dependency in targets:
            seen.add(dependency)
            closure(dependency, seen)
    return seen


problems = []
for room in ROOMS:
    if room not in targets:
        problems.append(f"{room}: not a target of Package.swift")
        continue
    wrong = (set(direct(room)) & set(ROOMS)) - MAY[room]
    if wrong:
        problems.append(f"{room} depends on {', '.join(sorted(wrong))}, above it or beside it")
reached = closure("RaidHubAPIGatewayEmulator") & SOCKETS
if reached:
    problems.append(f"RaidHubAPIGatewayEmulator reaches the socket modules {', '.join(sorted(reached))}")
# The suites keep the rooms too: the gateway's without sockets; the Lambda suite, and the shared
# runner test support it uses, beneath the gateway and the command line (so they build and fail
# without them).
SUITE_RULES = [
    ("RaidHubAPIGatewayEmulatorTests", SOCKETS, "socket modules"),
    ("RaidHubLambdaEmulatorTests", {"RaidHubAPIGatewayEmulator", "RaidHubLocalRunner"}, "rooms above Lambda"),
    ("RaidHubRunnerTestSupport", {"RaidHubAPIGatewayEmulator", "RaidHubLocalRunner"}, "rooms above Lambda"),
]
for suite, forbidden, what in SUITE_RULES:
    if suite not in targets:
        problems.append(f"{suite} is not a target: update scripts/check-rooms.py with the package")
        continue
    reached = closure(suite) & forbidden
    if reached:
        problems.append(f"{suite} reaches the {what} {', '.join(sorted(reached))}")
for name in FUNCTION_SIDE:
    runner = closure(name) & (set(ROOMS) | {"RaidHubHTTPServer", "CLinuxEvents", "CLinuxSpawn", "CLinuxThreads", "RaidHubYAML"})
    if runner:
        problems.append(f"{name} (function side) depends on the runner's {', '.join(sorted(runner))}")
def folder_of(name):
    target = targets[name]
    return target.get("path") or ("Tests/" if target["type"] == "test" else "Sources/") + name


# Every target counts, test targets too: a suite is read by a newcomer as much as its module.
for name in sorted(targets):
    lines = 0
    for folder, _, files in os.walk(folder_of(name)):
        for file in files:
            if file.endswith((".swift", ".c", ".h")):
                with open(os.path.join(folder, file), encoding="utf-8") as handle:
                    lines += sum(1 for _ in handle)
    if lines > MAXIMUM_LINES:
        problems.append(f"{name}: {lines} lines, over {MAXIMUM_LINES}")
for name, target in targets.items():
    folder = folder_of(name)
    modules = {other.replace("-", "_"): other for other in targets}
    for root, _, files in os.walk(folder):
        for file in files:
            if not file.endswith(".swift"):
                continue
            with open(os.path.join(root, file), encoding="utf-8") as handle:
                imported = re.findall(r"^(?:@testable |@preconcurrency )?import (\w+)", handle.read(), re.M)
            for module in imported:
                if module in modules and modules[module] != name and modules[module] not in direct(name):
                    problems.append(f"{os.path.join(root, file)} imports {module}, which {name} does not declare as a dependency")
for problem in problems:
    print(f"error: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"rooms: {len(ROOMS)} runner modules in order, API Gateway (and its suite) without sockets, the Lambda suite and its support below the gateway, "
      f"the function side without the runner, no module over {MAXIMUM_LINES} lines")
