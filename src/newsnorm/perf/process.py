"""Child processes that never outlive the process that started them (Linux).

One home for PR_SET_PDEATHSIG, used by the temporary Prefect server, the pool's workers,
`newsnorm serve`'s server and perf.child_build's table builders: a run killed with -9
leaves none of them behind. Elsewhere this does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask the kernel to send `sig` to this process when its parent dies. Safe between fork and
    exec (a Popen `preexec_fn`) and at the start of a child."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, sig)
