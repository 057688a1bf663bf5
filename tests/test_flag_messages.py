"""What each flag says, with the protocol's defaults and with every override a profile
may set: the words must follow the numbers the engine used, never the defaults'."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from dermadash.rules import scheduling
from tests.random_logs import sessions_frame
from tests.rule_cases import at, evaluate, of_rule, person

DAY = date(2026, 2, 2)  # a Monday; the rule cases' "now" is 2 Mar 2026, 12:00 UTC


def checked_in(day: date = DAY, **fields: Any) -> dict[str, Any]:
    return {"started_at": at(day), "has_check_in": True, **fields}


def two_apart(days: int, needle: float = 0.25) -> list[dict[str, Any]]:
    return [
        checked_in(needle_mm=needle),
        checked_in(DAY + timedelta(days=days), needle_mm=needle),
    ]


def only_message(flags: Any, rule: str, severity: str) -> str:
    found = of_rule(flags, rule)
    assert found["severity"].tolist() == [severity]
    return str(found["message"].iloc[0])


@pytest.mark.parametrize(
    ("overrides", "days", "expected"),
    [
        ({}, 3, "less than half of the 7 days minimum"),
        ({"too-frequent.critical_fraction": 0.75}, 5, "less than 75 % of the 7 days minimum"),
        ({"too-frequent.critical_fraction": 0.6}, 4, "less than 60 % of the 7 days minimum"),
    ],
)
def test_too_frequent_critical_names_the_share_it_used(
    overrides: dict[str, float], days: int, expected: str
) -> None:
    flags = evaluate(two_apart(days), profile=person(rule_overrides=overrides))
    message = only_message(flags, "too-frequent", "critical")
    assert expected in message
    assert f"rolled {days} days after" in message


def test_too_frequent_warning_between_the_share_and_the_minimum() -> None:
    """6 days on a 7-day minimum with a 0.75 share: 6 >= 5.25, so only a warning."""
    profile = person(rule_overrides={"too-frequent.critical_fraction": 0.75})
    message = only_message(evaluate(two_apart(6), profile=profile), "too-frequent", "warning")
    assert message == (
        "Left cheek was rolled 6 days after its previous session; "
        "the minimum is 7 days (for needles up to 0.5 mm)."
    )


@pytest.mark.parametrize(
    ("overrides", "days", "needle", "expected"),
    [
        ({"too-frequent.short_needle_days": 10}, 9, 0.25, "the minimum is 10 days"),
        ({"too-frequent.long_needle_days": 35}, 30, 0.75, "the minimum is 35 days"),
        (
            {"too-frequent.short_needle_max_mm": 0.25},
            20,
            0.5,
            "the minimum is 28 days (when a needle longer than 0.25 mm is used)",
        ),
    ],
)
def test_too_frequent_minimum_follows_the_override(
    overrides: dict[str, float], days: int, needle: float, expected: str
) -> None:
    profile = person(experienced=True, rule_overrides=overrides)
    message = only_message(
        evaluate(two_apart(days, needle), profile=profile), "too-frequent", "warning"
    )
    assert expected in message


def test_prescribed_interval_is_named_as_the_basis() -> None:
    profile = person(prescribed_interval_days=14)
    message = only_message(evaluate(two_apart(10), profile=profile), "too-frequent", "warning")
    assert "the minimum is 14 days (prescribed by your dermatologist)" in message


@pytest.mark.parametrize(
    ("settings", "session", "rule", "severity", "expected"),
    [
        (
            {"rule_overrides": {"needle-too-long.home_max_mm": 0.3}},
            {"needle_mm": 0.4},
            "needle-too-long",
            "warning",
            "Rolled with a 0.4 mm needle, longer than 0.3 mm",
        ),
        (
            {"experienced": True, "rule_overrides": {"needle-too-long.experienced_max_mm": 0.6}},
            {"needle_mm": 0.7},
            "needle-too-long",
            "critical",
            "Rolled with a 0.7 mm needle, longer than 0.6 mm",
        ),
        (
            {"rule_overrides": {"too-many-passes.max_passes": 4}},
            {"passes_vertical": 5},
            "too-many-passes",
            "warning",
            "more than 4 in one direction",
        ),
        (
            {"rule_overrides": {"too-painful.painful_from": 5}},
            {"pain": 5},
            "too-painful",
            "warning",
            "Pain rated 5 of 10 (5 or more counts as painful).",
        ),
        (
            {"rule_overrides": {"stinging-too-long.max_minutes": 20}},
            {"stinging_minutes": 25},
            "stinging-too-long",
            "warning",
            "Stinging lasted 25 min (more than 20 min).",
        ),
        (
            {"rule_overrides": {"redness-too-long.warning_hours": 36}},
            {"redness_hours": 40},
            "redness-too-long",
            "warning",
            "Redness lasted 40 h (more than 36 h).",
        ),
        (
            {"rule_overrides": {"redness-too-long.critical_hours": 60}},
            {"redness_hours": 65},
            "redness-too-long",
            "critical",
            "Redness lasted 65 h (more than 60 h).",
        ),
        (
            {
                "isotretinoin_last_dose": date(2025, 6, 1),
                "rule_overrides": {"isotretinoin.months": 12},
            },
            {},
            "isotretinoin",
            "critical",
            "within 12 months of the last isotretinoin dose",
        ),
    ],
)
def test_each_override_is_the_number_in_the_message(
    settings: dict[str, Any], session: dict[str, Any], rule: str, severity: str, expected: str
) -> None:
    flags = evaluate([checked_in(**session)], profile=person(**settings))
    assert expected in only_message(flags, rule, severity)


def test_roller_worn_names_the_overridden_limit() -> None:
    sessions = [
        {**checked_in(DAY + timedelta(days=7 * number)), "session_id": number + 1, "roller_id": 1}
        for number in range(4)
    ]
    profile = person(rule_overrides={"roller-worn.max_sessions": 3})
    flags = evaluate(sessions, profile=profile, rollers=[{"roller_id": 1, "name": "Gold roller"}])
    found = of_rule(flags, "roller-worn")
    assert found["message"].tolist() == [
        "Session 4 with Gold roller; a roller is worn out after 3 sessions."
    ]


def test_check_in_missing_names_the_overridden_hours() -> None:
    # Two days before "now" (2 Mar 2026 12:00 UTC), no check-in.
    session = {"started_at": at(date(2026, 2, 28), 10)}
    profile = person(rule_overrides={"check-in-missing.hours": 24})
    message = only_message(evaluate([session], profile=profile), "check-in-missing", "info")
    assert message == "No check-in recorded more than 24 h after the session."


# Every rule's message and advice, word for word, at the protocol's defaults and with each
# threshold a profile may override. The protocol file is read here with tomllib, not
# through the engine's loader, so a wrong lookup in the engine cannot hide.

PROTOCOL = tomllib.loads(
    (Path(__file__).resolve().parent.parent / "data" / "protocol.toml").read_text()
)
RULES = {rule["id"]: rule for rule in PROTOCOL["rules"]}
THRESHOLD_KEYS = {
    f"{rule['id']}.{item['name']}"
    for rule in PROTOCOL["rules"]
    for item in rule.get("thresholds", [])
}


@dataclass(frozen=True)
class Wording:
    """One flag's expected message and advice, and the log and profile that raise it."""

    rule: str
    severity: str
    sessions: list[dict[str, Any]]
    message: str
    advice: str
    settings: dict[str, Any] = field(default_factory=dict)
    rollers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overrides(self) -> set[str]:
        return set(self.settings.get("rule_overrides", {}))


