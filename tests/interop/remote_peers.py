"""aiortc peers in a child process, signalled by a focus that stays in the test process.

A test that must make participants vanish the way a killed browser does (no Colibri2 expire, no
RTCP BYE, no DTLS close_notify, no SCTP ABORT) runs them here and SIGKILLs the child: nothing in
it gets a chance to say goodbye. The focus keeps running in the test process, so the test can
still expire the endpoints afterwards as jicofo would.

The child runs the usual `Call`/`Peer` code with a `RemoteFocus` whose allocate, session-accept
and transport-info are forwarded over a pipe to the test process, which performs them with the
real `Focus` of that conference. When every peer has decoded enough frames from every other peer
of its conference, the child reports the frame matrix and keeps sending until it is killed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import os
import signal
import threading
import time
import traceback
from multiprocessing.connection import Connection
from typing import Optional

from focus import Focus


@dataclasses.dataclass
class PeerSpec:
    name: str
    endpoint_id: str
    hue: int


@dataclasses.dataclass
class MediaTarget:
    """Frames every peer must decode from every other peer of its conference, and how long it may take."""
    video: int
    audio: int
    timeout: float
    fps: int = 10


# Focus calls the child may ask for, and what travels back: only the allocation is needed there
# (Peer.accept ignores the answers), so the XML responses stay in the test process.
_FORWARDED = ("allocate", "session_accept", "trickle")


# ------------------------------------------------------------------------------------------------
# Child side
# ------------------------------------------------------------------------------------------------


class RemoteFocus:
    """Stands in for `Focus` inside the child: each call goes to the test process and waits for the
    answer. Peers call it from worker threads (asyncio.to_thread), so one request at a time."""

    def __init__(self, conn: Connection, lock: threading.Lock, conference: int):
        self._conn, self._lock, self._conference = conn, lock, conference

    def _call(self, method: str, *args, **kwargs):
        with self._lock:
            self._conn.send(("call", self._conference, method, args, kwargs))
            kind, value = self._conn.recv()
        if kind == "error":
            raise RuntimeError(f"focus {method} failed in the test process: {value}")
        return value

    def allocate(self, *args, **kwargs):
        return self._call("allocate", *args, **kwargs)

    def session_accept(self, *args, **kwargs):
        return self._call("session_accept", *args, **kwargs)

    def trickle(self, *args, **kwargs):
        return self._call("trickle", *args, **kwargs)


def child_main(conn: Connection, conferences: list[list[PeerSpec]], target: MediaTarget) -> None:
    """Entry point of the child process (multiprocessing, spawn)."""
    # Imported here: aiortc and peer.py's patches belong to the child only.
    from call import Call
    from peer import Peer

    lock = threading.Lock()

    async def run() -> None:
        calls = [Call(RemoteFocus(conn, lock, i)) for i in range(len(conferences))]
        peers = [[Peer(s.name, endpoint_id=s.endpoint_id, hue=s.hue, fps=target.fps) for s in specs]
                 for specs in conferences]
        # Conferences join side by side; within one, participants join one after the other (jicofo).
        await asyncio.gather(*(call.join_all(*ps) for call, ps in zip(calls, peers)))
        joined = time.monotonic()
        matrices = await asyncio.gather(*(call.wait_for_frames(video=target.video, audio=target.audio,
                                                               timeout=target.timeout) for call in calls))
        with lock:
            conn.send(("media", {"seconds_after_join": round(time.monotonic() - joined, 1), "matrices": matrices}))
        await asyncio.Event().wait()  # media keeps flowing until the test SIGKILLs this process

    try:
        asyncio.run(run())
    except BaseException:  # noqa: BLE001 - everything goes back to the test, which fails with it
        with lock:
            conn.send(("failed", traceback.format_exc()))
        raise


# ------------------------------------------------------------------------------------------------
# Test-process side
# ------------------------------------------------------------------------------------------------


class PeerProcess:
    """The child and the focus calls it asks for. Use as a context manager: the child is killed on
    exit whatever happened."""

    def __init__(self, focuses: list[Focus], conferences: list[list[PeerSpec]], target: MediaTarget):
        assert len(focuses) == len(conferences)
        self.focuses = focuses
        self.conferences = conferences
        self.target = target
        self._conn: Optional[Connection] = None
        self.process: Optional[multiprocessing.Process] = None

    def start(self) -> "PeerProcess":
        # spawn, not fork: the child must not inherit the test process' threads or sockets.
        ctx = multiprocessing.get_context("spawn")
        self._conn, child_conn = ctx.Pipe()
        self.process = ctx.Process(target=child_main, args=(child_conn, self.conferences, self.target),
                                   name="vanishing-peers", daemon=True)
        self.process.start()
        child_conn.close()
        return self

    def serve_until_media(self, timeout: float) -> dict:
        """Performs the child's focus calls until it reports that media flows; returns its report."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"peers did not report media within {timeout}s")
            if not self._conn.poll(min(remaining, 1.0)):
                if not self.process.is_alive():
                    raise AssertionError(f"peer process exited with {self.process.exitcode} before media flowed")
                continue
            try:
                message = self._conn.recv()
            except EOFError:
                raise AssertionError(f"peer process closed its pipe (exit code {self.process.exitcode})") from None
            kind = message[0]
            if kind == "media":
                return message[1]
            if kind == "failed":
                raise AssertionError(f"peer process failed:\n{message[1]}")
            _, conference, method, args, kwargs = message
            assert method in _FORWARDED, method
            try:
                result = getattr(self.focuses[conference], method)(*args, **kwargs)
                self._conn.send(("ok", result if method == "allocate" else None))
            except Exception as e:  # noqa: BLE001 - the child raises it where the peer called
                self._conn.send(("error", f"{type(e).__name__}: {e}"))

    def kill(self) -> float:
        """SIGKILL: the peers vanish without a word. Returns time.monotonic() of the kill."""
        assert self.process is not None and self.process.is_alive(), "peer process is not running"
        os.kill(self.process.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        self.process.join(10)
        return killed_at

    def __enter__(self) -> "PeerProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.is_alive():
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.join(10)
        if self._conn is not None:
            self._conn.close()
