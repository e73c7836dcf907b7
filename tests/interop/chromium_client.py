"""`ChromiumClient`: a headless Chromium participant that behaves like a default jitsi-meet client.

One Chromium (and one chromedriver) per participant, driven with selenium; the page is
web/client.html + client.js (`window.meetpad`), which does the WebRTC work:

  focus.allocate (capabilities source-names [+ ssrc-rewriting])  -> OfferBuilder offer -> page
  page: addTrack(mic, camera) -> setRemoteDescription -> createAnswer -> VP8 simulcast munging
        (3 SSRCs in SIM, an RTX each in FID) -> setLocalDescription -> 3 encodings (scale 4/2/1)
  answer -> session-accept (<ep>-a0, <ep>-v0 with the SIM + FID groups, videoType camera)
  gathered candidates (in the test namespace: one 127.0.0.1 udp host) -> one transport-info each

Remote sources: with ssrc-rewriting the focus signals none (jicofo's Participant.addRemoteSources);
the page learns SSRCs from VideoSourcesMap/AudioSourcesMap and renegotiates on its own. Without it
the focus re-offers with the first SIM SSRC + its RTX of each remote video (jicofo strips simulcast).
Either way the client keeps the "presence" list of remote source names, from which it builds the
ReceiverVideoConstraints jitsi-meet sends in tile view (defaultConstraints maxHeight 0 plus one
constraint per remote video source).

The page polls getStats every 250 ms; a task here fetches its snapshot every POLL_INTERVAL and
keeps per-endpoint counters (decoded video frames, received audio packets) so a `Call` can mix
these clients with aiortc `Peer`s. Selenium is synchronous: every page call goes through one lock
in a worker thread (asyncio.to_thread).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from focus import (CAPABILITY_SOURCE_NAMES, CAPABILITY_SSRC_REWRITING, Allocation, Focus, MediaSource,
                   new_endpoint_id)
from jingle_sdp import AnswerInfo, OfferBuilder, parse_answer

log = logging.getLogger("interop.chromium")

CHROMIUM_BINARY = os.environ.get("MEETPAD_CHROMIUM", "/usr/lib/chromium/chromium")  # /usr/bin/chromium is a wrapper
CHROMEDRIVER = os.environ.get("MEETPAD_CHROMEDRIVER", "/usr/bin/chromedriver")
PAGE = Path(__file__).resolve().parent / "web" / "client.html"

POLL_INTERVAL = 0.4  # seconds between snapshots of the page's state
GATHER_TIMEOUT = 10.0
TILE_VIEW_HEIGHT = 720  # jitsi-meet's tile quality for two or three participants on a large screen
SUPPORTED_CODECS = ("VP8", "AV1", "VP9", "H264")

# Flags: toolchain-notes "Chromium headless" plus loopback ICE (the test namespace has only lo).
BASE_FLAGS = [
    "--headless=new",
    "--no-sandbox",  # required as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
    # Background throttling would slow the page's timers (stats, maps) on a busy 2-core machine.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-component-update",
    "--disable-sync",
    "--mute-audio",
]


def chromium_missing_reason() -> Optional[str]:
    """None when chromium, chromedriver and selenium are usable (install-test-deps.sh installs them)."""
    for path in (CHROMIUM_BINARY, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} is not installed (scripts/install-test-deps.sh installs chromium and chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed in this Python (tests/interop/requirements.txt)"
    return None


class ChromiumError(RuntimeError):
    pass


class ChromiumClient:
    """One participant. `counts[owner][kind]`: decoded video frames / received audio packets from that
    endpoint (20 ms Opus packets, comparable to an aiortc peer's audio frame count)."""

    def __init__(self, name: str, workdir: Path, *, endpoint_id: Optional[str] = None, ssrc_rewriting: bool = True,
                 speaking: bool = False, audio_file: Optional[Path] = None, width: int = 1280, height: int = 720,
                 frame_rate: int = 15, simulcast: bool = True, artifact_dir: Optional[Path] = None,
                 codec: str = "VP8", fake_camera_fps: Optional[int] = None):
        """`codec`: what the client sends ("VP8" simulcast, "AV1"/"VP9" full SVC L3T3_KEY, "H264"
        simulcast), put first with setCodecPreferences. `fake_camera_fps`: Chromium's fake camera runs
        at 20 fps unless told otherwise (`--use-fake-device-for-media-stream=fps=N`); pass it with
        `frame_rate` (the getUserMedia ideal/max) for a 30 fps capture."""
        if codec.upper() not in SUPPORTED_CODECS:
            raise ValueError(f"codec {codec!r} is not one of {SUPPORTED_CODECS}")
        self.name = name
        self.codec = codec.upper()
        self.fake_camera_fps = fake_camera_fps
        self.endpoint_id = endpoint_id or new_endpoint_id()
        self.ssrc_rewriting = ssrc_rewriting
        self.speaking = speaking
        self.audio_file = audio_file
        self.width, self.height, self.frame_rate = width, height, frame_rate
        self.simulcast = simulcast
        self.workdir = Path(workdir) / f"chromium-{name}-{self.endpoint_id}"
        self.artifact_dir = artifact_dir
        self.driver = None
        self._driver_lock = threading.Lock()
        self.capture: dict[str, Any] = {}
        self.allocation: Optional[Allocation] = None
        self.offers: Optional[OfferBuilder] = None
        self.answer: Optional[AnswerInfo] = None
        self.local_sdp: Optional[str] = None
        self.sources: list[MediaSource] = []
        # "Presence": every remote source the conference knows of, signalled to the page or not.
        self.remote_sources: dict[str, MediaSource] = {}
        # Source name -> maxFrameRate for the receiver constraints (set_source_constraints).
        self._frame_rate_limits: dict[str, float] = {}
        self.receiver_constraints = self._tile_view_constraints(TILE_VIEW_HEIGHT, last_n=-1)
        self._constraints_sent = False
        # What the page recorded (times are the page's Date.now() in ms, the same clock as time.time()).
        self.messages: list[dict[str, Any]] = []  # {"t": ms, "msg": {...}}
        self._refreshing = asyncio.Lock()
        self.sent: list[dict[str, Any]] = []
        self.maps: list[dict[str, Any]] = []
        self.negotiations: list[dict[str, Any]] = []
        self.first_packet_at: dict[int, dict[str, float]] = {}
        self.remote_ssrcs: dict[int, dict[str, Any]] = {}
        self.errors: list[dict[str, Any]] = []
        self.stats: Optional[dict[str, Any]] = None
        self.connection_state: Optional[str] = None
        self.channel_state: Optional[str] = None
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: {"audio": 0, "video": 0})
        self._last_inbound: dict[str, dict[str, float]] = {}
        self.channel_open = asyncio.Event()
        self.joined_at: Optional[float] = None  # time.monotonic() after session-accept and trickle
        self._tile_height = TILE_VIEW_HEIGHT
        self._poller: Optional[asyncio.Task] = None

    def __repr__(self) -> str:
        return f"ChromiumClient({self.name} {self.endpoint_id})"

    # -- the browser ---------------------------------------------------------------------------

    @property
    def capabilities(self) -> tuple[str, ...]:
        return (CAPABILITY_SOURCE_NAMES, CAPABILITY_SSRC_REWRITING) if self.ssrc_rewriting else (CAPABILITY_SOURCE_NAMES,)

    @property
    def video_source_name(self) -> str:
        return f"{self.endpoint_id}-v0"

    @property
    def audio_source_name(self) -> str:
        return f"{self.endpoint_id}-a0"

    def flags(self) -> list[str]:
        flags = [*BASE_FLAGS, f"--user-data-dir={self.workdir / 'profile'}"]
        if self.fake_camera_fps is not None:
            flags = [f"--use-fake-device-for-media-stream=fps={self.fake_camera_fps}"
                     if f == "--use-fake-device-for-media-stream" else f for f in flags]
        if self.audio_file is not None:
            flags.append(f"--use-file-for-fake-audio-capture={self.audio_file}")
        return flags

    def launch_blocking(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.workdir.mkdir(parents=True, exist_ok=True)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM_BINARY
        for flag in self.flags():
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        log_path = (self.artifact_dir or self.workdir) / f"chromedriver-{self.name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        # An explicit chromedriver path: selenium-manager must not try to download one.
        service = Service(executable_path=CHROMEDRIVER, log_output=str(log_path), service_args=["--log-level=WARNING"])
        started = time.monotonic()
        self.driver = webdriver.Chrome(service=service, options=options)
        self.driver.set_script_timeout(60)
        self.driver.get(PAGE.as_uri())
        self.capture = self._js("return meetpad.init(arguments[0])", {
            "width": self.width, "height": self.height, "frameRate": self.frame_rate,
            "simulcast": self.simulcast, "ssrcRewriting": self.ssrc_rewriting, "speaking": self.speaking,
            "codec": self.codec,
            "videoSourceName": self.video_source_name, "receiverConstraints": self._constraints_for_page(),
        })
        log.info("%s: chromium up in %.1fs, capture %s", self.name, time.monotonic() - started, self.capture)

    async def launch(self) -> "ChromiumClient":
        if self.driver is None:
            await asyncio.to_thread(self.launch_blocking)
        return self

    def _js(self, script: str, *args: Any) -> Any:
        if self.driver is None:
            raise ChromiumError(f"{self.name}: browser not running")
        with self._driver_lock:
            return self.driver.execute_script(script, *args)

    async def js(self, script: str, *args: Any) -> Any:
        return await asyncio.to_thread(self._js, script, *args)

    # -- joining (the Call protocol: prepare / accept / add_remote_sources / remove_remote_sources) --

    async def join(self, focus: Focus, remote_sources: Iterable[MediaSource] = ()) -> None:
        await self.prepare(focus, remote_sources)
        await self.accept(focus)

    async def prepare(self, focus: Focus, remote_sources: Iterable[MediaSource] = ()) -> AnswerInfo:
        """allocate -> offer -> the page's munged answer -> gathered candidates."""
        await self.launch()
        self.allocation = await asyncio.to_thread(focus.allocate, self.endpoint_id,
                                                  f"{self.name}-{self.endpoint_id[:3]}", capabilities=self.capabilities)
        self.offers = OfferBuilder(self.allocation)
        signalled = []
        for source in remote_sources:
            self.remote_sources[source.id] = source
            if not self.ssrc_rewriting and self.offers.add_remote_source(source):
                signalled.append(source)
        await self._signal(signalled)
        self.local_sdp = await self.js("return meetpad.negotiate(arguments[0], 'session-initiate')", self.offers.offer())
        candidates = await self._gathered_candidates()
        self.local_sdp = await self.js("return meetpad.localDescription()")
        self.answer = parse_answer(self.local_sdp, self.endpoint_id)
        if not self.answer.candidates:
            log.warning("%s: no candidates in the local description; page gathered %s", self.name, candidates)
        self.sources = self.answer.sources
        await self._update_constraints()
        return self.answer

    async def accept(self, focus: Focus) -> None:
        transport = self.answer.transport
        await asyncio.to_thread(focus.session_accept, self.endpoint_id, transport, self.sources)
        await asyncio.to_thread(focus.trickle, self.endpoint_id, transport.ufrag, transport.pwd, self.answer.candidates)
        self.joined_at = time.monotonic()
        if self._poller is None:
            self._poller = asyncio.ensure_future(self._poll_forever())

    async def _gathered_candidates(self) -> list[str]:
        deadline = time.monotonic() + GATHER_TIMEOUT
        while True:
            state = await self.js("return meetpad.gatheringState()")
            if state["complete"]:
                return state["candidates"]
            if time.monotonic() > deadline:
                raise ChromiumError(f"{self.name}: ICE gathering not complete after {GATHER_TIMEOUT}s: {state}")
            await asyncio.sleep(0.05)

    async def add_remote_sources(self, sources: Iterable[MediaSource]) -> bool:
        """jicofo's source-add. A client with ssrc-rewriting gets none (it learns names from presence);
        one without gets a re-offer with the sources, simulcast stripped (OfferBuilder). True if renegotiated."""
        signalled = []
        for source in sources:
            self.remote_sources[source.id] = source
            if not self.ssrc_rewriting and self.offers.add_remote_source(source):
                signalled.append(source)
        if signalled:
            await self._signal(signalled)
            await self.js("return meetpad.negotiate(arguments[0], 'source-add')", self.offers.offer())
        await self._update_constraints()
        return bool(signalled)

    async def remove_remote_sources(self, source_ids: Iterable[str]) -> bool:
        changed = False
        for sid in source_ids:
            self.remote_sources.pop(sid, None)
            if not self.ssrc_rewriting:
                changed |= self.offers.remove_remote_source(sid)
        if changed:
            await self.js("return meetpad.negotiate(arguments[0], 'source-remove')", self.offers.offer())
        await self._update_constraints()
        return changed

    async def _signal(self, sources: list[MediaSource]) -> None:
        """SSRC -> owner for the signalled sources (what jicofo put into the offer)."""
        rows = []
        for s in sources:
            for primary in s.primary_ssrcs[:1]:
                rtx = s.rtx_for(primary)
                rows.append({"ssrc": primary, "rtx": rtx, "owner": s.owner, "source": s.id, "kind": s.type})
        if rows:
            await self.js("meetpad.setSignalledSources(arguments[0])", rows)

    # -- receiver constraints (jitsi-meet subscriber.ts, tile view) ---------------------------------

    def remote_video_source_names(self) -> list[str]:
        return sorted(s.id for s in self.remote_sources.values() if s.type == "video")

    def _tile_view_constraints(self, max_height: int, last_n: int,
                               per_source: Optional[dict[str, int]] = None) -> dict[str, Any]:
        per_source = per_source or {}
        return {
            "lastN": last_n,
            "defaultConstraints": {"maxHeight": 0},
            "constraints": {sid: self._source_constraint(sid, per_source.get(sid, max_height))
                            for sid in self.remote_video_source_names()},
            "onStageSources": [],
            "selectedSources": [],
        }

    def _source_constraint(self, source_id: str, max_height: int) -> dict[str, Any]:
        constraint: dict[str, Any] = {"maxHeight": max_height}
        if source_id in self._frame_rate_limits:
            constraint["maxFrameRate"] = self._frame_rate_limits[source_id]
        return constraint

    def _constraints_for_page(self) -> Optional[dict[str, Any]]:
        """jitsi-meet's tile view sends nothing while no remote video source is visible (subscriber.ts
        returns early); once anything was sent, lib-jitsi-meet re-sends its cached message on every
        channel open."""
        if not self._constraints_sent and not self.receiver_constraints["constraints"]:
            return None
        self._constraints_sent = True
        return self.receiver_constraints

    async def _update_constraints(self) -> None:
        c = self.receiver_constraints
        per_source = {sid: v["maxHeight"] for sid, v in c["constraints"].items()}
        self.receiver_constraints = self._tile_view_constraints(self._tile_height, c["lastN"], per_source)
        await self.js("return meetpad.setReceiverConstraints(arguments[0])", self._constraints_for_page())

    async def set_max_height(self, max_height: int, source_ids: Optional[Iterable[str]] = None) -> dict[str, Any]:
        """Tile quality for every remote video source (or only `source_ids`); sent at once. Returns the message."""
        c = self.receiver_constraints
        if source_ids is None:
            self._tile_height = max_height
            per_source = {}
        else:
            per_source = {sid: v["maxHeight"] for sid, v in c["constraints"].items()}
            per_source.update({sid: max_height for sid in source_ids})
        self.receiver_constraints = self._tile_view_constraints(self._tile_height, c["lastN"], per_source)
        self._constraints_sent = True
        await self.js("return meetpad.setReceiverConstraints(arguments[0])", self.receiver_constraints)
        return self.receiver_constraints

    async def set_source_constraints(self, source_ids: Iterable[str], max_height: int,
                                     max_frame_rate: Optional[float] = None) -> dict[str, Any]:
        """`{maxHeight, maxFrameRate}` for the given remote video sources (ReceiverVideoConstraints'
        per-source entry; the bridge reads maxFrameRate as a number, absent = unlimited). None removes a
        frame-rate limit. Sent at once; later set_max_height calls keep the frame-rate limits."""
        source_ids = list(source_ids)
        for sid in source_ids:
            if max_frame_rate is None:
                self._frame_rate_limits.pop(sid, None)
            else:
                self._frame_rate_limits[sid] = max_frame_rate
        return await self.set_max_height(max_height, source_ids)

    async def set_last_n(self, last_n: int) -> None:
        """ReceiverVideoConstraints with the new lastN, then LastNChangedEvent (lib-jitsi-meet's RTC.setLastN)."""
        self.receiver_constraints["lastN"] = last_n
        self._constraints_sent = True
        await self.js("return meetpad.setLastN(arguments[0], arguments[1])", last_n, self.receiver_constraints)

    async def send_receiver_constraints(self, constraints: dict[str, Any]) -> bool:
        """Any ReceiverVideoConstraints body (without colibriClass); kept for re-sending on channel open."""
        self.receiver_constraints = constraints
        self._constraints_sent = True
        return await self.js("return meetpad.setReceiverConstraints(arguments[0])", constraints)

    async def send_message(self, message: dict[str, Any]) -> bool:
        return await self.js("return meetpad.sendMessage(arguments[0])", message)

    async def inject_message(self, message: dict[str, Any]) -> None:
        """The page handles `message` as if it came from the bridge (recorded with "injected": True).
        Harness tests use it to feed source maps to a bridge that does not send them."""
        await self.js("meetpad.inject(arguments[0])", message)

    async def set_speaking(self, speaking: bool) -> None:
        """Speech (the fake microphone's WAV) or silence (track disabled: Opus frames of digital silence,
        audio level 127), like a participant who stops talking."""
        self.speaking = speaking
        await self.js("meetpad.setSpeaking(arguments[0])", speaking)

    # -- polling the page ----------------------------------------------------------------------

    async def _poll_forever(self) -> None:
        while True:
            try:
                await self.refresh()
            except asyncio.CancelledError:
                raise
            except Exception:  # a slow page must not kill the poller
                log.exception("%s: snapshot failed", self.name)
            await asyncio.sleep(POLL_INTERVAL)

    async def refresh(self) -> dict[str, Any]:
        # One snapshot at a time: the poller and a test refreshing together would both fetch the
        # messages after the same index and append them twice, and every later fetch would then
        # start past the page's end and miss messages (a lastN test waited 15 s for a speaker
        # event the page had received).
        async with self._refreshing:
            snap = await self.js("return meetpad.snapshot(arguments[0])",
                                 {"messages": len(self.messages), "sent": len(self.sent)})
            self._apply(snap)
            return snap

    def _apply(self, snap: dict[str, Any]) -> None:
        self.messages += snap["messages"]
        self.sent += snap["sent"]
        self.maps = snap["maps"]
        self.negotiations = snap["negotiations"]
        self.first_packet_at = {int(k): v for k, v in snap["firstPacketAt"].items()}
        self.remote_ssrcs = {int(k): v for k, v in snap["remoteSsrcs"].items()}
        self.errors = snap["errors"]
        self.connection_state = snap["connectionState"]
        self.channel_state = snap["channelState"]
        if self.channel_state == "open":
            self.channel_open.set()
        stats = snap["stats"]
        if stats is None:
            return
        self.stats = stats
        for ssrc, entry in stats["inbound"].items():
            kind = entry.get("kind")
            value = entry.get("framesDecoded", 0) if kind == "video" else entry.get("packetsReceived", 0)
            previous = self._last_inbound.get(ssrc, {}).get("value", 0)
            delta = value - previous if value >= previous else value
            owner = entry.get("owner") or self._feedback_owner(int(ssrc)) or "unattributed"
            if delta > 0 and kind in ("audio", "video"):
                self.counts[owner][kind] += delta
            self._last_inbound[ssrc] = {"value": value}

    def _feedback_owner(self, ssrc: int) -> Optional[str]:
        if self.allocation is not None and any(ssrc in f.ssrcs for f in self.allocation.feedback_sources):
            return "jvb"
        return None

    # -- what the tests read -------------------------------------------------------------------

    def snapshot(self) -> dict[str, dict[str, int]]:
        return {owner: dict(c) for owner, c in self.counts.items()}

    def received_from(self, other: Any, kind: str) -> int:
        eid = other.endpoint_id if hasattr(other, "endpoint_id") else str(other)
        return self.counts[eid][kind] if eid in self.counts else 0

    def total_received(self) -> int:
        return sum(c["audio"] + c["video"] for c in self.counts.values())

    def inbound(self, kind: Optional[str] = None, owner: Optional[str] = None) -> dict[int, dict[str, Any]]:
        """Latest inbound-rtp stats by SSRC (frameHeight, framesDecoded, freezeCount, packetsReceived, ...)."""
        if self.stats is None:
            return {}
        return {int(ssrc): e for ssrc, e in self.stats["inbound"].items()
                if (kind is None or e.get("kind") == kind) and (owner is None or e.get("owner") == owner)}

    def outbound_video(self) -> dict[int, dict[str, Any]]:
        """Latest outbound-rtp video stats by SSRC (bytesSent, frameHeight, active, rid, ...)."""
        if self.stats is None:
            return {}
        return {int(ssrc): e for ssrc, e in self.stats["outbound"].items() if e.get("kind") == "video"}

    def top_layer_height(self) -> Optional[int]:
        """The frameHeight the top simulcast layer (last SIM SSRC) is encoded at, None while it is not
        active or has produced no frame yet. Below the capture height when Chromium scaled it down."""
        ssrcs = self.simulcast_ssrcs
        entry = self.outbound_video().get(ssrcs[-1]) if ssrcs else None
        if not entry or not entry.get("active", True):
            return None
        return entry.get("frameHeight")

    def sending_video(self) -> Optional[dict[str, Any]]:
        """The outbound-rtp of the first SIM SSRC (the only one that carries media for AV1/VP9 SVC):
        codec mimeType, scalabilityMode, encoderImplementation, frameHeight, framesPerSecond, ..."""
        ssrcs = self.simulcast_ssrcs
        return self.outbound_video().get(ssrcs[0]) if ssrcs else None

    def outbound_audio(self) -> dict[int, dict[str, Any]]:
        if self.stats is None:
            return {}
        return {int(ssrc): e for ssrc, e in self.stats["outbound"].items() if e.get("kind") == "audio"}

    def available_outgoing_bitrate(self) -> Optional[float]:
        pair = (self.stats or {}).get("pair") or {}
        return pair.get("availableOutgoingBitrate")

    @property
    def simulcast_ssrcs(self) -> list[int]:
        """The SIM group of the local video (low -> high), from what was sent to the focus."""
        video = next((s for s in self.sources if s.type == "video"), None)
        if video is None:
            return []
        sim = next((g for g in video.groups if g.semantics == "SIM"), None)
        return list(sim.ssrcs) if sim else video.primary_ssrcs

    def messages_of(self, colibri_class: str, injected: Optional[bool] = None) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["msg"].get("colibriClass") == colibri_class
                and (injected is None or bool(m.get("injected")) == injected)]

    async def wait_for_message(self, predicate: Callable[[dict[str, Any]], bool], timeout: float,
                               after_ms: float = 0) -> dict[str, Any]:
        """The first received message (a {"t", "msg"} record, t >= after_ms) whose msg matches."""
        deadline = time.monotonic() + timeout
        while True:
            await self.refresh()
            for m in self.messages:
                if m["t"] >= after_ms and predicate(m["msg"]):
                    return m
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no matching bridge-channel message within {timeout}s; got "
                                     f"{[m['msg'].get('colibriClass') for m in self.messages][-30:]}")
            await asyncio.sleep(0.1)

    async def encodings(self) -> list[dict[str, Any]]:
        return await self.js("return meetpad.encodings()")

    def describe(self) -> str:
        return (f"{self.name}[{self.endpoint_id}] conn={self.connection_state} channel={self.channel_state} "
                f"rewriting={self.ssrc_rewriting} counts={self.snapshot()} maps={len(self.maps)} "
                f"negotiations={len(self.negotiations)} errors={[e['text'][:200] for e in self.errors]}")

    # -- teardown ------------------------------------------------------------------------------

    async def close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        await asyncio.to_thread(self.close_blocking)

    def close_blocking(self) -> None:
        """Saves the page's record (artifacts) and quits the browser; safe to call twice."""
        driver, self.driver = self.driver, None
        if driver is None:
            return
        try:
            if self.artifact_dir is not None:
                self._save_artifacts(driver)
        except Exception:
            log.exception("%s: saving artifacts failed", self.name)
        try:
            with self._driver_lock:
                driver.execute_script("meetpad.close()")
        except Exception:
            pass
        try:
            driver.quit()
        except Exception:
            log.exception("%s: driver.quit failed", self.name)
        process = getattr(getattr(driver, "service", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()
        shutil.rmtree(self.workdir / "profile", ignore_errors=True)

    def _save_artifacts(self, driver) -> None:
        with self._driver_lock:
            record = driver.execute_script(
                "return {snapshot: meetpad.snapshot({}), events: meetpad.events(), "
                "local: meetpad.localDescription(), remote: meetpad.remoteDescription()}")
            console = driver.get_log("browser")
        self.artifact_dir.mkdir(parents=True, exist_ok=True)
        record["name"] = self.name
        record["endpoint_id"] = self.endpoint_id
        (self.artifact_dir / f"client-{self.name}.json").write_text(json.dumps(record, indent=1, default=str))
        (self.artifact_dir / f"console-{self.name}.log").write_text(
            "\n".join(f"{e.get('timestamp')} {e.get('level')} {e.get('message')}" for e in console))
