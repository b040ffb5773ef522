#!/usr/bin/env bash
# local-runner start-api (release build) under wrk, next to nginx answering a static 200 in the
# same run (issue #11): POST /authorize/user with 32 keep-alive connections (wrk -t2 -c32), the
# ratio of the two, one connection for latency, then 2,000 idle connections beside a normal
# client (latency and the runner's memory). Also prints the CPU time per request of the runner,
# the functions and wrk, and the ceiling those last two put on any runner. Needs wrk and nginx
# (apt-get install wrk nginx-light).
# Usage: Benchmarks/start-api.sh [SECONDS]   (default 15 per measured run)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
source Benchmarks/release-runner.sh
work=$(mktemp -d)
port=3999
nginx_port=3998
runner=
nginx_pid=
cleanup() {
  [ -n "$runner" ] && { kill -INT "$runner" 2>/dev/null; wait "$runner" 2>/dev/null || true; }
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
start_release_runner "$port"
url="http://127.0.0.1:$port/authorize/user"
summary() { grep -E "Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors|requests in"; }

nginx_rps=
if command -v nginx >/dev/null; then
  # nginx as it ships, reduced to what the comparison needs: two workers (one per core), a
  # static 200, keep-alive, no logging.
  cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log /dev/null;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server { listen 127.0.0.1:$nginx_port; location / { return 200 '{"ok":true}'; } }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work" -g 'daemon off;' &
  nginx_pid=$!
  sleep 0.5
  echo "== nginx $(nginx -v 2>&1 | sed 's/.*\///'), static 200: 32 connections, 2 wrk threads, ${seconds} s"
  nginx_ticks() { local total=0; for worker in $(pgrep -P "$nginx_pid"); do total=$((total + $(awk '{print $14 + $15}' "/proc/$worker/stat"))); done; echo "$total"; }
  nginx_before=$(nginx_ticks)
  out=$(wrk -t2 -c32 -d"${seconds}s" --latency "http://127.0.0.1:$nginx_port/")
  nginx_after=$(nginx_ticks)
  echo "$out" | summary
  nginx_rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  nginx_requests=$(echo "$out" | awk '/requests in/ {print $1}')
  nginx_us=$(python3 -c "print((${nginx_after} - ${nginx_before}) / $(getconf CLK_TCK) / ${nginx_requests} * 1e6)")
else
  echo "nginx is not installed (apt-get install nginx-light): no reference"
fi

wrk -t2 -c32 -d3s -s Benchmarks/post-authorize-user.lua "$url" >/dev/null  # warm every instance
# CPU time (user + system, in clock ticks) of the runner and of its children, the functions.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
children_ticks() { local total=0; for child in $(pgrep -P "$runner"); do total=$((total + $(ticks "$child"))); done; echo "$total"; }
runner_before=$(ticks "$runner"); functions_before=$(children_ticks)
echo "== start-api POST /authorize/user: 32 connections, 2 wrk threads, ${seconds} s"
# wrk's own CPU time comes from /usr/bin/time (%U %S, on the last line of stderr).
out=$(/usr/bin/time -f "wrk-cpu %U %S" wrk -t2 -c32 -d"${seconds}s" --latency -s Benchmarks/post-authorize-user.lua "$url" 2>&1)
runner_after=$(ticks "$runner"); functions_after=$(children_ticks)
echo "$out" | summary
runner_rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
[ -n "$nginx_rps" ] && python3 -c "print(f'start-api / nginx: {float(\"$runner_rps\") / float(\"$nginx_rps\"):.3f}')"
# Where the two cores went, per request, and what no runner could exceed on this machine: the
# functions and wrk need their share whatever the runner does, so even a runner that cost
# nothing would serve at most (cores x 1 s) / (functions + wrk) per second.
requests=$(echo "$out" | awk '/requests in/ {print $1}')
wrk_seconds=$(echo "$out" | awk '/^wrk-cpu/ {print $2 + $3}')
python3 - "$requests" "$((runner_after - runner_before))" "$((functions_after - functions_before))" "$wrk_seconds" "$(getconf CLK_TCK)" "$(nproc)" "${nginx_rps:-0}" "${nginx_us:-0}" <<'PY'
import sys
requests, runner, functions, wrk, hz, cores, nginx = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
nginx_us = float(sys.argv[8])
per = lambda seconds: seconds / requests * 1e6
runner_us, functions_us, wrk_us = per(runner / hz), per(functions / hz), per(wrk)
print(f"CPU per request: runner {runner_us:.0f} us, functions {functions_us:.0f} us, wrk {wrk_us:.0f} us")
ceiling = cores * 1e6 / (functions_us + wrk_us)
line = f"ceiling for any runner on {cores} cores (functions + wrk alone): {ceiling:,.0f} req/s"
print(line + (f" = {ceiling / nginx:.3f} of nginx" if nginx else ""))
if nginx:
    # The runner reads and writes three HTTP messages per request where nginx reads and
    # writes one (the caller's; the event to /next; the 202 to /response): a runner exactly as
    # lean as nginx per message would still cost three times nginx's CPU per request.
    lean = cores * 1e6 / (functions_us + wrk_us + 3 * nginx_us)
    print(f"nginx's own CPU per request {nginx_us:.1f} us; a runner as lean as nginx per message: {lean:,.0f} req/s = {lean / nginx:.3f} of nginx")
PY

echo "== start-api, 1 connection, 10 s"
wrk -t1 -c1 -d10s --latency -s Benchmarks/post-authorize-user.lua "$url" | summary

echo "== 2,000 idle connections beside one client"
python3 - "$port" "$runner" <<'PY'
import socket, sys, time
port, runner = int(sys.argv[1]), int(sys.argv[2])
def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
before = rss_kib(runner)
idle = []
for _ in range(2000):
    s = socket.create_connection(("127.0.0.1", port))
    idle.append(s)
time.sleep(0.5)
body = b'{"bungieMembershipId":"12345678","destinyMembershipIds":["4611686018488107374"],"clientSecret":"development-only-client-secret"}'
request = b"POST /authorize/user HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
client = socket.create_connection(("127.0.0.1", port))
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
times = []
for _ in range(200):
    start = time.perf_counter()
    client.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < int(data.split(b"Content-Length: ")[1].split(b"\r\n")[0]):
        data += client.recv(65536)
    assert data.startswith(b"HTTP/1.1 200"), data[:80]
    times.append((time.perf_counter() - start) * 1000)
times.sort()
after = rss_kib(runner)
open_idle = 0
for s in idle:
    s.setblocking(False)
    try:
        open_idle += s.recv(1) != b""
    except BlockingIOError:
        open_idle += 1
print(f"idle connections still open: {open_idle} of 2000")
print(f"normal requests beside them: p50 {times[100]:.2f} ms, p99 {times[197]:.2f} ms, max {times[-1]:.2f} ms")
print(f"runner RSS: {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB with 2,000 idle connections (+{(after - before) / 1024:.1f} MiB)")
PY
echo "== descriptors of the runner after the idle clients left"
sleep 1
ls /proc/"$runner"/fd | wc -l