def one(**fields: Any) -> list[dict[str, Any]]:
    return [checked_in(**fields)]


def used_roller(times: int, **fields: Any) -> list[dict[str, Any]]:
    return [
        {**checked_in(DAY + timedelta(days=7 * number)), "session_id": number + 1, "roller_id": 1}
        | fields
        for number in range(times)
    ]


GOLD = [{"roller_id": 1, "name": "Gold roller"}]
SHARED_GOLD = [{"roller_id": 1, "name": "Gold roller", "shared": True}]
PAUSE = (
    "Pause rolling this area (Left cheek) and let it recover fully; rolling this often harms "
    "the skin faster than it heals. Then leave at least {minimum} between sessions."
)
FREQUENT_WARNING = (
    "Left cheek was rolled {days} after its previous session; the minimum is {minimum} ({basis})."
)
FREQUENT_CRITICAL = (
    "Left cheek was rolled {days} after its previous session, less than {share} of the "
    "{minimum} minimum ({basis})."
)
SHORT = "for needles up to 0.5 mm"
LONGER = "when a needle longer than 0.5 mm is used"
PRESCRIBED = "prescribed by your dermatologist"


def frequent_warning(days: int, minimum: int, basis: str) -> tuple[str, str]:
    return (
        FREQUENT_WARNING.format(days=f"{days} days", minimum=f"{minimum} days", basis=basis),
        f"Leave at least {minimum} days between sessions on the same area.",
    )


