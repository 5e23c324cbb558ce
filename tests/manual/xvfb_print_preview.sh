#!/bin/bash
# A real-window check of 文件 › 打印预览 (issue 14): run the application on an Xvfb display, press
# Alt+F then V, and report whether the preview opened and the application is still alive.
# Needs Xvfb and xdotool. Usage: Xvfb :99 -screen 0 1366x768x24 &  then  tests/manual/xvfb_print_preview.sh
cd "$(dirname "$0")/../.."
export DISPLAY=${DISPLAY:-:99} QT_QPA_PLATFORM=xcb
export POLICY_DESK_DATA=${POLICY_DESK_DATA:-$(mktemp -d)} POLICY_DESK_CACHE=${POLICY_DESK_CACHE:-$(mktemp -d)}
python -m desktop gui > /tmp/policy-desk-xvfb.log 2>&1 &
APP=$!
for i in $(seq 60); do sleep 1; xdotool search --onlyvisible --name "惠企政策通 Policy Desk" >/dev/null 2>&1 && break; done
sleep 3
xdotool mousemove 600 400 click 1; sleep 1          # give the window the keyboard (no window manager)
xdotool key alt+f; sleep 1; xdotool key v
for i in $(seq 60); do sleep 1; P=$(xdotool search --onlyvisible --name "打印预览" 2>/dev/null | head -1); [ -n "$P" ] && break; kill -0 $APP 2>/dev/null || break; done
sleep 5
echo "preview window: ${P:-none}"
python - "${1:-/tmp/policy-desk-xvfb.png}" <<'PY'
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
app.primaryScreen().grabWindow(0).save(sys.argv[1])
print("screen saved to", sys.argv[1])
PY
kill -0 $APP 2>/dev/null && echo "app ALIVE" || { wait $APP; echo "app DEAD rc=$?"; exit 1; }
xdotool key Escape; sleep 2
kill -0 $APP 2>/dev/null && echo "app ALIVE after closing the preview" || { wait $APP; echo "app DEAD rc=$?"; exit 1; }
kill $APP
