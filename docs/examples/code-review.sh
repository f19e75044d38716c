#!/usr/bin/env bash
# The seed's distributed code review, for real: a coordinator and four specialists (code, security,
# docs, testing), each its own node process on its own loopback address, rules brains, one
# synthesized review of a source file. Usage: docs/examples/code-review.sh [FILE]
set -euo pipefail
# check the file before starting anything, relative to where the user typed the command
src=${1:-$(dirname "$0")/sample.py}
if [[ ! -f $src || ! -r $src ]]; then
  echo "error: no readable file '$src'; usage: docs/examples/code-review.sh [FILE] (default: docs/examples/sample.py)" >&2
  exit 2
fi
file=$(readlink -f "$src")
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
cleanup() {
  for d in "$work"/*/; do ./wattswarm --state-dir "$d" node down >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
start() { # start NAME ADDR ARGS...: one node process, in the background
  local name=$1 addr=$2; shift 2; mkdir -p "$work/$name"
  env WATTSWARM_CONTROL_PORT=0 WATTSWARM_P2P_LISTEN_ADDRS="$addr:0" \
    ./wattswarm --state-dir "$work/$name" node up "$@" >"$work/$name.log" 2>&1 &
}
wait_ready() {
  for _ in $(seq 1 450); do [[ -s $work/$1/runtime.json ]] && return 0; sleep 0.2; done
  echo "node $1 did not start:"; tail -n 5 "$work/$1.log"; exit 1
}
./wattswarm --help >/dev/null   # build once, before five processes want to
start coordinator 127.0.0.31 --mode network --role coordinator --capabilities coordination
wait_ready coordinator
contact=$(./wattswarm --state-dir "$work/coordinator" node export-contact)
i=32
for cap in code security docs testing; do
  mkdir -p "$work/$cap"
  ./wattswarm --state-dir "$work/$cap" node add-bootstrap-contact "$contact" >/dev/null
  start "$cap" "127.0.0.$i" --agent "$cap-reviewer:specialist:$cap"
  i=$((i + 1))
done
for cap in code security docs testing; do wait_ready "$cap"; done
for _ in $(seq 1 150); do
  n=$(./wattswarm --state-dir "$work/coordinator" agents list --role specialist --json | grep -c '"agent_id"' || true)
  [[ $n -ge 4 ]] && break; sleep 0.2
done
echo "swarm: coordinator + $n specialists on 5 nodes; reviewing $file"
# through a file: a large source file would not fit in one command-line argument
python3 -c 'import json,sys; print(json.dumps({"kind":"code-review","file":sys.argv[1],"code":open(sys.argv[1]).read()}))' "$file" >"$work/goal.json"
./wattswarm --state-dir "$work/coordinator" workflow run --capabilities code,security,docs,testing --goal-file "$work/goal.json"
