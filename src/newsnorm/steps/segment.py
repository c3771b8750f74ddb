"""Split article text into segments: one per non-blank line, keeping its 0-based line."""

from __future__ import annotations

from newsnorm.document import Segment


def split_segments(text: str) -> list[Segment]:
    """Blank lines (spaces or no-break spaces only) separate segments and never become one."""
    segments: list[Segment] = []
    for line_no, line in enumerate(text.split("\n")):
        stripped = " ".join(line.split())
        if stripped:
            segments.append(Segment(seq=len(segments), line_start=line_no, text=stripped))
    return segments
