"""A progress bar on stderr for long interpreter runs.

Contract: nothing is printed unless the bar is enabled, stderr is a terminal and the run has
lasted `DELAY` seconds; then one line is redrawn in place at most every `INTERVAL` seconds and
cleared by `close()`. Progress is counted in core-logical-block units (3 per logical block).
"""

from __future__ import annotations

import sys
import time

DELAY = 2.0
INTERVAL = 0.2
WIDTH = 30


class Progress:
    def __init__(self, total: int, enabled: bool, stream=None):
        self.stream = stream or sys.stderr
        self.total = max(total, 1)
        self.enabled = enabled and self.stream.isatty()
        self.done = 0
        self.start = time.monotonic()
        self.drawn_at = 0.0

    def advance(self, units: int) -> None:
        self.done += units
        now = time.monotonic()
        if self.enabled and now - self.start >= DELAY and now - self.drawn_at >= INTERVAL:
            self.drawn_at = now
            filled = WIDTH * min(self.done, self.total) // self.total
            self.stream.write(f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] "
                              f"{100 * self.done // self.total:3d}%  {now - self.start:.1f} s")
            self.stream.flush()

    def close(self) -> None:
        if self.drawn_at:
            self.stream.write("\r" + " " * (WIDTH + 20) + "\r")
            self.stream.flush()
