#!/usr/bin/env bash
# docs/deploy.md's secret steps, run as written against a stand-in for AWS: moto's server on
# 127.0.0.1 with the real AWS CLI. Runs the blocks the page marks `<!-- ci: ... -->` (storing the
# secret, and the rotation's new version), reads the secret back, checks it against the template's
# dynamic references and SecretVersion's pattern, and checks every `sam deploy` line of the docs
# with SAM CLI's own parser (scripts/check-deploy-commands.py).
#
# Needs `aws` and `moto_server` (.ci/run installs both into .tools/aws) and SAM CLI's Python in
# SAM_PYTHON (.tools/sam). Without them it says so and stops with success: nothing was checked.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
aws_bin=${AWS_TOOLS:-$root/.tools/aws/bin}
if [ ! -x "$aws_bin/aws" ] || [ ! -x "$aws_bin/moto_server" ]; then
  echo "skipped: the AWS CLI and moto's server are not installed (.ci/run puts them in .tools/aws)"
  exit 0
fi
export PATH="$aws_bin:$PATH"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null || true; wait "$moto" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  kill -0 "$moto" 2>/dev/null || { cat "$work/moto.log"; exit 1; }
  sleep 0.1
done
# Dummy credentials: moto accepts any; nothing leaves the machine.
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
# What a person types at the prompts, given the way automation gives it: made-up values for this
# run against moto only; no function or template reads them, and production has no default.
export BUNGIE_CLIENT_SECRET=ci-bungie-client-secret BUNGIE_API_KEY=ci-bungie-api-key

block() {  # LABEL: the shell block after `<!-- ci: LABEL` in docs/deploy.md, as written
  python3 - "$1" "$root/docs/deploy.md" <<'PY'
import re, sys
text = open(sys.argv[2], encoding="utf-8").read()
match = re.search(r"<!-- ci: " + re.escape(sys.argv[1]) + r"\b.*?-->\s*```sh\n(.*?)```", text, re.S)
if not match:
    sys.exit(f"docs/deploy.md has no block marked 'ci: {sys.argv[1]}'")
print("\n".join(line[3:] if line.startswith("   ") else line for line in match.group(1).splitlines()))
PY
}
run_block() {  # LABEL: runs it in a folder of its own (the files it writes stay there), with the project's scripts
  mkdir -p "$work/$1" && ln -sfn "$root/scripts" "$work/$1/scripts"
  block "$1" >"$work/$1.sh"
  (cd "$work/$1" && bash -euo pipefail "$work/$1.sh")
}

echo "== scripts/make-secret.py on a terminal: asks without echo, writes mode 600"
(cd "$work" && env -u BUNGIE_CLIENT_SECRET -u BUNGIE_API_KEY python3 - "$root/scripts/make-secret.py" <<'PY'
import json, os, pty, stat, sys
typed = {"Bungie OAuth client secret: ": "typed-client-secret", "Bungie API key: ": "typed-api-key"}
pid, terminal = pty.fork()
if pid == 0:
    os.execvp(sys.executable, [sys.executable, sys.argv[1], "terminal.json"])
seen = b""
while True:
    try:
        chunk = os.read(terminal, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
    for prompt, answer in typed.items():
        if seen.endswith(prompt.encode()):
            os.write(terminal, answer.encode() + b"\n")
_, status = os.waitpid(pid, 0)
problems = []
if os.waitstatus_to_exitcode(status) != 0:
    problems.append(f"make-secret exited {os.waitstatus_to_exitcode(status)}: {seen!r}")
if any(answer.encode() in seen for answer in typed.values()):
    problems.append("what was typed was echoed to the terminal")
mode = stat.S_IMODE(os.stat("terminal.json").st_mode)
if mode != 0o600:
    problems.append(f"terminal.json has mode {oct(mode)}, not 600")
secret = json.load(open("terminal.json"))
if (secret["BUNGIE_CLIENT_SECRET"], secret["BUNGIE_API_KEY"]) != ("typed-client-secret", "typed-api-key"):
    problems.append("what was typed is not what was written")
for problem in problems:
    print(problem)
print(f"make-secret on a terminal: asked {len(typed)} questions without echo, wrote mode {oct(mode)}: {len(problems)} problems")
sys.exit(1 if problems else 0)
PY
)

echo "== docs/deploy.md step 1, as written, against moto"
first=$(run_block "step 1")
echo "VersionId $first"
[ ! -e "$work/step 1/secret.json" ] || { echo "step 1 left secret.json behind" >&2; exit 1; }
echo "== docs/deploy.md rotation step 1, as written, against moto"
second=$(run_block "rotation")
echo "VersionId $second"

echo "== the secret against the template"
python3 - "$first" "$second" <<'PY'
import json, re, subprocess, sys
first, second = sys.argv[1], sys.argv[2]
def secret(version):
    out = subprocess.run(["aws", "secretsmanager", "get-secret-value", "--secret-id", "raidhub/authorization",
                          "--version-id", version, "--query", "SecretString", "--output", "text"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)
template = open("template.yaml", encoding="utf-8").read()
name = re.search(r"SecretName:\s*\n\s*Type: String\s*\n\s*Default: (\S+)", template).group(1)
pattern = re.search(r"SecretVersion:\s*\n\s*Type: String\s*\n\s*AllowedPattern: '([^']+)'", template).group(1)
keys = set(re.findall(r"\{\{resolve:secretsmanager:\$\{SecretName\}:SecretString:([A-Z_]+)::", template))
problems = []
if name != "raidhub/authorization":
    problems.append(f"the template's SecretName default {name} is not the name docs/deploy.md creates")
old, new = secret(first), secret(second)
for version in (first, second):
    if not re.fullmatch(pattern, version):
        problems.append(f"VersionId {version} does not fit SecretVersion's pattern {pattern}")
missing = keys - set(old)
if missing:
    problems.append(f"the secret lacks {sorted(missing)}, which the template resolves")
if old["JWT_SECRET"] == new["JWT_SECRET"] or len(new["JWT_SECRET"]) < 32:
    problems.append("the rotation did not put a new JWT_SECRET of at least 32 bytes")
if {k: v for k, v in old.items() if k != "JWT_SECRET"} != {k: v for k, v in new.items() if k != "JWT_SECRET"}:
    problems.append("the rotation changed more than JWT_SECRET")
if old["BUNGIE_CLIENT_SECRET"] != "ci-bungie-client-secret" or old["CLIENT_SECRET"] == old["ADMIN_CLIENT_SECRET"]:
    problems.append("step 1 did not store what it was given, or drew the same client and admin secrets")
for problem in problems:
    print(problem)
print(f"secret {name}: {len(keys)} keys the template resolves, versions {first} and {second}: {len(problems)} problems")
sys.exit(1 if problems else 0)
PY

echo "== every sam deploy line of the docs, with SAM CLI's parser"
"${SAM_PYTHON:-python3}" scripts/check-deploy-commands.py docs/deploy.md README.md
