"""The command line: ``python -m dermadash <command>``.

Every command works on the database named by ``DERMADASH_DATABASE_URL`` (default: the
SQLite file under ``data/``) and the one-person default profile. Errors are printed
in plain words with exit status 2; no traceback reaches the person.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from dermadash import auth, demo, settings
from dermadash.calendar.commands import add_calendar_commands
from dermadash.dashboard import insights
from dermadash.formatting import format_day, format_moment
from dermadash.frame_rows import frame_rows
from dermadash.report import chart_images, content, html_page, pdf
from dermadash.report.chromium import chromium_available, chromium_path
from dermadash.rules import flagging, safety_questions
from dermadash.sharing import share_links
from dermadash.storage import db
from dermadash.storage.profiles import default_profile_id, load_profile
from dermadash.storage.validation import ValidationError
from dermadash.transfer import (
    backup,
    backup_format,
    csv_dates,
    csv_export,
    fhir_export,
    file_import,
)

Handler = Callable[[argparse.Namespace, Engine], int]
# A command that needs no database (``needs_database=False``) is handed None.
Standalone = Callable[[argparse.Namespace, None], int]


class CommandError(Exception):
    """A failure to report to the person in plain words."""


def _open_database() -> Engine:
    engine = db.make_engine()
    db.upgrade(engine)
    return engine


def cmd_init(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    print(f"Database ready at {db.describe_url(engine)} (schema {db.current_revision(engine)}).")
    print(f"Profile {profile_id} is the default profile.")
    return 0


def cmd_demo(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    if args.remove:
        removed = demo.remove_demo(engine, profile_id)
        print(f"Removed the example data ({removed} sessions).")
        return 0
    try:
        summary = demo.load_demo(engine, profile_id)
    except demo.DemoRefused as refusal:
        raise CommandError(str(refusal)) from refusal
    print(
        f"Loaded example data: {summary.sessions} sessions, {summary.ratings} scar ratings, "
        f"{summary.rollers} rollers. Remove it with: python -m dermadash demo --remove"
    )
    return 0


def cmd_share_create(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    options = share_links.LinkOptions(args.notes, args.photos, args.since)
    new = share_links.create_link(
        engine,
        profile_id,
        args.label,
        days=args.days,
        include_photos=options.include_photos,
        include_notes=options.include_notes,
        since=options.since,
        passcode=args.passcode,
    )
    base = share_links.configured_public_url() or share_links.DEFAULT_PUBLIC_URL
    print(f"Share link {new.link_id} for {args.label.strip()}: {options.describe()}.")
    print(
        f"Anyone holding it{' and its passcode' if new.passcode else ''} can read your "
        "sessions, check-ins, scar ratings and flags "
        f"until {format_moment(new.expires_at, load_profile(engine, profile_id).timezone)}, "
        "unless you revoke it with: "
        f"python -m dermadash share revoke {new.link_id}"
    )
    if share_links.is_local_only(base):
        print(
            f"Note: {base} only opens on this computer; set {settings.PUBLIC_URL_VARIABLE} "
            "to the address others use, or give your dermatologist the PDF report."
        )
    if new.passcode:
        print(
            "Its passcode, shown only now (send it separately from the link; after "
            f"{share_links.MAX_PASSCODE_FAILURES} wrong tries the link switches off): "
            f"{new.passcode}"
        )
    print("The link is shown only now; dermadash keeps only a fingerprint of it:")
    print(share_links.share_url(base, new.token))
    return 0


def cmd_share_list(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    links = share_links.list_links(engine, profile_id, now=datetime.now(UTC))
    if links.empty:
        print("No share links yet. Create one with: python -m dermadash share create --label NAME")
        return 0
    print(f"{'id':>4}  {'status':<8}  {'expires':<16}  {'views':>5}  label")
    for link in frame_rows(links):
        print(
            f"{link.link_id:>4}  {link.status:<8}  {format_day(link.expires_at):<16}  "
            f"{link.views:>5}  {link.label}"
        )
        if link.status == share_links.DISABLED:
            print(f"      switched off {format_day(link.disabled_at)}: {link.disabled_reason}")
    if (links["status"] == share_links.RESTORED).any():
        print(
            "A link marked restored came back from a backup and cannot be opened (backups "
            "never hold a link's secret address): create a new one; revoke the old one with "
            "python -m dermadash share revoke ID."
        )
    return 0


def cmd_share_revoke(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    try:
        share_links.revoke_link(engine, profile_id, args.link_id)
    except share_links.LinkNotFound as missing:
        raise CommandError(f"There is no share link with id {args.link_id}.") from missing
    print(f"Share link {args.link_id} is revoked: it no longer opens anything.")
    return 0


def _read_new_password() -> str:
    """Twice from the terminal (hidden), or one line from standard input for scripts."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New owner password: ")
    if first != getpass.getpass("The same password again: "):
        raise CommandError("The two passwords differ; nothing was changed.")
    return first


