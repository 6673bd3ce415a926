"""Workflow versioning: histories recorded by older workflow code replay on the current
code (Temporal's Replayer raises on any nondeterminism), and the patched path is taken
by new workflows only."""

from __future__ import annotations

import asyncio
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from bizdev_assets.outreach.workflow import PATCHES, OutreachSequence

V1_HISTORY = Path(__file__).parent / "fixtures" / "outreach_history_v1.json"


def test_a_history_from_before_the_send_window_patch_replays_on_the_current_code():
    history = WorkflowHistory.from_json("outreach-v1", V1_HISTORY.read_text())
    result = asyncio.run(Replayer(workflows=[OutreachSequence]).replay_workflow(history))
    assert result.replay_failure is None
    # The recorded run predates the patch: no marker in it, so replay took the old path.
    markers = [e for e in history.events if e.HasField("marker_recorded_event_attributes")]
    assert markers == [] and "send-window" in PATCHES
