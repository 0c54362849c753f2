#!/usr/bin/env bash
# Retakes the README screenshots from the real app under a virtual X display:
#   apt-get install xvfb libgtk-3-0 xdotool imagemagick
#   xvfb-run -a -s "-screen 0 1600x1000x24" docs/screenshots/take.sh
# It drives the window with xdotool at fixed positions (a 1600x1000 screen, the window where
# JavaFX first places it): sets B = 16 and a 7x10/60 tree, runs 128 tokens on the sample
# model, selects step 24 on the timeline, then captures each view's tab.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/docs/screenshots"
SHOTS="$(mktemp -d)"
cd "$ROOT"
./specscope > "$SHOTS/app.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null || true' EXIT
WID=""
for _ in $(seq 1 120); do
  WID="$(xdotool search --name SpecScope 2>/dev/null | head -1 || true)"
  [[ -n "$WID" ]] && break
  sleep 1
done
[[ -n "$WID" ]] || { echo "take.sh: the app's window did not appear; see $SHOTS/app.log" >&2; exit 1; }
sleep 8
xdotool windowactivate --sync "$WID" 2>/dev/null || true
xdotool mousemove 1365 381 click --repeat 3 1; sleep 0.3; xdotool type "16"; xdotool key Return; sleep 0.5   # B
xdotool mousemove 1348 514 click 1; sleep 0.8; xdotool key Down Return; sleep 0.5                           # tree
xdotool key F5
sleep 35
xdotool mousemove 703 735 click 1; sleep 1                                                                   # step 24
tabs=(tokens:422 draft-tree:492 expert-heatmap:590 expert-usage:700 substitutions:800 distinct-experts:908)
for tab in "${tabs[@]}"; do
  xdotool mousemove "${tab#*:}" 120 click 1; sleep 2
  import -window root "$SHOTS/screen.png"
  convert "$SHOTS/screen.png" -crop 1400x880+100+40 +repage "$OUT/${tab%%:*}.png"
done
