# Sourced by the start-api benchmarks: builds the runner and the functions in release mode, and
# starts `local-runner start-api` on a port, refusing one something else already answers on
# (the figures would be its own). Sets $runner to its pid; the caller stops it.
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk): skipped"; exit 0; }
for product in local-runner authorize-user authorize-admin authorizer whoami authorize-bungie; do
  bash scripts/release-build.sh --product "$product" >/dev/null
done

# start_release_runner PORT
start_release_runner() {
  if curl -s -o /dev/null "http://127.0.0.1:$1/"; then
    echo "something already listens on 127.0.0.1:$1: stop it first (the figures would be its own)"; exit 1
  fi
  .build/release/local-runner start-api --port "$1" 2>/dev/null &
  runner=$!
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$1/" && break; sleep 0.1; done
}
