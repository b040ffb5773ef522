#!/usr/bin/env python3
"""Writes the JSON of RaidHub's Secrets Manager secret (docs/deploy.md, step 1) to FILE, readable
by its owner only, and prints nothing secret.

    python3 scripts/make-secret.py secret.json

JWT_SECRET, CLIENT_SECRET and ADMIN_CLIENT_SECRET are drawn at random (48 random bytes each, 64
characters of base64). Bungie.net's client secret and API key come from BUNGIE_CLIENT_SECRET and
BUNGIE_API_KEY when they are set (CI, automation); otherwise they are asked for on the terminal,
without echo. Without a terminal and without those variables, it stops and says so.
"""
import base64
import getpass
import json
import os
import sys

ASKED = {"BUNGIE_CLIENT_SECRET": "Bungie OAuth client secret", "BUNGIE_API_KEY": "Bungie API key"}


def key():
    return base64.b64encode(os.urandom(48)).decode()


def asked(variable, prompt):
    if os.environ.get(variable):
        return os.environ[variable]
    try:
        # getpass reads /dev/tty with echo off, so the value is neither shown nor in any history.
        with open("/dev/tty"):
            pass
    except OSError:
        sys.exit(f"make-secret: no terminal to ask on: set {' and '.join(ASKED)} in the environment")
    value = getpass.getpass(f"{prompt}: ")
    if not value:
        sys.exit(f"make-secret: {prompt} is empty")
    return value


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-secret.py FILE")
    path = sys.argv[1]
    secret = {
        "JWT_SECRET": key(),            # signs and verifies tokens; at least 32 bytes
        "CLIENT_SECRET": key(),         # the website backend's secret for POST /authorize/user
        "ADMIN_CLIENT_SECRET": key(),   # the admin tool's secret; differs from CLIENT_SECRET
    }
    secret.update({variable: asked(variable, prompt) for variable, prompt in ASKED.items()})
    try:
        # Created with mode 600 from the start, never over an existing file.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        sys.exit(f"make-secret: {path} exists; remove it first (shred -u {path})")
    with os.fdopen(descriptor, "w") as file:
        json.dump(secret, file)
    print(f"make-secret: wrote {path} (mode 600): {', '.join(secret)}", file=sys.stderr)


if __name__ == "__main__":
    main()
