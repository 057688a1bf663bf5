"""The safety protocol: every rule, threshold, severity and source, from one file.

``data/protocol.toml`` is the only place a threshold lives. A profile may override a
threshold within the bounds the file gives (``rule_overrides["<rule>.<name>"]``) and
may record the interval their dermatologist prescribed; ``Protocol.for_profile``
applies both. The rule engine (``dermadash.rules.evaluation``) reads thresholds from here only.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from dermadash.settings import PROJECT_ROOT
from dermadash.storage.validation import Problem, ValidationError, raise_if_any

if TYPE_CHECKING:
    from dermadash.storage.profiles import ProfileSettings

PROTOCOL_PATH = PROJECT_ROOT / "data" / "protocol.toml"

# The public rule ids, in the order of the product brief. The protocol file must hold
# exactly these, in this order (checked on load).
RULE_IDS: tuple[str, ...] = (
    "needle-too-long",
    "too-frequent",
    "ask-dermatologist",
    "active-acne",
    "not-sterilized",
    "not-cleaned-after",
    "skin-not-clean",
    "too-many-passes",
    "too-painful",
    "stinging-too-long",
    "redness-too-long",
    "rolled-on-red-skin",
    "side-effect",
    "makeup-too-soon",
    "sun-too-soon",
    "retinoid-too-close",
    "isotretinoin",
    "roller-worn",
    "roller-shared",
    "check-in-missing",
)
SEVERITIES = ("critical", "warning", "info")


class ProtocolFileError(ValueError):
    """The protocol file is malformed (a developer error, caught by the tests)."""


@dataclass(frozen=True)
class Threshold:
    """One number a rule compares against, with the bounds it may be overridden within."""

    rule_id: str
    name: str
    label: str
    default: float
    unit: str
    minimum: float
    maximum: float
    integer: bool = False
    value: float | None = None

    @property
    def key(self) -> str:
        """The key a profile's ``rule_overrides`` uses: ``"<rule id>.<name>"``."""
        return f"{self.rule_id}.{self.name}"

    @property
    def current(self) -> float:
        return self.default if self.value is None else self.value

    @property
    def overridden(self) -> bool:
        return self.value is not None and self.value != self.default

    def describe(self, value: float | None = None) -> str:
        """'0.5 mm', '7 days', '0.5 of the minimum'."""
        shown = self.current if value is None else value
        return f"{shown:g} {self.unit}".strip()

    def describe_bounds(self) -> str:
        return f"between {self.describe(self.minimum)} and {self.describe(self.maximum)}"

    def problem(self, value: object) -> Problem | None:
        """What is wrong with ``value`` as an override, in plain words, or None."""
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            return Problem(self.key, f"{self.label} must be a number {self.describe_bounds()}.")
        if self.integer and value != int(value):
            return Problem(
                self.key, f"{self.label} must be a whole number {self.describe_bounds()}."
            )
        if not self.minimum <= value <= self.maximum:
            return Problem(
                self.key,
                f"{self.label} must stay {self.describe_bounds()} to remain safe "
                f"(you entered {value:g}).",
            )
        return None

    def clamped(self, value: float) -> float:
        """``value`` brought inside the safe bounds (for stored values edited by hand)."""
        inside = min(max(float(value), self.minimum), self.maximum)
        return float(round(inside)) if self.integer else inside


@dataclass(frozen=True)
class RuleSpec:
    """One rule of the protocol as the protocol file describes it."""

    id: str
    title: str
    when: str
    severities: tuple[str, ...]
    source: str
    why: str
    message: str
    advice: str
    critical_message: str | None = None
    critical_advice: str | None = None
    thresholds: tuple[Threshold, ...] = ()

    @property
    def severity(self) -> str:
        """'warning', or 'warning / critical' for a rule with a split."""
        return " / ".join(self.severities)

    def threshold(self, name: str) -> Threshold:
        for threshold in self.thresholds:
            if threshold.name == name:
                return threshold
        raise KeyError(f"{self.id} has no threshold {name!r}")

    def value(self, name: str) -> float:
        """The current value of one threshold (with the profile's override)."""
        return self.threshold(name).current

    def describe_when(self) -> str:
        """What raises the flag, with this profile's thresholds and units filled in."""
        values = {threshold.name: threshold.describe() for threshold in self.thresholds}
        return self.when.format(**values)

    def describe_thresholds(self) -> str:
        """'Most passes in one direction: 4 passes (yours; default 6 passes)'."""
        parts = []
        for threshold in self.thresholds:
            note = (
                f" (yours; default {threshold.describe(threshold.default)})"
                if threshold.overridden
                else ""
            )
            parts.append(f"{threshold.label}: {threshold.describe()}{note}")
        return "; ".join(parts)

    def message_for(self, severity: str) -> str:
        return (
            self.critical_message
            if severity == "critical" and self.critical_message
            else (self.message)
        )

    def advice_for(self, severity: str) -> str:
        return (
            self.critical_advice
            if severity == "critical" and self.critical_advice
            else (self.advice)
        )


