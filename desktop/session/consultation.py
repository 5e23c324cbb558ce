"""One consultation: the answers given so far and the path through the questionnaire (Qt-free).

Answers are never thrown away while the consultation lasts: Back and Forward walk the ``trail``
of questions shown, and an answer whose question is hidden by a later change (e.g. 回天地区 after
the district changes) is kept but left out of the *effective* profile used for matching and
saving, so the results always equal ``policy-desk match`` on the saved file.

The next question is the interview's best question (desktop.rules.questions.interview) that was
not skipped; questions that can change no result are never asked, and when what is left only
touches directions or minor items the interview is done and lists what stays to be confirmed.
"不确定 / 跳过" leaves the fact unknown, which leads to "maybe", never to a wrong "no"; it is saved
as the profile's ``_unsure`` list, so a reopened consultation does not ask it again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.rules.engine import Engine
from desktop.rules.facts import Question
from desktop.rules.questions import Interview, OpenQuestion, gate_state, interview
from desktop.rules.whatif import Unlock, what_if
from desktop.service import MatchReport, PolicyData


@dataclass
class Evaluation:
    """Everything the window shows for the current answers and date."""

    report: MatchReport
    open: list[OpenQuestion]  # worth asking, best first, skipped ones removed
    engine: Engine
    _unlocks: list[Unlock] | None = None
    state: Interview | None = None
    include_relocation: bool = False  # what-if also tries moving the registered address (含迁址)

    @property
    def open_facts(self) -> list[str]:
        return [oq.question.fact for oq in self.open]

    @property
    def done(self) -> bool:
        return not self.open

    def remaining_after(self, fact: str | None) -> int:
        """Questions left after the one on screen (the counter "待答约 N 题")."""
        left = self.state.remaining if self.state is not None else len(self.open)
        return max(left - (1 if fact in self.open_facts else 0), 0)

    @property
    def to_confirm(self) -> list[str]:
        """What stays open when the interview is done: the questions, best first."""
        return [oq.question.text for oq in (self.state.to_confirm if self.state else []) if oq.value > 0]

    @property
    def unlocks(self) -> list[Unlock]:
        """What-if (可争取的政策), computed on first use: it costs more than the match itself."""
        if self._unlocks is None:
            r = self.report
            self._unlocks = what_if(self.engine, r.profile, r.as_of, r.results, self.include_relocation)
        return self._unlocks

    def set_relocation(self, on: bool) -> None:
        if on != self.include_relocation:
            self.include_relocation = on
            self._unlocks = None

    @property
    def unlocks_ready(self) -> bool:
        return self._unlocks is not None


@dataclass
class Consultation:
    """Answers, skipped questions, navigation and the file it belongs to."""

    answers: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    trail: list[str] = field(default_factory=list)  # questions in the order shown
    pos: int = -1  # index in trail of the question on screen; len(trail) means "finished"
    as_of: dt.date = field(default_factory=dt.date.today)
    path: Path | None = None
    dirty: bool = False
    include_relocation: bool = False  # the what-if tab's 含迁址 box

    # ------------------------------------------------------------------ facts

    @property
    def company(self) -> str:
        return str(self.answers.get("name") or "").strip()

    def effective_profile(self, engine: Engine) -> dict[str, Any]:
        """The answers whose questions are shown under the other answers (the engine's gating)."""
        return engine.effective_profile(self.answers)

    def evaluate(self, data: PolicyData) -> Evaluation:
        profile = self.effective_profile(data.engine)
        report = data.match(profile, self.as_of)
        state = interview(data.engine, profile, self.as_of, report.results, unsure=self.skipped)
        return Evaluation(report, list(state.next), data.engine, state=state,
                          include_relocation=self.include_relocation)

    # ------------------------------------------------------------------ answering

    def set_answer(self, fact: str, value: Any) -> bool:
        """Record an answer (None clears it); True when something changed."""
        changed = False
        if isinstance(value, str):  # a damaged pasted character (lone surrogate) becomes U+FFFD: savable, printable
            value = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        if fact in self.skipped:
            self.skipped.remove(fact)
            changed = True
        if value is None or (isinstance(value, str) and not value.strip()):
            if fact in self.answers:
                del self.answers[fact]
                changed = True
        elif self.answers.get(fact, object()) != value:
            self.answers[fact] = value
            changed = True
        self.dirty = self.dirty or changed
        return changed

    def skip(self, fact: str) -> bool:
        """Mark a question as 不确定: its answer (if any) is removed and it is not asked again."""
        changed = fact in self.answers or fact not in self.skipped
        self.answers.pop(fact, None)
        if fact not in self.skipped:
            self.skipped.append(fact)
        self.dirty = self.dirty or changed
        return changed

    def unskip_all(self) -> None:
        if self.skipped:
            self.skipped.clear()
            self.dirty = True

    # ------------------------------------------------------------------ navigation

    @property
    def current(self) -> str | None:
        """The fact of the question on screen, or None when the questionnaire is finished."""
        return self.trail[self.pos] if 0 <= self.pos < len(self.trail) else None

    @property
    def can_go_back(self) -> bool:
        return self.pos > 0 or (self.pos >= len(self.trail) and bool(self.trail))

    def start(self, evaluation: Evaluation | None, questions: dict[str, Question], engine: Engine) -> str | None:
        """Put the first question on screen if none is (a new or just opened consultation)."""
        if self.current is None and self.pos < 0:
            self.pos = len(self.trail)
            return self.forward(evaluation, questions, engine)
        return self.current

    def forward(self, evaluation: Evaluation | None, questions: dict[str, Question], engine: Engine) -> str | None:
        """Go to the next question still shown in the trail, else to the best open question."""
        facts = engine.facts_of(self.effective_profile(engine))
        i = self.pos + 1
        while i < len(self.trail):
            q = questions.get(self.trail[i])
            if q is not None and gate_state(q, facts) is not False:
                self.pos = i
                return self.current
            i += 1
        for fact in (evaluation.open_facts if evaluation is not None else ()):
            if fact not in self.answers and fact not in self.skipped:
                if fact in self.trail:
                    self.trail.remove(fact)
                self.trail.append(fact)
                self.pos = len(self.trail) - 1
                return self.current
        self.pos = len(self.trail)
        return None

    def back(self, questions: dict[str, Question], engine: Engine) -> str | None:
        facts = engine.facts_of(self.effective_profile(engine))
        i = min(self.pos, len(self.trail)) - 1
        while i >= 0:
            q = questions.get(self.trail[i])
            if q is not None and gate_state(q, facts) is not False:
                self.pos = i
                return self.current
            i -= 1
        return self.current

    def goto(self, fact: str) -> None:
        """Show the question for ``fact`` next (from the answers list or a 'maybe' result)."""
        if fact in self.trail:
            self.pos = self.trail.index(fact)
        elif 0 <= self.pos < len(self.trail):
            self.trail.insert(self.pos + 1, fact)
            self.pos += 1
        else:
            self.trail.append(fact)
            self.pos = len(self.trail) - 1

    def position_label(self) -> tuple[int, int]:
        """(number of the question on screen, questions shown so far) for the progress text."""
        return (min(self.pos, len(self.trail) - 1) + 1 if self.trail else 0, len(self.trail))
