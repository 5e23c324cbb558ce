"""``policy-desk``: the command line, a thin face over desktop.service.

Without a sub-command it starts the desktop application. Errors a person can act on (a bad
profile, a missing database, a bad date) are printed as one clear message with exit code 2;
nothing prints a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sqlite3
import sys
from pathlib import Path

from desktop.datapack import PackError
from desktop.datapack_cli import add_commands as add_datapack_commands
from desktop.service import LibraryError, ProfileError

EXIT_USER_ERROR = 2
MAX_MESSAGE_CHARS = 400  # a hostile input must not turn the one-line message into a wall of text
log = logging.getLogger("policy_desk")


class UserError(Exception):
    """A problem with what the user gave us; its message is shown as is."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD 格式，收到 {text!r}") from None


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _open(args):
    from desktop.service import open_data

    return open_data(Path(args.db) if args.db else None)


# --------------------------------------------------------------------------- commands


def cmd_build(args) -> int:
    from desktop.build import build_database
    from desktop.paths import app_root

    root = Path(args.root) if args.root else None
    if args.pack:
        from desktop.datapack import build_pack, format_changelog

        manifest = build_pack(Path(args.pack), previous=Path(args.previous) if args.previous else None,
                              root=root, db_out=Path(args.out) if args.out else None,
                              sign_key=Path(args.sign_key) if args.sign_key else None)
        counts = manifest.counts
        print(f"已生成数据包 {args.pack}：数据版本 {manifest.data_version}，{counts.get('documents', '?')} 份文件，"
              f"{counts.get('measures', '?')} 条政策措施，SHA-256 {manifest.sha256[:16]}…")
        print(format_changelog(manifest.changelog, limit=20))
        return 0
    if args.previous or args.sign_key:
        raise UserError("--previous 和 --sign-key 只能与 --pack 一起使用。")
    out = Path(args.out) if args.out else (root or app_root()) / "policies.db"
    meta = build_database(out, root)
    print(f"已生成 {out}：{meta['documents']} 份文件，{meta['sections']} 个条款，{meta['measures']} 条政策措施"
          f"（数据版本 {meta['data_version']}）。")
    if args.measures_doc:
        from desktop.service import write_measures_doc

        path = write_measures_doc(out)
        print(f"已更新 {path}")
    return 0


def cmd_import_pack(args) -> int:
    from desktop.datapack import format_changelog, import_pack
    from desktop.service import active_db_path
    from desktop.session.alerts import ImportWatch

    with ImportWatch(active_db_path()) as watch:  # which saved clients the new data changes (客户提醒)
        result = import_pack(Path(args.file))
        note = watch.finish(result.db_path)
    print(result.summary())
    if note:
        print(note)
    print(format_changelog(result.changelog, limit=20))
    return 0


def cmd_search(args) -> int:
    data = _open(args)
    result = data.search(args.query, args.limit)
    if args.format == "json":
        _print_json(result)
        return 0
    if result.get("error"):
        print(result["error"])
        return 0
    if not result["hits"]:
        print("没有找到匹配的内容。")
    for i, hit in enumerate(result["hits"], 1):
        number = f"（{hit['doc_number']}）" if hit["doc_number"] else ""
        more = hit.get("doc_hits", 1) - (1 if hit.get("section_id") else 0)
        extra = f"（该文件还有 {more} 处）" if more > 0 else ""
        partial = f"\n   部分匹配，不含：{'、'.join(hit['missing'])}" if hit.get("match") == "partial" else ""
        print(f"{i}. {hit['doc_title']}{number}\n   {hit['section']}{extra}{partial}\n   {hit['snippet']}\n")
    return 0


def _read_profile(data, path: str) -> dict:
    from desktop.service import read_profile_file

    return read_profile_file(Path(path), data.questionnaire)


