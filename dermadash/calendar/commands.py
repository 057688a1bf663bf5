"""``python -m dermadash calendar create|list|revoke``: calendar links from the command line."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from sqlalchemy import Engine

from dermadash import settings
from dermadash.calendar import links
from dermadash.formatting import format_day, format_moment
from dermadash.sharing import share_links
from dermadash.storage.profiles import default_profile_id, load_profile
from dermadash.storage.validation import ValidationError

WHAT_IT_SHOWS = (
    "Anyone holding it sees, without signing in, your next safe session date per area "
    "with its reason, the check-ins still to do and when scar ratings are due"
)


def cmd_calendar_create(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    new = links.create_link(engine, profile_id, generic_titles=args.generic, days=args.days)
    base = share_links.configured_public_url() or share_links.DEFAULT_PUBLIC_URL
    timezone = load_profile(engine, profile_id).timezone
    titles = "generic titles" if new.generic_titles else "titles that name the areas"
    until = (
        f"until {format_moment(new.expires_at, timezone)}"
        if new.expires_at
        else "until you revoke it"
    )
    print(f"Calendar link {new.link_id}, with {titles}.")
    print(f"{WHAT_IT_SHOWS}, {until}: python -m dermadash calendar revoke {new.link_id}")
    if share_links.is_local_only(base):
        print(
            f"Note: {base} only opens on this computer, so a calendar app on your phone or "
            f"an online calendar cannot fetch it; set {settings.PUBLIC_URL_VARIABLE} to the "
            "address others use."
        )
    print("Subscribe to it in your calendar app. It is shown only now; dermadash keeps")
    print("only a fingerprint of it:")
    print(links.calendar_url(base, new.token))
    return 0


def cmd_calendar_list(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    rows = links.list_links(engine, profile_id, now=datetime.now(UTC))
    if not rows:
        print("No calendar links yet. Create one with: python -m dermadash calendar create")
        return 0
    timezone = load_profile(engine, profile_id).timezone
    print(f"{'id':>4}  {'status':<8}  {'created':<16}  {'last fetched':<24}  titles")
    for row in rows:
        fetched = format_moment(row.last_fetched_at, timezone) if row.last_fetched_at else "never"
        titles = "generic" if row.generic_titles else "name the areas"
        print(
            f"{row.link_id:>4}  {row.status:<8}  {format_day(row.created_at):<16}  "
            f"{fetched:<24}  {titles}"
        )
    return 0


def cmd_calendar_revoke(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    try:
        links.revoke_link(engine, profile_id, args.link_id)
    except links.CalendarLinkNotFound as missing:
        raise ValidationError.single(
            "link_id", f"There is no calendar link with id {args.link_id}."
        ) from missing
    print(
        f"Calendar link {args.link_id} is revoked: calendars subscribed to it get nothing "
        "more (most remove its events at their next refresh)."
    )
    return 0


def add_calendar_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    calendar = commands.add_parser(
        "calendar", help="create, list or revoke calendar feeds of your reminders"
    )
    actions = calendar.add_subparsers(dest="calendar_command", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", help="create a calendar feed address to subscribe to (printed last)"
    )
    create.add_argument(
        "--generic",
        action="store_true",
        help="titles that name no area or treatment (for calendars synced to a company)",
    )
    create.add_argument(
        "--days",
        type=int,
        default=None,
        help=f"days until it stops working (default: never; at most {share_links.MAX_DAYS})",
    )
    create.set_defaults(handler=cmd_calendar_create)
    listing = actions.add_parser("list", help="list calendar links with when each was last fetched")
    listing.set_defaults(handler=cmd_calendar_list)
    revoke = actions.add_parser("revoke", help="revoke a calendar link at once")
    revoke.add_argument("link_id", type=int, metavar="ID")
    revoke.set_defaults(handler=cmd_calendar_revoke)
