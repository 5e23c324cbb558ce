"""The desk's commands: ``stats``, ``alerts``, ``records purge`` and ``match --record``.

Kept apart from desktop/cli.py (which only registers them) so that file stays small. Every
problem a person can act on is raised as ``desktop.cli.UserError`` with a Chinese message.
"""

from __future__ import annotations

import configparser
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from desktop.paths import user_data_dir


def _user_error(message: str) -> Exception:
    from desktop.cli import UserError

    return UserError(message)


def _date(text: str) -> dt.date:
    from desktop.cli import _date as parse

    return parse(text)


def _records(verify: bool = True):
    from desktop.session.records import RecordStore

    return RecordStore(user_data_dir(), verify=verify)


def _checked(call):
    from desktop.session.records import RecordsError

    try:
        return call()
    except RecordsError as exc:
        raise _user_error(str(exc)) from None


def _say_notices(store) -> None:
    for notice in store.notices:
        print(f"提示：{notice}", file=sys.stderr)


def settings_officer() -> str | None:
    """The adviser's name the window keeps in settings.ini (QSettings writes plain UTF-8 ini)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(user_data_dir() / "settings.ini", encoding="utf-8")
        name = parser.get("General", "officer", fallback="").strip()
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    return name or None


def unsure_of(profile_path: Path) -> list[str]:
    """The profile file's ``_unsure`` list (``_skipped`` in files saved by older versions)."""
    try:
        raw = json.loads(Path(profile_path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return []
    if not isinstance(raw, dict):
        return []
    for key in ("_unsure", "_skipped"):
        if isinstance(raw.get(key), list):
            return [f for f in raw[key] if isinstance(f, str)]
    return []


# --------------------------------------------------------------------------- match --record


def record_match(report, profile_path: Path, unlocks, officer: str | None, questionnaire=None) -> None:
    """``match --record``: the same record the window makes when a consultation is saved or printed."""
    from desktop.session.records import consultation_from_report

    store = _records()
    record, labels = consultation_from_report(report, profile_path=profile_path, unsure=unsure_of(profile_path),
                                              unlocks=unlocks, adviser=officer or settings_officer(), origin="cli",
                                              questionnaire=questionnaire)
    _checked(lambda: store.add(record, labels))
    _say_notices(store)
    print(f"已记录本次咨询（咨询记录共 {_checked(store.count)} 条）。", file=sys.stderr)


# --------------------------------------------------------------------------- stats


def _current_data_version(args) -> str | None:
    from desktop.library.schema import read_data_version
    from desktop.service import active_db_path

    return read_data_version(Path(args.db) if getattr(args, "db", None) else active_db_path())


def cmd_stats(args) -> int:
    from desktop.session import stats as st

    if args.since and args.until and args.since > args.until:
        raise _user_error(f"起始日期 {args.since} 晚于截止日期 {args.until}。")
    store = _records(verify=False)  # read-only: the full-file check is left to the window and to writes
    result = _checked(lambda: st.compute(store, args.since, args.until, _current_data_version(args)))
    _say_notices(store)
    if args.format == "json":
        text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
        if args.out:
            _write_text(Path(args.out), text)
        else:
            sys.stdout.write(text)
    elif args.format == "csv":
        if args.out:
            _write(lambda: st.write_csv(result, Path(args.out)))
        else:
            sys.stdout.write(st.to_csv(result))
    else:
        if not args.out:
            raise _user_error("Excel 格式需要用 --out 指定输出文件，例如 --out 统计.xlsx。")
        _write(lambda: st.write_xlsx(result, Path(args.out)))
    if args.out:
        print(f"已导出统计（{result['consultations']} 次咨询，{st.describe_range(result)}）：{args.out}", file=sys.stderr)
    return 0


def _write_text(path: Path, text: str) -> None:
    from desktop.atomic import write_text_atomic

    _write(lambda: write_text_atomic(path, text))


def _write(call) -> None:
    from desktop.atomic import WriteError

    try:
        call()
    except WriteError as exc:
        raise _user_error(exc.strerror or str(exc)) from None


# --------------------------------------------------------------------------- records


def cmd_records(args) -> int:
    store = _records()
    if args.action == "purge":
        if args.older_than is None or args.older_than < 0:
            raise _user_error("请用 --older-than 天数 指定要删除多少天以前的记录（0 或更大）。")
        removed = _checked(lambda: store.purge(args.older_than))
        _say_notices(store)
        print(f"已删除 {args.older_than} 天以前的咨询记录 {removed} 条；剩余 {_checked(store.count)} 条。")
        return 0
    count = _checked(store.count)
    _say_notices(store)
    print(f"咨询记录：{store.path}，共 {count} 条。")
    return 0


# --------------------------------------------------------------------------- alerts


def cmd_alerts(args) -> int:
    from desktop.session import alerts as al
    from desktop.session.profiles_store import ProfileStore
    from desktop.service import open_data

    if args.within < 0:
        raise _user_error("--within 天数不能为负数。")
    as_of = args.as_of or dt.date.today()
    data = open_data(Path(args.db) if args.db else None)
    profiles = ProfileStore(user_data_dir())
    paths = al.saved_client_paths(profiles)
    found, problems = al.expiring(data, paths, as_of, args.within)
    if args.compare:
        if not Path(args.compare).is_file():
            raise _user_error(f"找不到用于比较的数据库文件 {args.compare}。")
        changes = al.compare_databases(Path(args.compare), data.db_path, paths, as_of)
    else:
        changes = _checked(profiles.records.latest_data_change)
    _say_notices(profiles.records)
    if args.format == "json":
        text = json.dumps({"as_of": as_of.isoformat(), "within_days": args.within, "clients": len(paths),
                           "expiring": [a.to_json() for a in found], "data_changes": changes,
                           "problems": problems}, ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        text = al.to_csv(found, changes, as_of, args.within)
    else:
        text = al.to_text(found, changes, as_of, args.within, len(paths), problems)
    if args.out:
        if args.format == "csv":
            from desktop.atomic import write_bytes_atomic

            _write(lambda: write_bytes_atomic(Path(args.out), text.encode("utf-8-sig")))  # BOM: Excel reads UTF-8
        else:
            _write_text(Path(args.out), text)
        print(f"已导出客户提醒：{args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


# --------------------------------------------------------------------------- registration


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("stats", help="咨询统计（汇总数据，不含企业名称）")
    p.add_argument("--since", type=_date, help="起始日期 YYYY-MM-DD（含）")
    p.add_argument("--until", type=_date, help="截止日期 YYYY-MM-DD（含）")
    p.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    p.add_argument("--out", help="写入文件（xlsx 必须给出）")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("alerts", help="客户提醒：即将到期的政策，以及数据更新后结果变化的客户")
    p.add_argument("--as-of", type=_date, help="提醒日期 YYYY-MM-DD（默认：今天）")
    p.add_argument("--within", type=int, default=90, metavar="DAYS", help="多少天内到期（默认 90）")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument("--compare", metavar="OLD.db", help="与另一版本的政策数据库比较各客户的结果")
    p.add_argument("--out", help="写入文件（csv 可用 Excel 打开）")
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("records", help="咨询记录：查看位置和条数，或删除旧记录")
    p.add_argument("action", nargs="?", choices=("info", "purge"), default="info")
    p.add_argument("--older-than", type=int, metavar="DAYS", help="purge：删除多少天以前的记录")
    p.set_defaults(func=cmd_records)