def frequent_critical(days: int, minimum: int, basis: str, share: str = "half") -> tuple[str, str]:
    return (
        FREQUENT_CRITICAL.format(
            days=f"{days} days", minimum=f"{minimum} days", basis=basis, share=share
        ),
        PAUSE.format(minimum=f"{minimum} days"),
    )


def passes_advice(limit: int) -> str:
    return (
        f"Stop at {limit} passes per direction, or sooner when the skin turns deep pink or "
        "pinpoint bleeding starts."
    )


HOME_ADVICE = (
    "Go back to a needle of {limit} mm or shorter until you are experienced and your skin "
    "tolerates it."
)
CLINIC_ADVICE = (
    "Stop using this roller at home: needles this long are for professionals. Ask a "
    "dermatologist before going above {limit} mm."
)
REDNESS_WARNING_ADVICE = "Give the skin extra days before the next session and roll more gently."
REDNESS_CRITICAL_ADVICE = (
    "Redness for this long is not a normal reaction: stop rolling and see a dermatologist."
)
STINGING_ADVICE = (
    "Roll more gently or less often next time. If stinging keeps lasting this long, tell a "
    "dermatologist."
)
PAIN_ADVICE = "Press less and keep the skin taut; if it still hurts, use a shorter needle."
SIDE_EFFECT_ADVICE = (
    "Stop rolling and see a dermatologist, straight away for signs of infection or an "
    "allergic reaction."
)
CHECK_IN_ADVICE = "Add the check-in: how long redness and stinging lasted, and any side effects."
WORN_ADVICE = "Replace the roller and retire the old one in the app."
TWO_DAYS_EARLY = {"started_at": at(date(2026, 2, 28), 10)}  # 50 h before "now"


