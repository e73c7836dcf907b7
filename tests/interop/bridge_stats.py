"""The bridge's brewery `<stats>` read the way jicofo reads them (colibri2.md §1.4).

jicofo's `Bridge.setStats` takes each value as a string and parses it with Java's
`Double.parseDouble` (stress_level, average_participant_stress; an unparseable value is silently
ignored and the bridge keeps stress 0) or `Boolean.parseBoolean` (anything but "true", in any case,
is false). Python's float() and bool() accept other inputs ("inf", "1_0", "nan" in any case), so
both Java functions are reproduced here: a test that used float() could pass a presence that jicofo
would misread.
"""

from __future__ import annotations

import dataclasses
import math
import re
import xml.etree.ElementTree as ET
from typing import Optional

NS_COLIBRI = "http://jitsi.org/protocol/colibri"

# java.lang.Double.valueOf's grammar (FloatingDecimal.readJavaFormatString): optional sign, then
# NaN, Infinity, a decimal or a hexadecimal float, then an optional f/F/d/D type suffix.
_DIGITS = r"[0-9]+"
_DECIMAL = rf"(?:{_DIGITS}\.?[0-9]*|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?"
_HEX = r"0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+"
_JAVA_DOUBLE = re.compile(rf"([+-]?)(NaN|Infinity|{_HEX}|{_DECIMAL})[fFdD]?")


def java_parse_double(text: str) -> float:
    """java.lang.Double.parseDouble: raises ValueError where Java throws NumberFormatException.
    Leading and trailing characters <= U+0020 are trimmed first, as String.trim() does."""
    trimmed = text.strip("".join(chr(c) for c in range(0x21)))
    m = _JAVA_DOUBLE.fullmatch(trimmed)
    if m is None:
        raise ValueError(f"Double.parseDouble({text!r}) throws NumberFormatException")
    sign, body = m.group(1), m.group(2)
    if body == "NaN":
        return math.nan
    if body == "Infinity":
        return -math.inf if sign == "-" else math.inf
    if body[:2] in ("0x", "0X"):
        value = float.fromhex(body)
    else:
        value = float(body)
    return -value if sign == "-" else value


def java_parse_boolean(text: Optional[str]) -> bool:
    """java.lang.Boolean.parseBoolean: true only for "true" ignoring case; null and anything else false."""
    return text is not None and text.lower() == "true"


def _java_double_or_none(text: Optional[str]) -> Optional[float]:
    """ColibriStatsExtension.getDouble: null when absent or unparseable."""
    if text is None:
        return None
    try:
        return java_parse_double(text)
    except ValueError:
        return None


@dataclasses.dataclass
class JicofoBridgeView:
    """What one presence makes jicofo believe (Bridge.setStats). None = the presence did not set it
    (jicofo keeps its previous value: stress 0, averageParticipantStress 0.01, draining TRUE)."""

    stress_level: Optional[float]
    average_participant_stress: Optional[float]
    drain: Optional[bool]
    graceful_shutdown: bool  # sticky in jicofo once true
    shutting_down: bool  # sticky in jicofo once true
    healthy: Optional[bool]
    version: Optional[str]
    release: Optional[str]
    region: Optional[str]
    relay_id: Optional[str]


def jicofo_view(stats: dict[str, str]) -> JicofoBridgeView:
    def bool_or_none(name: str) -> Optional[bool]:
        return java_parse_boolean(stats[name]) if name in stats else None

    return JicofoBridgeView(
        stress_level=_java_double_or_none(stats.get("stress_level")),
        average_participant_stress=_java_double_or_none(stats.get("average_participant_stress")),
        drain=bool_or_none("drain"),
        graceful_shutdown=java_parse_boolean(stats.get("graceful_shutdown")),
        shutting_down=java_parse_boolean(stats.get("shutting_down")),
        healthy=bool_or_none("healthy"),
        version=stats.get("version"),
        release=stats.get("release"),
        region=stats.get("region"),
        relay_id=stats.get("relay_id"),
    )


def parse_stats_element(presence: ET.Element) -> Optional[tuple[dict[str, str], list[str]]]:
    """The `<stats xmlns=colibri>` of a presence as {name: value}, plus the names that appear more than
    once (jicofo would read only one of them). None when the presence has no <stats>: jicofo then
    skips the presence entirely."""
    stats = presence.find(f"{{{NS_COLIBRI}}}stats")
    if stats is None:
        return None
    values: dict[str, str] = {}
    duplicates: list[str] = []
    for stat in stats.findall(f"{{{NS_COLIBRI}}}stat"):
        name, value = stat.get("name"), stat.get("value")
        if name is None or value is None:
            continue
        if name in values:
            duplicates.append(name)
        values[name] = value
    return values, duplicates


def problems_for_jicofo(stats: dict[str, str]) -> list[str]:
    """Everything about these stats that would make jicofo misjudge the bridge, as readable text
    (empty list = fine). Checks what issue 3 names: drain present, stress a finite decimal, version
    non-empty, booleans literally true/false, conference and participant counts non-negative integers."""
    problems = []
    view = jicofo_view(stats)
    if "drain" not in stats:
        problems.append("no drain stat: jicofo keeps the bridge in drain mode (isDraining starts true)")
    for name in ("stress_level", "average_participant_stress"):
        if name not in stats:
            problems.append(f"no {name}")
            continue
        value = getattr(view, name)
        if value is None:
            problems.append(f"{name}={stats[name]!r}: Double.parseDouble throws, jicofo ignores it")
        elif not math.isfinite(value) or value < 0:
            problems.append(f"{name}={stats[name]!r} parses to {value}, not a finite non-negative load")
    for name in ("drain", "graceful_shutdown", "shutting_down", "healthy"):
        if name in stats and stats[name] not in ("true", "false"):
            problems.append(f"{name}={stats[name]!r} is not true/false (Boolean.parseBoolean reads "
                            f"{java_parse_boolean(stats[name])})")
    for name in ("graceful_shutdown", "shutting_down", "healthy"):
        if name not in stats:
            problems.append(f"no {name}")
    if not view.version:
        problems.append("version missing or empty")
    for name in ("conferences", "participants"):
        if not re.fullmatch(r"[0-9]+", stats.get(name, "")):
            problems.append(f"{name}={stats.get(name)!r} is not a non-negative integer")
    return problems
