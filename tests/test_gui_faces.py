"""Every face shows the same counts: one evaluation in the window, rendered by every face.

The window's result model (computed once by the rules layer) is rendered by the results tree, the
status bar, the finished page, the history entry, the print preview HTML, the checklist PDF, the
text report and the JSON of ``policy-desk match`` on the saved file; each shows the same six counts.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest

from desktop.cli import main as cli_main
from test_gui_support import AS_OF, CATERING, gui_app, make_window, messages, window  # noqa: F401

LABELS = (("applies", r"(?<!可能)(?<!不)适用"), ("maybe", "可能适用"), ("related", "相关政策方向"),
          ("expired", "已失效"), ("not_yet_in_force", "尚未生效"), ("not_applicable", "不适用"))


def counts_on(text: str) -> dict[str, int]:
    flat = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    found = {}
    for status, label in LABELS:
        match = re.search(label + r"\s*(\d+)", flat)
        if match:
            found[status] = int(match.group(1))
    return found


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_every_face_shows_the_model_counts(qtbot, window, policy_data, db_path, tmp_path, capsys):
    from desktop.report.checklist import write_checklist_pdf
    from desktop.report.text import format_report
    from desktop.session.render import report_html

    for fact, value in CATERING.items():
        window.consultation.set_answer(fact, value)
    window.refresh()
    report = window.evaluation.report
    expected = report.model.counts
    assert sum(expected.values()) == len(report.results) and expected["related"] > 0

    faces: dict[str, str] = {}
    faces["results tree"] = window.results_view.summary_label.text()
    faces["status bar"] = window.counts_label.text()
    window.consultation.pos = len(window.consultation.trail)  # the questionnaire is finished
    window._show_current()
    faces["finished page"] = window.questionnaire.done_label.text()
    path = tmp_path / "catering.json"
    assert window.save_to(path)  # saving records the consultation in the history
    entry = window.store.history()[0]
    faces["history entry"] = window.history_view.tree.topLevelItem(0).toolTip(3)
    assert entry.counts == expected
    faces["print preview"] = report_html(report, "王老师", None)
    pdf = tmp_path / "catering.pdf"
    write_checklist_pdf(report, pdf, questionnaire=policy_data.questionnaire)
    faces["checklist PDF page 1"] = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                                                   capture_output=True, text=True, check=True).stdout
    faces["text"] = format_report(report, policy_data.engine)
    code = cli_main(["--db", str(db_path), "match", str(path), "--as-of", AS_OF.isoformat(), "--format", "json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"] == expected
    assert {r["id"]: r["status"] for r in out["results"]} == {r.id: r.status for r in report.results}
    for face, text in faces.items():
        assert counts_on(text) == expected, face
    # the tree lists exactly the model's sections and items
    shown = [window.results_view.section_members(s.key) for s in report.model.sections]
    assert shown == [[i.id for g in s.groups for i in g.items] for s in report.model.sections]
