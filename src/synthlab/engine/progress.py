"""Progress on stderr: a live bar on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts samples done; prints rate and ETA without flooding logs."""

    def __init__(
        self,
        total: int,
        *,
        already: int = 0,
        quiet: bool = False,
        stream: TextIO | None = None,
        label: str = "render",
    ):
        self.total = total
        self.done = already
        self.already = already
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.label = label
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self.last_print = 0.0

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return (self.done - self.already) / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        rate = self.rate()
        left = self.total - self.done
        eta = _duration(left / rate) if rate > 0 else "?"
        percent = 100 * self.done / self.total if self.total else 100.0
        if self.live:
            width = 24
            filled = int(width * self.done / self.total) if self.total else width
            bar = "#" * filled + "." * (width - filled)
            return f"{self.label} [{bar}] {self.done}/{self.total} {rate:,.1f} samples/s ETA {eta}"
        return (
            f"{self.label}: {self.done}/{self.total} samples ({percent:.0f}%), "
            f"{rate:,.1f} samples/s, ETA {eta}"
        )

    def advance(self, samples: int) -> None:
        self.done += samples
        if self.quiet:
            return
        now = time.monotonic()
        interval = 0.2 if self.live else 5.0
        if now - self.last_print >= interval or self.done >= self.total:
            self.last_print = now
            if self.live:
                self.stream.write("\r\033[K" + self.line())
            else:
                self.stream.write(self.line() + "\n")
            self.stream.flush()

    def finish(self, message: str) -> None:
        if self.quiet:
            return
        if self.live:
            self.stream.write("\r\033[K")
        self.stream.write(message + "\n")
        self.stream.flush()
