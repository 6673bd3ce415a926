"""Peak resident memory and CPU time per Dagster step, sampled beside the run.

The process's peak (VmHWM, `harness.peak_rss_mb`) says how much memory a whole run
needs, not which step needs it. A thread reads the current RSS and the process's CPU
time (all threads, user + system) every `interval` seconds while the run goes on;
afterwards each step's figures come from the samples between its STEP_START and its end
(success or failure) in the run's event log. Sampling can miss a spike shorter than the
interval, so the whole run's peak stays VmHWM.

CPU seconds are the figure to compare when other work shares the cores: wall time
stretches with the machine's load, CPU time much less.
"""

from __future__ import annotations

import os
import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def current_rss_mb() -> float:
    """This process's resident memory now, in MB (from /proc/self/statm)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE_MB


def cpu_seconds() -> float:
    """CPU time this process has used so far, every thread, user + system."""
    times = os.times()
    return times.user + times.system


class UsageSampler:
    """Use as a context manager around the run; then `peak_mb` and `cpu_s` per window."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.times: list[float] = []
        self.rss: list[float] = []
        self.cpu: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.times.append(time.time())
            self.rss.append(current_rss_mb())
            self.cpu.append(cpu_seconds())
            self._stop.wait(self.interval)

    def __enter__(self) -> UsageSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _window(self, start: float, end: float) -> tuple[int, int]:
        lo, hi = bisect_left(self.times, start), bisect_right(self.times, end)
        return (lo, hi) if hi > lo else (max(lo - 1, 0), min(lo + 1, len(self.times)))

    def peak_mb(self, start: float, end: float) -> int:
        """The largest RSS sample from `start` to `end` (seconds since the epoch)."""
        lo, hi = self._window(start, end)
        return round(max(self.rss[lo:hi], default=0.0))

    def cpu_s(self, start: float, end: float) -> float:
        """CPU seconds used from `start` to `end`, to the sampling interval."""
        lo, hi = self._window(start, end)
        return round(self.cpu[hi - 1] - self.cpu[lo], 1) if hi > lo else 0.0


@dataclass(frozen=True)
class StepUsage:
    peak_mb: dict[str, int]
    cpu_s: dict[str, float]


def step_usage(instance: Any, run_id: str, sampler: UsageSampler) -> StepUsage:
    """Per step key: peak RSS (MB) and CPU seconds while it ran, from the run's event log."""
    started: dict[str, float] = {}
    peaks: dict[str, int] = {}
    cpu: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        if entry.dagster_event is None or entry.step_key is None:
            continue
        kind = entry.dagster_event.event_type_value
        if kind == "STEP_START":
            started[entry.step_key] = entry.timestamp
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and entry.step_key in started:
            window = (started[entry.step_key], entry.timestamp)
            peaks[entry.step_key] = sampler.peak_mb(*window)
            cpu[entry.step_key] = sampler.cpu_s(*window)
    return StepUsage(peaks, cpu)