def cmd_match(args) -> int:
    data = _open(args)
    profile = _read_profile(data, args.profile)
    as_of = args.as_of or dt.date.today()
    report = data.match(profile, as_of)
    unlocks = None
    if args.what_if:
        from desktop.service import what_if

        unlocks = what_if(data.engine, profile, as_of, include_relocation=args.relocation)
    if args.pdf:
        from desktop.report.checklist import write_checklist_pdf

        write_checklist_pdf(report, Path(args.pdf), data.library, officer=args.officer, unlocks=unlocks,
                            questionnaire=data.questionnaire, full=args.full)
        print(f"已生成清单：{args.pdf}", file=sys.stderr)
    if args.ics:
        from desktop.report.calendar import write_ics

        write_ics(report, Path(args.ics))
        print(f"已生成日历文件：{args.ics}", file=sys.stderr)
    if args.format == "json":
        out = report.to_json()
        if unlocks is not None:
            out["unlocks"] = [u.to_json() for u in unlocks]
        _print_json(out)
    else:
        from desktop.report.text import format_report

        print(format_report(report, data.engine, unlocks))
    if args.record:  # the same record the window makes on save / print (desktop/desk_cli.py)
        from desktop.desk_cli import record_match

        record_match(report, Path(args.profile), unlocks, args.officer, data.questionnaire)
    return 0


def cmd_questions(args) -> int:
    """The desk interview for a profile: the questions worth asking next, best first.

    Facts in the file's ``_unsure`` list are not proposed again. ``--all`` adds the minor questions
    (those that only touch directions or a few services); ``--interview`` prints the whole state
    (done, remaining, next, to_confirm) as one JSON object.
    """
    from desktop.service import interview, read_profile_file

    data = _open(args)
    notes: dict = {}
    profile = read_profile_file(Path(args.profile), data.questionnaire, notes)
    as_of = args.as_of or dt.date.today()
    state = interview(data.engine, profile, as_of, unsure=notes.get("_unsure", []))
    ranked = state.next + (state.to_confirm if args.all else [])
    if args.format == "json":
        _print_json(state.to_json() if args.interview else [q.to_json() for q in ranked])
        return 0
    if state.done:
        why = ("已达本次问询的题数上限" if any(q.worth_asking for q in state.to_confirm)
               else "余下的问题只涉及政策方向或次要事项")
        print(f"问询可以结束：已回答或标为不确定 {state.asked} 题，{why}。")
    else:
        print(f"还需询问约 {state.remaining} 题（已回答或标为不确定 {state.asked} 题），最重要的在前：")
    for i, q in enumerate(state.next, 1):
        print(f"{i}. {q.question.text}（{q.question.fact}）：影响 {q.measure_count} 条政策")
    # Questions past the interview's budget still matter; the rest touch only directions or minor items.
    over_budget = [q for q in state.to_confirm if q.worth_asking]
    minor = [q for q in state.to_confirm if q.value > 0 and not q.worth_asking]
    for title, group in (("\n超出本次问询题数、仍值得确认的问题：", over_budget),
                         ("\n留待确认（不影响资金、处罚或期限类事项的判断）：", minor)):
        if group:
            print(title)
            for q in group if args.all else group[:10]:
                print(f"- {q.question.text}（{q.question.fact}）")
            if not args.all and len(group) > 10:
                print(f"- ……等共 {len(group)} 项（--all 列出全部）")
    return 0