WORDINGS = {
    "needle home limit": Wording(
        "needle-too-long",
        "warning",
        one(needle_mm=0.6),
        "Rolled with a 0.6 mm needle, longer than 0.5 mm (the home limit without experience).",
        HOME_ADVICE.format(limit="0.5"),
    ),
    "needle home limit overridden": Wording(
        "needle-too-long",
        "warning",
        one(needle_mm=0.4),
        "Rolled with a 0.4 mm needle, longer than 0.3 mm (the home limit without experience).",
        HOME_ADVICE.format(limit="0.3"),
        {"rule_overrides": {"needle-too-long.home_max_mm": 0.3}},
    ),
    "needle clinic limit": Wording(
        "needle-too-long",
        "critical",
        one(needle_mm=1.0),
        "Rolled with a 1 mm needle, longer than 0.75 mm (the longest advised at home for anyone).",
        CLINIC_ADVICE.format(limit="0.75"),
    ),
    "needle clinic limit overridden": Wording(
        "needle-too-long",
        "critical",
        one(needle_mm=0.7),
        "Rolled with a 0.7 mm needle, longer than 0.6 mm (the longest advised at home for anyone).",
        CLINIC_ADVICE.format(limit="0.6"),
        {"experienced": True, "rule_overrides": {"needle-too-long.experienced_max_mm": 0.6}},
    ),
    "too frequent": Wording(
        "too-frequent", "warning", two_apart(4), *frequent_warning(4, 7, SHORT)
    ),
    "too frequent, critical": Wording(
        "too-frequent", "critical", two_apart(3), *frequent_critical(3, 7, SHORT)
    ),
    "too frequent, critical share overridden": Wording(
        "too-frequent",
        "critical",
        two_apart(5),
        *frequent_critical(5, 7, SHORT, share="75 %"),
        {"rule_overrides": {"too-frequent.critical_fraction": 0.75}},
    ),
    "too frequent, short minimum overridden": Wording(
        "too-frequent",
        "warning",
        two_apart(9),
        *frequent_warning(9, 10, SHORT),
        {"rule_overrides": {"too-frequent.short_needle_days": 10}},
    ),
    "too frequent, longer needle": Wording(
        "too-frequent",
        "warning",
        two_apart(20, needle=0.75),
        *frequent_warning(20, 28, LONGER),
        {"experienced": True},
    ),
    "too frequent, long minimum overridden": Wording(
        "too-frequent",
        "critical",
        two_apart(10, needle=0.75),
        *frequent_critical(10, 35, LONGER),
        {"experienced": True, "rule_overrides": {"too-frequent.long_needle_days": 35}},
    ),
    "too frequent, short needle limit overridden": Wording(
        "too-frequent",
        "warning",
        two_apart(20, needle=0.5),
        *frequent_warning(20, 28, "when a needle longer than 0.25 mm is used"),
        {"rule_overrides": {"too-frequent.short_needle_max_mm": 0.25}},
    ),
    "too frequent, short needles under an overridden limit": Wording(
        "too-frequent",
        "warning",
        two_apart(5, needle=0.25),
        *frequent_warning(5, 7, "for needles up to 0.25 mm"),
        {"rule_overrides": {"too-frequent.short_needle_max_mm": 0.25}},
    ),
    "too frequent, prescribed": Wording(
        "too-frequent",
        "warning",
        two_apart(10),
        *frequent_warning(10, 14, PRESCRIBED),
        {"prescribed_interval_days": 14},
    ),
    "too frequent, prescribed, critical": Wording(
        "too-frequent",
        "critical",
        two_apart(6),
        *frequent_critical(6, 14, PRESCRIBED),
        {"prescribed_interval_days": 14},
    ),
    "ask dermatologist": Wording(
        "ask-dermatologist",
        "info",
        [],
        "Your scar baseline is severe and no interval from a dermatologist is recorded.",
        "Ask a dermatologist how often you should roll and enter that interval in Settings. "
        "Until then the default intervals apply.",
        {"scar_baseline": "severe"},
    ),
    "active acne": Wording(
        "active-acne",
        "critical",
        one(active_acne=True),
        "Rolled over active acne or inflamed skin.",
        "Roll around spots and inflamed patches, never over them, and wait until they have healed.",
    ),
    "not sterilized": Wording(
        "not-sterilized",
        "critical",
        one(sterilized_before=False),
        "The roller was not sterilized before the session.",
        "Disinfect the roller with rubbing alcohol before every session and let it dry. Watch "
        "the area for signs of infection over the next days.",
    ),
    "not cleaned after": Wording(
        "not-cleaned-after",
        "warning",
        one(sterilized_after=False),
        "The roller was not sterilized after the session.",
        "Rinse and disinfect the roller with rubbing alcohol straight after rolling, then keep "
        "it in its case.",
    ),
    "skin not clean": Wording(
        "skin-not-clean",
        "warning",
        one(skin_cleansed=False),
        "The skin was not cleansed before rolling (makeup or residue left on).",
        "Wash with a gentle cleanser and remove every trace of makeup before rolling.",
    ),
    "too many passes": Wording(
        "too-many-passes",
        "warning",
        one(passes_vertical=7, passes_horizontal=8, passes_diagonal=6),
        "Rolled 7 vertical and 8 horizontal passes, more than 6 in one direction.",
        passes_advice(6),
    ),
    "too many passes overridden": Wording(
        "too-many-passes",
        "warning",
        one(passes_vertical=4, passes_diagonal=5),
        "Rolled 5 diagonal passes, more than 4 in one direction.",
        passes_advice(4),
        {"rule_overrides": {"too-many-passes.max_passes": 4}},
    ),
    "too painful": Wording(
        "too-painful",
        "warning",
        one(pain=8),
        "Pain rated 8 of 10 (7 or more counts as painful).",
        PAIN_ADVICE,
    ),
    "too painful overridden": Wording(
        "too-painful",
        "warning",
        one(pain=5),
        "Pain rated 5 of 10 (5 or more counts as painful).",
        PAIN_ADVICE,
        {"rule_overrides": {"too-painful.painful_from": 5}},
    ),
    "stinging": Wording(
        "stinging-too-long",
        "warning",
        one(stinging_minutes=45),
        "Stinging lasted 45 min (more than 30 min).",
        STINGING_ADVICE,
    ),
    "stinging overridden": Wording(
        "stinging-too-long",
        "warning",
        one(stinging_minutes=25),
        "Stinging lasted 25 min (more than 20 min).",
        STINGING_ADVICE,
        {"rule_overrides": {"stinging-too-long.max_minutes": 20}},
    ),
    "redness": Wording(
        "redness-too-long",
        "warning",
        one(redness_hours=30),
        "Redness lasted 30 h (more than 24 h).",
        REDNESS_WARNING_ADVICE,
    ),
    "redness overridden": Wording(
        "redness-too-long",
        "warning",
        one(redness_hours=40),
        "Redness lasted 40 h (more than 36 h).",
        REDNESS_WARNING_ADVICE,
        {"rule_overrides": {"redness-too-long.warning_hours": 36}},
    ),
    "redness, critical": Wording(
        "redness-too-long",
        "critical",
        one(redness_hours=80.5),
        "Redness lasted 80.5 h (more than 72 h).",
        REDNESS_CRITICAL_ADVICE,
    ),
    "redness, critical overridden": Wording(
        "redness-too-long",
        "critical",
        one(redness_hours=65),
        "Redness lasted 65 h (more than 60 h).",
        REDNESS_CRITICAL_ADVICE,
        {"rule_overrides": {"redness-too-long.critical_hours": 60}},
    ),
    "rolled on red skin": Wording(
        "rolled-on-red-skin",
        "warning",
        [
            checked_in(redness_hours=20),
            checked_in(DAY + timedelta(days=8), redness_hours=20 * 24),
            checked_in(DAY + timedelta(days=16)),
        ],
        "Left cheek was rolled while still red from the session of Tue 10 Feb 2026 "
        "(its redness lasted 480 h).",
        "Wait until redness from the last session on an area has fully gone before rolling it "
        "again.",
    ),
    "side effect": Wording(
        "side-effect",
        "critical",
        one(side_effect="infection"),
        "Signs of infection reported after the session.",
        SIDE_EFFECT_ADVICE,
    ),
    "side effect, bruising": Wording(
        "side-effect",
        "critical",
        one(side_effect="bruising"),
        "Bruising reported after the session.",
        SIDE_EFFECT_ADVICE,
    ),
    "side effect, allergy": Wording(
        "side-effect",
        "critical",
        one(side_effect="allergy"),
        "Allergic reaction reported after the session.",
        SIDE_EFFECT_ADVICE,
    ),
    "makeup": Wording(
        "makeup-too-soon",
        "warning",
        one(makeup_48h=True),
        "Makeup was worn within 48 h after the session.",
        "Keep makeup and harsh products off the skin for two days after rolling.",
    ),
    "sun": Wording(
        "sun-too-soon",
        "warning",
        one(sun_24h=True),
        "The skin was in direct sun within 24 h after the session.",
        "Stay out of direct sun for at least a day after rolling, and wear sunscreen in the "
        "days after.",
    ),
    "retinoid": Wording(
        "retinoid-too-close",
        "warning",
        one(retinoid_48h=True),
        "A retinoid was used in the 48 h before the session.",
        "Stop retinoids two days before rolling and restart once the redness has gone.",
    ),
    "isotretinoin": Wording(
        "isotretinoin",
        "critical",
        one(),
        "Rolled on Mon 2 Feb 2026, within 6 months of the last isotretinoin dose (Mon 1 Dec 2025).",
        "Do not roll before Mon 1 Jun 2026, and ask your dermatologist first.",
        {"isotretinoin_last_dose": date(2025, 12, 1)},
    ),
    "isotretinoin overridden": Wording(
        "isotretinoin",
        "critical",
        one(),
        "Rolled on Mon 2 Feb 2026, within 12 months of the last isotretinoin dose "
        "(Sun 1 Jun 2025).",
        "Do not roll before Mon 1 Jun 2026, and ask your dermatologist first.",
        {"isotretinoin_last_dose": date(2025, 6, 1), "rule_overrides": {"isotretinoin.months": 12}},
    ),
    "roller worn": Wording(
        "roller-worn",
        "warning",
        used_roller(11),
        "Session 11 with Gold roller; a roller is worn out after 10 sessions.",
        WORN_ADVICE,
        rollers=GOLD,
    ),
    "roller worn overridden": Wording(
        "roller-worn",
        "warning",
        used_roller(4),
        "Session 4 with Gold roller; a roller is worn out after 3 sessions.",
        WORN_ADVICE,
        {"rule_overrides": {"roller-worn.max_sessions": 3}},
        rollers=GOLD,
    ),
    "roller shared": Wording(
        "roller-shared",
        "critical",
        used_roller(1),
        "Rolled with Gold roller, which is shared with another person.",
        "Use a roller that only you use, and replace this one.",
        rollers=SHARED_GOLD,
    ),
    "check-in missing": Wording(
        "check-in-missing",
        "info",
        [TWO_DAYS_EARLY],
        "No check-in recorded more than 48 h after the session.",
        CHECK_IN_ADVICE,
    ),
    "check-in missing overridden": Wording(
        "check-in-missing",
        "info",
        [TWO_DAYS_EARLY],
        "No check-in recorded more than 36 h after the session.",
        CHECK_IN_ADVICE,
        {"rule_overrides": {"check-in-missing.hours": 36}},
    ),
}


