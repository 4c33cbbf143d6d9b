"""Whether a process named by host and pid is gone: the scheduler lock and the artwork
store's partial downloads both name their writer so a restart can clean up after it."""

from __future__ import annotations

import os
import socket


def is_gone(host: str, pid_text: str) -> bool:
    """True when host:pid names a process of this machine that is not running any more.

    Another machine's process, or a pid that is not a number, is never known to be gone.
    """
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, run by another user
    return False
