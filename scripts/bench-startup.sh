#!/usr/bin/env bash
# Start-up benchmark: what a jira-oauth process costs, as ratios against
# baselines measured in the same run (medians of interleaved runs):
#   jira-oauth --version   vs a Go hello-world built with the same flags (CPU)
#   jira-oauth request     vs curl fetching the same resource unsigned (CPU, peak RSS)
#   jira-oauth request     vs the JVM: java -version, and a minimal Java
#                          program making the same signed call (wall time)
# CPU is user+sys from the child's rusage; peak RSS from GNU time.
#
# Usage: scripts/bench-startup.sh [-n RUNS] [--before GIT-REF] [-java=false]
#   --before REF   also measure the binary built from REF (same flags), for
#                  before/after ratios, e.g. --before main
set -euo pipefail
cd "$(dirname "$0")/.."

args=()
before=""
while [ $# -gt 0 ]; do
  case "$1" in
    --before) before="$2"; shift 2 ;;
    --before=*) before="${1#--before=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The binary as `make dist` builds it (stripped: -s -w; `make build` keeps
# the symbols, which changes neither CPU nor page faults measurably).
CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$tmp/jira-oauth" ./cmd/jira-oauth
args+=(-bin "$tmp/jira-oauth")

if [ -n "$before" ]; then
  mkdir "$tmp/before"
  git archive "$before" | tar -x -C "$tmp/before"
  (cd "$tmp/before" && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$tmp/jira-oauth-before" ./cmd/jira-oauth)
  args+=(-before "$tmp/jira-oauth-before")
fi

go run ./internal/benchstartup "${args[@]}"
