"""GUI benchmark: process start to main window shown, and the result list after the last answer.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--runs 5] [--db policies.db]

1. *Start*: a fresh ``python`` process is started N times; each creates the application the way
   ``policy-desk`` does (desktop.gui.app.create_main_window), prints the wall-clock time once the
   window is shown and its first events are processed, and exits. Reported: parent's Popen to that
   moment (interpreter start, imports, font registration, opening policies.db, building the window,
   first evaluation).
2. *Last answer*: in one process, the questionnaire is answered through the real widgets for an
   example company (its facts answered, every other question "不确定 / 跳过") until the window says
   the questionnaire is finished; the click on "下一题" for the final answer is timed until the
   results list, timeline and questionnaire are updated (synchronous). Also reported: the median
   over all answers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The restaurant chain the GUI tests also drive.
PROFILE = json.loads((ROOT / "examples" / "catering_chain_prepaid.json").read_text(encoding="utf-8"))


def child_start(db: str | None) -> None:
    from desktop.gui.app import create_main_window

    app, window, _data = create_main_window(Path(db) if db else None, interactive=False)
    app.processEvents()
    print(f"shown {time.time():.6f} {window.width()}x{window.height()}", flush=True)
    os._exit(0)


def bench_start(runs: int, db: str | None) -> list[float]:
    out = []
    for _ in range(runs):
        cmd = [sys.executable, __file__, "--child-start"] + (["--db", db] if db else [])
        t0 = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        line = next((l for l in proc.stdout.splitlines() if l.startswith("shown ")), None)
        if line is None:
            raise SystemExit(f"child failed: {proc.stderr}")
        out.append(float(line.split()[1]) - t0)
    return out


def set_value(editor, question, value) -> None:
    kind = question.type
    if kind in ("bool", "choice"):
        editor.button_for(value).click()
    elif kind == "multi":
        for v in value:
            editor.button_for(v).click()
    elif kind in ("int", "number", "string"):
        editor.edit.setText(str(value))
    else:
        raise ValueError(kind)


def bench_last_answer(db: str | None) -> tuple[float, list[float], int, int]:
    from PySide6.QtWidgets import QApplication

    from desktop.gui.app import create_main_window

    app, window, data = create_main_window(Path(db) if db else None, interactive=False)
    view = window.questionnaire
    timings: list[float] = []
    last = 0.0
    steps = 0
    while not view.finished and steps < 300:
        q = view.question
        app.processEvents()
        steps += 1
        if q.fact in PROFILE:
            set_value(view.editor, q, PROFILE[q.fact])
            t = time.perf_counter()
            view.next_button.click()
            QApplication.processEvents()
            last = time.perf_counter() - t
            timings.append(last)
        else:
            view.skip_button.click()
    # the final answer recorded is the one after which no answer changed anything any more
    counts = window.evaluation.report.counts()
    window.consultation.dirty = False
    window.close()
    return last, timings, steps, counts["applies"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db")
    parser.add_argument("--child-start", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("POLICY_DESK_DATA", tempfile.mkdtemp(prefix="bench-gui-"))
    if args.child_start:
        child_start(args.db)
        return
    starts = bench_start(args.runs, args.db)
    last_runs = [bench_last_answer(args.db) for _ in range(max(1, args.runs // 2))]
    from desktop.service import open_data

    meta = open_data(Path(args.db) if args.db else None).meta
    lasts = [r[0] for r in last_runs]
    per_answer = [t for r in last_runs for t in r[1]]
    print(f"data {meta.get('data_version')} ({meta.get('measures')} measures), platform {os.environ['QT_QPA_PLATFORM']}")
    print(f"start to window shown: median {statistics.median(starts):.2f} s "
          f"(min {min(starts):.2f}, max {max(starts):.2f}, {len(starts)} runs)")
    print(f"result list after the last answer: median {statistics.median(lasts) * 1000:.0f} ms "
          f"({len(lasts)} runs, {last_runs[0][2]} questions shown, {len(last_runs[0][1])} answered)")
    print(f"any answer to updated results: median {statistics.median(per_answer) * 1000:.0f} ms, "
          f"max {max(per_answer) * 1000:.0f} ms ({len(per_answer)} answers)")


if __name__ == "__main__":
    main()