@dataclass(frozen=True)
class Protocol:
    """Every rule, with a profile's overrides and prescribed interval applied."""

    version: int
    rules: tuple[RuleSpec, ...]
    passes_per_direction: int
    overrides: Mapping[str, float] = field(default_factory=dict)
    prescribed_interval_days: int | None = None

    def rule(self, rule_id: str) -> RuleSpec:
        for spec in self.rules:
            if spec.id == rule_id:
                return spec
        raise KeyError(rule_id)

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        return tuple(threshold for spec in self.rules for threshold in spec.thresholds)

    def threshold(self, key: str) -> Threshold:
        rule_id, _, name = key.partition(".")
        return self.rule(rule_id).threshold(name)

    def value(self, key: str) -> float:
        """The current value of a threshold by key, e.g. ``"redness-too-long.warning_hours"``."""
        return self.threshold(key).current

    @property
    def default_passes(self) -> int:
        """Passes per direction for the log form: the guide's number, never above the limit."""
        limit = self.value("too-many-passes.max_passes")
        return int(min(self.passes_per_direction, limit))

    def table(self) -> pd.DataFrame:
        """Every rule with its current thresholds, for the Protocol page and exports."""
        rows = []
        for spec in self.rules:
            when = spec.describe_when()
            thresholds = spec.describe_thresholds()
            if spec.id == "too-frequent" and self.prescribed_interval_days is not None:
                prescribed = f"prescribed interval: {self.prescribed_interval_days} days"
                thresholds = f"{prescribed} (replaces both minimums); {thresholds}"
            rows.append(
                {
                    "rule": spec.id,
                    "title": spec.title,
                    "severity": spec.severity,
                    "when": when[:1].upper() + when[1:],
                    "thresholds": thresholds or "no number to set",
                    "source": spec.source,
                    "why": spec.why,
                }
            )
        return pd.DataFrame(rows)

    def override_problems(self, overrides: Mapping[str, Any]) -> list[Problem]:
        """Everything wrong with a set of overrides (unknown keys, values out of bounds)."""
        known = {threshold.key: threshold for threshold in self.thresholds}
        problems: list[Problem] = []
        for key, value in overrides.items():
            if key not in known:
                problems.append(Problem(key, f"'{key}' is not a threshold of the protocol."))
                continue
            problem = known[key].problem(value)
            if problem is not None:
                problems.append(problem)
        return problems

    def check_overrides(self, overrides: Mapping[str, Any]) -> None:
        """Raise ``ValidationError`` naming each override outside its safe bounds."""
        raise_if_any(self.override_problems(overrides))

    def with_overrides(
        self,
        overrides: Mapping[str, Any],
        prescribed_interval_days: int | None = None,
    ) -> Protocol:
        """This protocol with more overrides on top; unknown keys are ignored and values
        outside the safe bounds are clamped (validate with ``check_overrides`` first)."""
        merged = {**self.overrides}
        known = {threshold.key: threshold for threshold in self.thresholds}
        for key, value in overrides.items():
            threshold = known.get(key)
            if threshold is None or isinstance(value, bool):
                continue
            if not isinstance(value, int | float) or not math.isfinite(value):
                continue
            merged[key] = threshold.clamped(value)
        rules = tuple(
            replace(
                spec,
                thresholds=tuple(
                    replace(threshold, value=merged.get(threshold.key))
                    for threshold in spec.thresholds
                ),
            )
            for spec in self.rules
        )
        prescribed = (
            prescribed_interval_days
            if prescribed_interval_days is not None
            else self.prescribed_interval_days
        )
        return replace(self, rules=rules, overrides=merged, prescribed_interval_days=prescribed)

    def for_profile(self, profile: ProfileSettings) -> Protocol:
        """Apply a profile's overrides and prescribed interval (safe to apply twice)."""
        return self.with_overrides(profile.rule_overrides or {}, profile.prescribed_interval_days)


def load_protocol(path: Path | None = None) -> Protocol:
    """The protocol file's rules with their default thresholds."""
    return _load(path or PROTOCOL_PATH)


@cache
def _load(path: Path) -> Protocol:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as problem:
        raise ProtocolFileError(f"Cannot read the protocol file {path}: {problem}") from problem
    rules = tuple(_rule(entry) for entry in document.get("rules", []))
    ids = tuple(spec.id for spec in rules)
    if ids != RULE_IDS:
        raise ProtocolFileError(f"The protocol file must list exactly {RULE_IDS}, got {ids}.")
    return Protocol(
        version=int(document["version"]),
        rules=rules,
        passes_per_direction=int(document["log_defaults"]["passes_per_direction"]),
    )


def _rule(entry: dict[str, Any]) -> RuleSpec:
    severities = tuple(entry["severities"])
    if not severities or any(severity not in SEVERITIES for severity in severities):
        raise ProtocolFileError(f"{entry['id']}: unknown severity in {severities}")
    thresholds = tuple(
        Threshold(
            rule_id=entry["id"],
            name=item["name"],
            label=item["label"],
            default=float(item["default"]),
            unit=item["unit"],
            minimum=float(item["minimum"]),
            maximum=float(item["maximum"]),
            integer=bool(item.get("integer", False)),
        )
        for item in entry.get("thresholds", [])
    )
    for threshold in thresholds:
        if not threshold.minimum <= threshold.default <= threshold.maximum:
            raise ProtocolFileError(f"{threshold.key}: default outside its bounds")
    return RuleSpec(
        id=entry["id"],
        title=entry["title"],
        when=entry["when"],
        severities=severities,
        source=entry["source"],
        why=entry["why"],
        message=entry["message"],
        advice=entry["advice"],
        critical_message=entry.get("critical_message"),
        critical_advice=entry.get("critical_advice"),
        thresholds=thresholds,
    )


def check_overrides(overrides: Mapping[str, Any]) -> None:
    """Validate a profile's overrides against the protocol file's safe bounds."""
    load_protocol().check_overrides(overrides)


__all__ = [
    "PROTOCOL_PATH",
    "RULE_IDS",
    "SEVERITIES",
    "Protocol",
    "ProtocolFileError",
    "RuleSpec",
    "Threshold",
    "ValidationError",
    "check_overrides",
    "load_protocol",
]