@pytest.mark.parametrize("wording", WORDINGS.values(), ids=WORDINGS.keys())
def test_each_rule_says_what_happened_and_what_to_do(wording: Wording) -> None:
    flags = evaluate(wording.sessions, profile=person(**wording.settings), rollers=wording.rollers)
    found = of_rule(flags, wording.rule)
    assert found["severity"].tolist() == [wording.severity]
    assert found["message"].iloc[0] == wording.message
    assert found["advice"].iloc[0] == wording.advice


def test_every_rule_and_severity_has_its_wording_tested() -> None:
    tested = {(wording.rule, wording.severity) for wording in WORDINGS.values()}
    assert tested == {
        (rule_id, severity) for rule_id, rule in RULES.items() for severity in rule["severities"]
    }


def test_every_threshold_a_profile_may_override_has_its_wording_tested() -> None:
    """Every threshold appears in some message or advice, so each needs a case."""
    overridden = set().union(*(wording.overrides for wording in WORDINGS.values()))
    assert overridden == THRESHOLD_KEYS


def test_each_flag_carries_its_rules_title_why_and_source() -> None:
    sessions = [session for wording in WORDINGS.values() for session in wording.sessions[-1:]]
    flags = evaluate(
        [{**session, "session_id": number} for number, session in enumerate(sessions, start=1)],
        profile=person(scar_baseline="severe", isotretinoin_last_dose=date(2025, 12, 1)),
        rollers=SHARED_GOLD,
    )
    assert len(set(flags["rule"])) >= 15
    for flag in flags.to_dict("records"):
        rule = RULES[flag["rule"]]
        assert (flag["title"], flag["why"], flag["source"]) == (
            rule["title"],
            rule["why"],
            rule["source"],
        )


