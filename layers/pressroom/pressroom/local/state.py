"""Where a running `pressroom up` says it is, so that `--local` finds it on whatever ports it
was started with.

`pressroom up` writes `up.json` (its endpoint, site URL and process id) to the state folder
when it is ready and removes it when it stops: `$PRESSROOM_STATE_DIR`, else
`$XDG_STATE_HOME/pressroom`, else `~/.local/state/pressroom`. A file left by a process that
is gone (killed with no chance to clean up) is ignored."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

STATE_DIR_ENV = "PRESSROOM_STATE_DIR"
STATE_FILE = "up.json"


def state_dir() -> Path:
    if os.environ.get(STATE_DIR_ENV):
        return Path(os.environ[STATE_DIR_ENV])
    xdg = os.environ.get("XDG_STATE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "state"
    return base / "pressroom"


def state_file() -> Path:
    return state_dir() / STATE_FILE


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, run by someone else
        return True
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class UpState:
    endpoint_url: str
    site_url: str
    pid: int

    def write(self) -> Path:
        path = state_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{self.pid}")
        temporary.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")
        temporary.replace(path)  # readers never see half a file
        return path

    def remove(self) -> None:
        """Remove the state file if it is still this process's (a later `up` may own it)."""
        if running_up(check_alive=False) == self:
            state_file().unlink(missing_ok=True)


def running_up(check_alive: bool = True) -> UpState | None:
    """The `pressroom up` the state file names, if any (and if its process still runs)."""
    try:
        fields = json.loads(state_file().read_text(encoding="utf-8"))
        state = UpState(str(fields["endpoint_url"]), str(fields["site_url"]), int(fields["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if check_alive and not _alive(state.pid):
        return None
    return state
