#!/usr/bin/env bash
# The README's debugger recipe, followed by a script: local-runner starts authorize-user under
# lldb-server, lldb attaches and sets `breakpoint set --method respond`, a request arrives, and
# lldb must stop there, in TokenEndpoint.respond(to:); the answer comes once it lets go.
# lldb needs the libpython it was built against: when it does not start as is, a Python of that
# version found by pyenv is given to it, as the README says; without one, it says so and skips.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
runner=""
trap '[ -z "$runner" ] || { kill -INT "$runner" 2>/dev/null; wait "$runner" 2>/dev/null || true; }; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
lldb=(lldb)
if ! lldb --version >/dev/null 2>&1; then
  wanted=$(ldd "$(command -v lldb)" | sed -n 's/.*libpython\([0-9.]*\)\.so.* not found.*/\1/p' | head -1)
  prefix=$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}/versions/$wanted".* 2>/dev/null | tail -1 || true)
  if [ -z "$wanted" ] || [ -z "$prefix" ]; then
    echo "skipped: lldb does not start here (it wants libpython${wanted:-?}) and no Python ${wanted:-?} was found to give it"
    exit 0
  fi
  lldb=(env LD_LIBRARY_PATH="$prefix/lib" PYTHONHOME="$prefix" lldb)
  echo "lldb gets Python $wanted from $prefix, as the README says"
fi
swift build --product authorize-user >/dev/null
swift build --product local-runner >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
debug_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.build/debug/local-runner -p "$port" -d "$debug_port" --debug-function AuthorizeUserFunction >"$work/runner.log" 2>&1 &
runner=$!
for _ in $(seq 1 600); do
  grep -q "stopped until a debugger attaches" "$work/runner.log" && break
  kill -0 "$runner" 2>/dev/null || { cat "$work/runner.log"; exit 1; }
  sleep 0.1
done
cat >"$work/commands" <<LLDB
gdb-remote $debug_port
breakpoint set --method respond
continue
frame info
process detach
quit
LLDB
# The request goes out once lldb has attached and set its breakpoint (it says so in its output).
# On a terminal of its own (script(1)), so its lines reach the log as they are written.
script -qfec "$(printf '%q ' "${lldb[@]}" --batch -s "$work/commands" .build/debug/authorize-user)" "$work/lldb.log" >/dev/null 2>&1 </dev/null &
debugger=$!
for _ in $(seq 1 600); do grep -q "Breakpoint 1:" "$work/lldb.log" && break; sleep 0.1; done
curl -s -m 120 -X POST "http://127.0.0.1:$port/authorize/user" \
  -d '{"bungieMembershipId":"12345678","destinyMembershipIds":[],"clientSecret":"development-only-client-secret"}' >"$work/answer.json"
wait "$debugger" || true
if ! grep -q "stop reason = breakpoint 1.1" "$work/lldb.log" || ! grep -q "TokenEndpoint.respond" "$work/lldb.log"; then
  echo "lldb did not stop in TokenEndpoint.respond(to:):" >&2; cat "$work/lldb.log" >&2; echo "the runner said:" >&2; cat "$work/runner.log" >&2; exit 1
fi
grep -q '"success":true' "$work/answer.json" || { echo "no answer after continuing: $(cat "$work/answer.json"); the runner said:" >&2; cat "$work/runner.log" >&2; exit 1; }
echo "lldb stopped at the breakpoint in TokenEndpoint.respond(to:), and the request was answered once it let go"