def cmd_password(args: argparse.Namespace, engine: Engine) -> int:
    password = _read_new_password()
    try:
        password_hash = auth.hash_password(password)
    except auth.AuthConfigError as problem:
        raise CommandError(f"{problem} Nothing was changed.") from problem
    path = settings.password_file()
    auth.save_password_hash(password_hash, path)
    print(f"The owner password is set (its argon2 hash is in {path}).")
    print(
        f"The app asks for it when started with {settings.AUTH_VARIABLE}=password. To keep the "
        f"hash elsewhere, put it in {settings.PASSWORD_HASH_VARIABLE} instead."
    )
    return 0


def _positive_days(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("days must be a whole number") from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("give the day as YYYY-MM-DD, e.g. 2026-03-02") from None


def _add_share_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    share = commands.add_parser("share", help="create, list or revoke links for your dermatologist")
    actions = share.add_subparsers(dest="share_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create a read-only link (printed last)")
    create.add_argument("--label", required=True, help="who it is for, e.g. the doctor's name")
    create.add_argument(
        "--days",
        type=_positive_days,
        default=share_links.DEFAULT_DAYS,
        help=(
            f"days until it expires (default {share_links.DEFAULT_DAYS}, "
            f"at most {share_links.MAX_DAYS})"
        ),
    )
    create.add_argument("--photos", action="store_true", help="include scar photos")
    create.add_argument(
        "--notes", action="store_true", help="include your notes (off unless given)"
    )
    create.add_argument(
        "--since",
        type=_day,
        metavar="YYYY-MM-DD",
        help="cover only sessions and ratings from this day on (default: the whole course)",
    )
    create.add_argument(
        "--passcode",
        action="store_true",
        help="protect the link with a passcode, made for you and shown once",
    )
    create.set_defaults(handler=cmd_share_create)
    listing = actions.add_parser("list", help="list links with status, expiry and views")
    listing.set_defaults(handler=cmd_share_list)
    revoke = actions.add_parser("revoke", help="revoke a link at once")
    revoke.add_argument("link_id", type=int, metavar="ID")
    revoke.set_defaults(handler=cmd_share_revoke)

    password = commands.add_parser(
        "password", help="set the owner password (for DERMADASH_AUTH=password)"
    )
    password.set_defaults(handler=cmd_password)


def cmd_import(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror or error}.") from error
    parsed = file_import.parse_upload(
        data,
        load_profile(engine, profile_id).timezone,
        date_order=args.dates,
        encoding=args.encoding,
    )
    if parsed.table is not None:
        print(parsed.describe_reading())
    for notice in parsed.notices:
        print(f"Note: {notice}")
    if not parsed.ok:
        print(
            f"{path.name} is {parsed.label} with {len(parsed.problems)} problem(s); "
            "nothing was imported:",
            file=sys.stderr,
        )
        for problem in parsed.problems:
            print(f"  {problem.describe()}", file=sys.stderr)
        return 2
    if args.dry_run:
        plan = file_import.plan_import(engine, profile_id, parsed)
        print(f"{path.name} is {parsed.label}. Importing it would give: {plan.describe()}")
        return 2 if plan.refusal else 0
    try:
        result = file_import.apply_import(engine, profile_id, parsed)
    except backup.RestoreRefused as refusal:
        raise CommandError(str(refusal)) from refusal
    print(f"Imported {path.name} ({parsed.label}): {result.describe()}")
    return 0


def cmd_export(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    path = Path(args.file)
    suffix = path.suffix.lower()
    if args.what == "fhir":
        data = fhir_export.bundle_json(engine, profile_id)
        what = "an HL7 FHIR R4 Bundle of your record"
    elif suffix == ".json":
        data = backup.backup_json(engine, profile_id).encode("utf-8")
        what = "a backup of everything"
    elif suffix == ".zip":
        data = csv_export.everything_zip(
            engine, profile_id, csv_export.compute_flags(engine, profile_id)
        )
        what = "sessions, scar ratings, flags (when available) and a backup"
    elif suffix == ".csv":
        data = _csv_export(engine, profile_id, args.what)
        what = {"sessions": "sessions", "ratings": "scar ratings", "flags": "flags"}[args.what]
    else:
        raise CommandError(f"{path.name}: the file name must end in .json, .csv or .zip.")
    try:
        csv_export.write_atomically(path, data)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from error
    print(f"Wrote {what} to {path}.")
    return 0


def _csv_export(engine: Engine, profile_id: int, what: str) -> bytes:
    if what == "sessions":
        return csv_export.sessions_csv(engine, profile_id)
    if what == "ratings":
        return csv_export.ratings_csv(engine, profile_id)
    flags = csv_export.compute_flags(engine, profile_id)
    if flags is None:
        raise CommandError("Safety flags are not available in this version of dermadash.")
    return csv_export.flags_csv(flags)


def cmd_check(args: argparse.Namespace, engine: Engine) -> int:
    flags = flagging.profile_flags(engine, default_profile_id(engine))
    if args.json:
        print(json.dumps(flagging.flags_as_records(flags), indent=2, ensure_ascii=False))
    else:
        print(flagging.flags_as_table(flags))
    return 0


def cmd_insights(args: argparse.Namespace, engine: Engine) -> int:
    found = insights.profile_insights(engine, default_profile_id(engine))
    if args.json:
        print(json.dumps(found.records(), indent=2, ensure_ascii=False))
    else:
        print(insights.as_text(found))
    return 0


def _report_request(args: argparse.Namespace, engine: Engine) -> content.ReportRequest:
    """The owner's own report, with their stored photos when ``--photos`` asks for them."""
    photos = content.stored_photos(engine, default_profile_id(engine)) if args.photos else None
    return content.ReportRequest(photos=photos)


def cmd_report(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    path = Path(args.out)
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise CommandError(f"{path.name}: the file name must end in .pdf or .html.")
    if suffix == ".pdf":
        if not chromium_available():
            raise CommandError(
                chart_images.NO_CHROMIUM_MESSAGE.format(path=chromium_path())
                + f" Try: python -m dermadash report --out {path.with_suffix('.html')}"
            )
        try:
            data = pdf.build_pdf(engine, profile_id, _report_request(args, engine))
        except (chart_images.ChromiumMissing, chart_images.ChartDrawingFailed) as problem:
            raise CommandError(str(problem)) from problem
        what = "the PDF report"
    else:
        data = html_page.build_html(engine, profile_id, _report_request(args, engine)).encode(
            "utf-8"
        )
        what = "the HTML report (it opens in any browser, also offline)"
    try:
        csv_export.write_atomically(path, data)
    except OSError as error:
        raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from error
    print(f"Wrote {what} to {path}.")
    return 0


def cmd_bench(args: argparse.Namespace, engine: Engine | None) -> int:
    """Run the benchmarks (they live beside the package, in ``benchmarks/``)."""
    try:
        from benchmarks import run_all
    except ImportError as missing:
        raise CommandError(
            "The benchmarks live in the source checkout: run this from the project folder."
        ) from missing
    sizes = run_all.QUICK if args.quick else run_all.FULL
    out = Path(args.out) if args.out else run_all.RESULTS
    try:
        table = run_all.run_all(sizes, skip=args.skip, out=out, note=args.note)
    except ValueError as problem:
        raise CommandError(str(problem)) from problem
    print(table)
    print(f"Written to {out}")
    return 0


def cmd_profile_show(args: argparse.Namespace, engine: Engine) -> int:
    profile = load_profile(engine, default_profile_id(engine))
    print(f"Profile {profile.id}: {profile.display_name}")
    for question, answer, feeds in safety_questions.describe_answers(profile):
        print(f"  {question} {answer}")
        print(f"    {feeds}")
    if not safety_questions.is_answered(profile):
        print(
            "The safety questions are not answered yet. Answer them with: python -m "
            "dermadash profile set --experienced yes|no --baseline mild|moderate|severe "
            "--prescribed-days N|none --isotretinoin YYYY-MM-DD|never --timezone ZONE"
        )
    return 0


def cmd_profile_set(args: argparse.Namespace, engine: Engine) -> int:
    profile_id = default_profile_id(engine)
    current = load_profile(engine, profile_id)
    answers = {
        "experienced": args.experienced,
        "baseline": args.baseline,
        "prescribed_days": args.prescribed_days,
        "isotretinoin": args.isotretinoin,
        "timezone": args.timezone,
    }
    if all(value is None for value in answers.values()):
        raise CommandError(
            "Give at least one of --experienced, --baseline, --prescribed-days, "
            "--isotretinoin, --timezone. Nothing was changed."
        )
    try:
        updated = safety_questions.with_typed_answers(current.settings(), **answers)
    except ValidationError as problem:
        raise CommandError(f"{problem} Nothing was changed.") from problem
    safety_questions.answer(engine, profile_id, updated)
    print("Saved. Your safety settings are now:")
    return cmd_profile_show(args, engine)


def _add_profile_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    profile = commands.add_parser(
        "profile", help="show or set the safety settings the rules depend on"
    )
    actions = profile.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="show your safety settings and the rule each feeds")
    show.set_defaults(handler=cmd_profile_show)
    change = actions.add_parser(
        "set",
        help="change safety settings (each option is optional)",
        description="Change the settings the safety rules depend on; the others stay. "
        "Checked with the same rules as the Settings page.",
    )
    change.add_argument("--experienced", metavar="yes|no", help="rolled with a dermaroller before")
    change.add_argument(
        "--baseline", metavar="mild|moderate|severe", help="how marked your scars are"
    )
    change.add_argument(
        "--prescribed-days",
        metavar="N|none",
        help="minimum days between sessions your dermatologist prescribed, or none",
    )
    change.add_argument(
        "--isotretinoin", metavar="YYYY-MM-DD|never", help="the last isotretinoin dose, or never"
    )
    change.add_argument("--timezone", metavar="ZONE", help="e.g. Europe/Berlin")
    change.set_defaults(handler=cmd_profile_set)


def _add_bench_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = commands.add_parser(
        "bench",
        help="run the benchmarks and write benchmarks/RESULTS.md (takes several minutes)",
        description="Time the dashboard, clinic scale, the rule engine and the page in "
        "Chromium, each as a ratio against a baseline measured in the same run.",
    )
    bench.add_argument(
        "--quick", action="store_true", help="small sizes: checks the machinery in a few minutes"
    )
    bench.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="ROW",
        help="skip a row: dashboard, scale-sqlite, scale-postgresql, engine or browser "
        "(repeatable)",
    )
    bench.add_argument("--out", metavar="FILE", help="where to write the table (Markdown)")
    bench.add_argument("--note", default="", help="a sentence to add above the table")
    bench.set_defaults(handler=cmd_bench, needs_database=False)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dermadash",
        description="dermadash: log dermarolling sessions and check them against the protocol.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create the database or bring it up to date")
    init.set_defaults(handler=cmd_init)

    example = commands.add_parser("demo", help="load (or --remove) example data")
    example.add_argument("--remove", action="store_true", help="remove the example data")
    example.set_defaults(handler=cmd_demo)
    _add_share_commands(commands)

    bring = commands.add_parser(
        "import",
        help="import a sessions or scar-ratings CSV, or restore a JSON backup",
        description="Import FILE: a sessions CSV, a scar-ratings CSV or a dermadash backup "
        "(.json). Every problem is listed and nothing is written unless the whole file is fine.",
    )
    bring.add_argument("file", metavar="FILE")
    bring.add_argument(
        "--dry-run", action="store_true", help="check the file and say what would happen"
    )
    bring.add_argument(
        "--dates",
        choices=csv_dates.DATE_ORDERS,
        help="how the file writes dates: dmy (02/03/2026 is 2 March), mdy or ymd "
        "(default: decided from the file)",
    )
    bring.add_argument(
        "--encoding",
        metavar="NAME",
        help="the file's text encoding, e.g. utf-8, utf-16, cp1252, cp1250, iso-8859-2 "
        "(default: guessed)",
    )
    bring.set_defaults(handler=cmd_import)

    take = commands.add_parser(
        "export",
        help="export to FILE: .json backup, .csv spreadsheet (see --what), .zip with all",
        description="FILE ending in .json: a backup of everything (restore it with import). "
        ".csv: one spreadsheet, chosen with --what. .zip: every spreadsheet plus the backup.",
    )
    take.add_argument("file", metavar="FILE")
    take.add_argument(
        "--what",
        choices=(*csv_export.EXPORT_KINDS, "fhir"),
        default="sessions",
        help="which spreadsheet a .csv FILE holds (default: sessions); fhir: an HL7 FHIR "
        "R4 Bundle (JSON) of the whole record, whatever FILE ends in",
    )
    take.set_defaults(handler=cmd_export)

    check = commands.add_parser("check", help="check every session against the safety protocol")
    check.add_argument("--json", action="store_true", help="print the flags as a JSON list")
    check.set_defaults(handler=cmd_check)

    insight = commands.add_parser(
        "insights", help="progress per area and what goes with longer redness or stinging"
    )
    insight.add_argument("--json", action="store_true", help="print them as JSON")
    insight.set_defaults(handler=cmd_insights)

    progress = commands.add_parser(
        "report",
        help="write the progress report for your dermatologist (.pdf or .html)",
        description="Write the progress report (summary, key figures, charts, flags, "
        "sessions, needle lengths) to FILE: .pdf (needs Chromium) or .html (self-contained).",
    )
    progress.add_argument("--out", required=True, metavar="FILE", help="a .pdf or .html file")
    progress.add_argument(
        "--photos", action="store_true", help="include scar photos (left out unless asked)"
    )
    progress.set_defaults(handler=cmd_report)
    _add_bench_command(commands)
    add_calendar_commands(commands)
    _add_profile_commands(commands)
    _add_schema_command(commands)
    return parser


def cmd_schema(args: argparse.Namespace, engine: Engine | None) -> int:
    print(json.dumps(backup_format.json_schema(), indent=2, ensure_ascii=False))
    return 0


def _add_schema_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schema = commands.add_parser(
        "schema",
        help="print a file format's JSON Schema (draft 2020-12): backup",
        description="Print the JSON Schema of the backup format (docs/backup.schema.json).",
    )
    schema.add_argument("format", choices=["backup"], help="the format: backup")
    schema.set_defaults(handler=cmd_schema, needs_database=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "needs_database", True):
            handler: Handler = args.handler
            return handler(args, _open_database())
        standalone: Standalone = args.handler
        return standalone(args, None)
    except (CommandError, ValidationError, db.DatabaseUnavailable) as error:
        print(f"dermadash: {error}", file=sys.stderr)
        return 2