def cmd_gui(args) -> int:
    from desktop.gui.app import run

    return run(db_path=Path(args.db) if args.db else None, smoke=args.smoke)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policy-desk", description="惠企政策通 Policy Desk")
    parser.add_argument("--db", help="使用指定的政策数据库文件（默认：随程序发布的数据库）")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("build", help="由 resources/ 重新生成 policies.db")
    p.add_argument("--out", help="输出文件（默认：程序目录下的 policies.db）")
    p.add_argument("--measures-doc", action="store_true", help="同时重新生成 docs/measures.md")
    p.add_argument("--pack", metavar="OUT.pdpack", help="生成带版本号和校验和的数据包（数据库只写入临时文件夹，除非给出 --out）")
    p.add_argument("--previous", metavar="OLD.pdpack", help="上一版数据包（或数据库），用于生成变更记录")
    p.add_argument("--sign-key", metavar="PRIVATE.pem", help="数据包签名私钥（keygen 生成；生成数据包时必须给出）")
    p.add_argument("--root", help="从该目录下的 resources/ 生成（默认：程序目录）")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("import-pack", help="导入数据包（校验后替换政策数据）")
    p.add_argument("file", help="数据包文件（.pdpack）")
    p.set_defaults(func=cmd_import_pack)
    add_datapack_commands(sub)  # keygen, restore-bundled

    p = sub.add_parser("search", help="全文检索政策文件")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("match", help="按企业档案匹配适用政策")
    p.add_argument("profile", help="企业档案 JSON 文件")
    p.add_argument("--as-of", type=_date, help="评估日期 YYYY-MM-DD（默认：今天）")
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.add_argument("--pdf", help="同时生成打印清单 PDF")
    p.add_argument("--ics", help="同时导出截止日期日历（.ics）")
    p.add_argument("--officer", help="清单上的咨询人员姓名（可选）")
    p.add_argument("--full", action="store_true", help="清单附录包含相关政策方向和对所有企业适用的一般规定（默认不打印）")
    p.add_argument("--what-if", action="store_true", help="列出可争取的政策（改变某项条件后可适用）")
    p.add_argument("--relocation", action="store_true", help="与 --what-if 同用：也考虑迁址（迁入自贸试验区、中关村园区、经开区）")
    p.add_argument("--record", action="store_true", help="把本次咨询记入咨询记录（与窗口中保存或打印时相同）")
    p.set_defaults(func=cmd_match)

    p = sub.add_parser("questions", help="列出仍会影响结果的问题，最重要的在前")
    p.add_argument("profile")
    p.add_argument("--as-of", type=_date)
    p.add_argument("--format", choices=("json", "text"), default="text")
    p.add_argument("--all", action="store_true", help="同时列出只涉及政策方向或次要事项的问题")
    p.add_argument("--interview", action="store_true", help="JSON：输出问询状态（是否完成、约余题数、下一题、留待确认）")
    p.set_defaults(func=cmd_questions)

    from desktop.desk_cli import add_parsers as add_desk_parsers

    add_desk_parsers(sub)  # stats, alerts, records

    p = sub.add_parser("gui", help="启动桌面程序")
    p.add_argument("--smoke", action="store_true", help="启动、打开主窗口、匹配和检索各一次后退出（用于测试）")
    p.set_defaults(func=cmd_gui)
    return parser


def _error(message: str) -> None:
    """Print one line: control characters flattened, overlong messages shortened."""
    line = " ".join(message.split())
    if len(line) > MAX_MESSAGE_CHARS:
        line = line[: MAX_MESSAGE_CHARS - 1] + "…"
    print(f"错误：{line}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        args.smoke = False
        args.func = cmd_gui
    try:
        return args.func(args)
    except (ProfileError, LibraryError, PackError, UserError) as exc:
        _error(str(exc))
        return EXIT_USER_ERROR
    except OSError as exc:
        _error(f"无法读写文件 {exc.filename or ''}：{exc.strerror or exc}")
        return EXIT_USER_ERROR
    except sqlite3.DatabaseError as exc:  # a page damaged after the database was opened
        _error(f"政策数据库已损坏，无法读取（{exc}）。请重新安装或导入数据包。")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last resort: a message, with where it happened in the log file
        from desktop.errorlog import record_error

        log_path = record_error(exc, args.command or "gui")  # the command's name, never its arguments
        where = f"详细信息已写入 {log_path}" if log_path else "无法写入错误日志"
        print(f"错误：程序内部出现问题，操作未完成。{where}。", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
