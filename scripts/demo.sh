#!/usr/bin/env bash
# A short tour of quizgen on the example topologies (run by `make demo`).
# Each command is echoed before it runs. `make quiz` starts the drill; this tour is `make demo`.
set -euo pipefail
cd "$(dirname "$0")/.."

run() {
    printf '\n$ %s\n' "$*"
    "$@"
}

run quizgen net reach examples/chain-nontransitive.yaml --from vm-a --to vm-c --protocol tcp --port 22
run quizgen net reach examples/chain-nontransitive.yaml --from vm-a --to vm-b --protocol tcp --port 22
run quizgen net peerings examples/hub-spoke-transit.yaml
run quizgen net routes examples/hub-spoke-transit.yaml --vm vm-a
run quizgen net reach examples/hub-spoke-transit.yaml --from vm-b --to 192.168.1.10 --protocol tcp --port 443
run quizgen net reach examples/techcorp-dev-prod.yaml --from dev-db --to prod-storage --protocol tcp --port 443

# A generated scenario: a fault injected into a random hub-and-spoke, proven by the evaluator.
run quizgen scenario --seed 2026 --shape hub-spoke-gateway --fault hub-transit-off \
    -o output/demo-scenario.yaml --force
probe=$(python - <<'PY'
import yaml
probe = yaml.safe_load(open("output/demo-scenario.yaml"))["scenario"]["faults"][0]["probes"][0]
a = probe["args"]
print(f"--from {a['from']} --to {a['to']} --protocol {a['protocol']} --port {a['port']}")
PY
)
# shellcheck disable=SC2086
run quizgen net reach output/demo-scenario.yaml $probe