@pytest.mark.parametrize(
    ("settings", "session", "reason"),
    [
        ({}, {}, "7 days after the last session on this area (for needles up to 0.5 mm)."),
        (
            {"rule_overrides": {"too-frequent.short_needle_days": 10}},
            {},
            "10 days after the last session on this area (for needles up to 0.5 mm).",
        ),
        (
            {"experienced": True, "rule_overrides": {"too-frequent.long_needle_days": 35}},
            {"needle_mm": 0.75},
            "35 days after the last session on this area "
            "(when a needle longer than 0.5 mm is used).",
        ),
        (
            {"rule_overrides": {"too-frequent.short_needle_max_mm": 0.25}},
            {"needle_mm": 0.5},
            "28 days after the last session on this area "
            "(when a needle longer than 0.25 mm is used).",
        ),
        (
            {"prescribed_interval_days": 14},
            {},
            "14 days after the last session on this area (prescribed by your dermatologist).",
        ),
        (
            {},
            {"redness_hours": 200},
            "The first day after redness from the last session (200 h) has gone.",
        ),
        (
            {"isotretinoin_last_dose": date(2026, 1, 5)},
            {},
            "6 months after the last isotretinoin dose.",
        ),
        (
            {
                "isotretinoin_last_dose": date(2025, 6, 1),
                "rule_overrides": {"isotretinoin.months": 12},
            },
            {},
            "12 months after the last isotretinoin dose.",
        ),
    ],
)
def test_next_safe_date_reason_follows_the_numbers_used(
    settings: dict[str, Any], session: dict[str, Any], reason: str
) -> None:
    sessions = sessions_frame([checked_in(**{"needle_mm": 0.25, **session})])
    found = scheduling.next_safe_dates(person(**settings), sessions, now=at(DAY))
    assert found["reason"].tolist() == [reason]
