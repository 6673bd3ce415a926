"""Outreach sequences as data: one YAML file per sequence in `sequences/`.

A sequence is a list of steps, each one of:

    email: {subject, body}          an email rendered from the contact's fields ({first_name}...)
    wait: {business_days: N}        until N business days later (Mon-Fri, the contact's time zone,
                                    inside the send window)
    task: {subject, body, due_business_days}   a task for the lead's owner in each CRM

`on_reply` lists the steps run once a reply arrives (then the sequence ends; empty = it just
ends). Every file carries `id` and `version`: a running workflow keeps the definition it
was started with (it travels in the workflow's input), so editing a file changes only
later enrolments; bump `version` so that `outreach_enrollments` shows who runs which.
"""

from __future__ import annotations

import string
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bizdev_assets.rule_files import read_yaml

SEQUENCES_DIR = Path(__file__).with_name("sequences")
STEP_KINDS = ("email", "wait", "task")
# Fields a template may use: {first_name}, {company}, {owner_name}...
TEMPLATE_FIELDS = frozenset(
    {"first_name", "last_name", "full_name", "company", "title", "owner_name", "owner_email"}
)


class SequenceError(ValueError):
    """A sequence file is wrong; the message names the file and the step."""


@dataclass(frozen=True)
class Step:
    id: str
    kind: str  # email | wait | task
    subject: str = ""
    body: str = ""
    business_days: int = 0  # wait: how long; task: due in

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Sequence:
    id: str
    version: int
    name: str
    steps: tuple[Step, ...]
    on_reply: tuple[Step, ...] = ()
    # Local hours [start, end) of a business day emails go out in; None ("anytime" in the
    # file): at once, any day (e.g. answering a demo request).
    send_window: tuple[int, int] | None = (9, 17)
    origin: str = field(default="<sequence>", compare=False)

    @property
    def email_steps(self) -> int:
        return sum(step.kind == "email" for step in self.steps)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able snapshot a workflow is started with."""
        return {
            "id": self.id,
            "version": self.version,
            "name": self.name,
            "steps": [s.to_dict() for s in self.steps],
            "on_reply": [s.to_dict() for s in self.on_reply],
            "send_window": list(self.send_window) if self.send_window else None,
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> Sequence:
        return cls(
            id=data["id"],
            version=data["version"],
            name=data["name"],
            steps=tuple(Step(**s) for s in data["steps"]),
            on_reply=tuple(Step(**s) for s in data["on_reply"]),
            send_window=tuple(data["send_window"]) if data["send_window"] else None,  # type: ignore[arg-type]
        )

    @classmethod
    def load(cls, path: Path) -> Sequence:
        return cls.from_dict(read_yaml(path, SequenceError, "sequence"), str(path))

    @classmethod
    def from_dict(cls, data: Any, origin: str = "<sequence>") -> Sequence:
        def fail(where: str, problem: str) -> SequenceError:
            return SequenceError(f"{origin}: {where}: {problem}")

        if not isinstance(data, dict):
            raise fail("top level", "expected a mapping with id, version, name, steps")
        unknown = set(data) - {"id", "version", "name", "steps", "on_reply", "send_window"}
        if unknown:
            raise fail(", ".join(sorted(map(str, unknown))), "unknown key")
        for key in ("id", "version", "steps"):
            if key not in data:
                raise fail("top level", f"missing `{key}`")
        if not isinstance(data["version"], int) or data["version"] < 1:
            raise fail("version", f"expected an integer >= 1, got {data['version']!r}")
        steps = _steps(data["steps"], "steps", fail)
        if not steps:
            raise fail("steps", "a sequence needs at least one step")
        on_reply = _steps(data.get("on_reply") or [], "on_reply", fail)
        ids = [s.id for s in (*steps, *on_reply)]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise fail("steps", f"step ids must be unique: {', '.join(duplicates)}")
        window = data.get("send_window", [9, 17])
        if window != "anytime" and (
            not isinstance(window, list)
            or len(window) != 2
            or not all(isinstance(h, int) for h in window)
            or not 0 <= window[0] < window[1] <= 24
        ):
            raise fail("send_window", f"expected [start_hour, end_hour] or anytime, got {window!r}")
        return cls(
            id=str(data["id"]),
            version=data["version"],
            name=str(data.get("name") or data["id"]),
            steps=steps,
            on_reply=on_reply,
            send_window=None if window == "anytime" else (window[0], window[1]),
            origin=origin,
        )


def load_sequences(folder: Path | None = None) -> dict[str, Sequence]:
    """Every `*.yaml` in the folder (default: the shipped `sequences/`), by sequence id."""
    folder = folder or SEQUENCES_DIR
    sequences: dict[str, Sequence] = {}
    for path in sorted(folder.glob("*.yaml")):
        sequence = Sequence.load(path)
        if sequence.id in sequences:
            raise SequenceError(
                f"{path}: id {sequence.id!r} also used by {sequences[sequence.id].origin}"
            )
        sequences[sequence.id] = sequence
    return sequences


def _steps(entries: Any, where: str, fail) -> tuple[Step, ...]:
    if not isinstance(entries, list):
        raise fail(where, "expected a list of steps")
    return tuple(_step(entry, f"{where}[{i}]", fail) for i, entry in enumerate(entries))


def _step(entry: Any, where: str, fail) -> Step:
    if not isinstance(entry, dict):
        raise fail(where, "expected a mapping such as {id: intro, email: {subject, body}}")
    kinds = [k for k in STEP_KINDS if k in entry]
    unknown = set(entry) - {"id", *STEP_KINDS}
    if unknown or len(kinds) != 1:
        raise fail(where, f"expected `id` and exactly one of {', '.join(STEP_KINDS)}")
    kind = kinds[0]
    step_id = str(entry.get("id") or "")
    if not step_id:
        raise fail(where, "missing `id` (names the step in events and Message-IDs)")
    spec = entry[kind]
    if not isinstance(spec, dict):
        raise fail(f"{where}.{kind}", "expected a mapping")
    days = spec.get("business_days", spec.get("due_business_days", 0))
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise fail(f"{where}.{kind}", f"business days must be an integer >= 0, got {days!r}")
    if kind == "wait" and days < 1:
        raise fail(f"{where}.wait", "business_days must be >= 1")
    subject, body = str(spec.get("subject") or ""), str(spec.get("body") or "")
    if kind != "wait":
        if not subject:
            raise fail(f"{where}.{kind}", "missing `subject`")
        for text in (subject, body):
            _check_template(text, f"{where}.{kind}", fail)
    return Step(id=step_id, kind=kind, subject=subject, body=body, business_days=days)


def _check_template(text: str, where: str, fail) -> None:
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:
        raise fail(where, f"template does not parse: {exc}") from None
    unknown = names - TEMPLATE_FIELDS
    if unknown:
        raise fail(
            where,
            f"unknown template fields {sorted(unknown)}; allowed: {sorted(TEMPLATE_FIELDS)}",
        )
