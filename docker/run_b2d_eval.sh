#!/usr/bin/env bash
# Run the Bench2Drive leaderboard evaluator on one GPU with an agent file of this repository.
# Usage: run_b2d_eval.sh ROUTES.xml AGENT.py AGENT_CONFIG [CHECKPOINT.json] [PORT] [TM_PORT] [GPU]
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 ROUTES.xml AGENT.py AGENT_CONFIG [CHECKPOINT.json] [PORT] [TM_PORT] [GPU]" >&2
  exit 2
fi
ROUTES=$(realpath "$1"); AGENT=$(realpath "$2"); CONFIG=$3
CHECKPOINT=$(realpath -m "${4:-outputs/b2d_eval/results.json}")
PORT=${5:-30000}; TM_PORT=${6:-50000}; GPU=${7:-0}
for var in CARLA_ROOT LEADERBOARD_ROOT SCENARIO_RUNNER_ROOT; do
  [ -n "${!var:-}" ] || { echo "error: $var is not set" >&2; exit 2; }
done
[ -f "$ROUTES" ] || { echo "error: route file $ROUTES not found" >&2; exit 2; }
[ -f "$AGENT" ] || { echo "error: agent file $AGENT not found" >&2; exit 2; }
mkdir -p "$(dirname "$CHECKPOINT")"
export SAVE_PATH=${SAVE_PATH:-$(dirname "$CHECKPOINT")/agent_outputs}
mkdir -p "$SAVE_PATH"
# Bench2Drive's evaluator reads its weather file relative to the Bench2Drive root.
cd "$LEADERBOARD_ROOT/.."
python3.10 "$LEADERBOARD_ROOT/leaderboard/leaderboard_evaluator.py" \
  --routes "$ROUTES" --repetitions 1 --track SENSORS --checkpoint "$CHECKPOINT" \
  --agent "$AGENT" --agent-config "$CONFIG" --debug 0 --resume True \
  --port "$PORT" --traffic-manager-port "$TM_PORT" --gpu-rank "$GPU"
