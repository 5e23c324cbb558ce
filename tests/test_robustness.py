"""Robustness battery: bad input and faults give one clear message and lose nothing on disk.

Hostile profile files, damaged databases, hostile search queries, saves killed midway, a full
disk on export, two instances writing profiles at once, and the data-pack round trip. Every case
checks the message (one line, no traceback) and that the files on disk are intact afterwards.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
import yaml

from desktop.atomic import WriteError, write_text_atomic
from desktop.cli import main
from desktop.rules.facts import ProfileError, read_profile_file
from packkeys import TEST_SIGN_KEY, trust_test_key

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "software_sme_haidian.json"


# --------------------------------------------------------------------------- helpers


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_clear_error(code: int, err: str, pattern: str) -> None:
    assert code == 2, err
    assert err.startswith("错误：") and err.endswith("\n") and err.count("\n") == 1, repr(err[:300])
    assert "Traceback" not in err and len(err) < 600
    assert re.search(pattern, err), err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- hostile profiles


def _profile_cases() -> dict[str, tuple[bytes, str]]:
    good = example()
    big_int = b'{"employees": ' + b"9" * 5000 + b"}"
    return {
        "bad json": (b'{"name": "x",}', "不是有效的 JSON"),
        "truncated json": ('{"name": "北京智算'.encode(), "不是有效的 JSON"),
        "empty file": (b"", "不是有效的 JSON"),
        "nul bytes": (b"\x00" * 200, "不是有效的 JSON"),
        "deep nesting (arrays)": (b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "嵌套过深"),
        "deep nesting (objects)": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "嵌套过深"),
        "huge string": (json.dumps({"name": "a" * 900_000}).encode(), "不超过 500 字"),
        "huge key": (json.dumps({"k" * 900_000: 1}).encode(), "未知字段"),
        "10 MB file": (b'{"name": "' + b"a" * 10_000_000 + b'"}', "过大"),
        "not an object": (b"[1, 2, 3]", "JSON 对象"),
        "null": (b"null", "JSON 对象"),
        "wrong type: number as text": (json.dumps({**good, "employees": "很多"}).encode(), "employees.*应为数字"),
        "wrong type: bool as text": (json.dumps({**good, "high_tech_enterprise": "yes"}).encode(), "是/否"),
        "wrong type: list as text": (json.dumps({**good, "industries": "software_it"}).encode(), "选项列表"),
        "wrong type: name as number": (json.dumps({**good, "name": 123}).encode(), "应为文字"),
        "wrong type: fraction for int": (json.dumps({**good, "registered_year": 2016.5}).encode(), "整数"),
        "out of range": (json.dumps({**good, "registered_year": 1800}).encode(), "不小于 1949"),
        "infinite number": (b'{"employees": 1e999}', "有限的数字"),
        "NaN": (b'{"annual_revenue_wan": NaN}', "有限的数字"),
        "unknown choice": (json.dumps({**good, "ownership": "martian"}).encode(), "以下选项之一"),
        "unknown choice in list": (json.dumps({**good, "industries": ["spaceships"]}).encode(), "未知选项"),
        "unknown field": (json.dumps({**good, "employes": 5}).encode(), "未知字段 'employes'"),
        "derived fact given": (json.dumps({**good, "enterprise_size": "small"}).encode(), "由系统推算"),
        "binary garbage": (bytes(range(128, 256)) * 200, "不是 UTF-8"),
        "UTF-16 file": (json.dumps(good, ensure_ascii=False).encode("utf-16"), "不是 UTF-8"),
        "huge integer": (big_int, "数值|数字|JSON"),
    }


PROFILE_CASES = _profile_cases()
def _profile_params():
    for name in PROFILE_CASES:
        yield pytest.param(name, id=name)


@pytest.mark.parametrize("case", list(_profile_params()))
def test_hostile_profile_via_cli(case, tmp_path, db_path, capsys):
    data, pattern = PROFILE_CASES[case]
    path = tmp_path / "profile.json"
    path.write_bytes(data)
    before = snapshot(tmp_path)
    code, out, err = cli(capsys, "--db", db_path, "match", path, "--format", "json")
    assert_clear_error(code, err, pattern)
    assert out == ""
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case", list(_profile_params()))
def test_hostile_profile_via_facts(case, tmp_path, engine):
    data, pattern = PROFILE_CASES[case]
    path = tmp_path / "profile.json"
    path.write_bytes(data)
    with pytest.raises(ProfileError) as info:
        read_profile_file(path, engine.questionnaire)
    assert re.search(pattern, str(info.value))
    assert path.read_bytes() == data


def test_profile_with_bom_and_app_notes_is_accepted(tmp_path, db_path, capsys):
    path = tmp_path / "profile.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({**example(), "_notes": "备注" * 1000}, ensure_ascii=False).encode())
    code, out, _ = cli(capsys, "--db", db_path, "match", path, "--format", "json")
    assert code == 0 and json.loads(out)["company"] == "北京智算软件科技有限公司"


@pytest.mark.parametrize("where", ["missing", "directory"])
def test_unreadable_profile_path(where, tmp_path, db_path, capsys):
    path = tmp_path / "nowhere.json"
    if where == "directory":
        path.mkdir()
    code, _, err = cli(capsys, "--db", db_path, "match", path)
    assert_clear_error(code, err, "无法读取档案文件")


def test_hostile_profile_in_a_separate_process_prints_no_traceback(tmp_path, db_path):
    path = tmp_path / "garbage.json"
    path.write_bytes(b'{"name": ' + b"[" * 200_000 + b"\xff\xfe" * 1000)
    proc = subprocess.run([sys.executable, "-m", "desktop", "--db", str(db_path), "match", str(path)],
                          capture_output=True, env=child_env(), cwd=tmp_path, timeout=120)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2 and "Traceback" not in err and err.count("\n") == 1
    assert "不是 UTF-8" in err and proc.stdout == b""


# --------------------------------------------------------------------------- damaged databases


def _damage(kind: str, db_path: Path, target: Path) -> None:
    if kind == "missing":
        return
    if kind == "zero-byte":
        target.write_bytes(b"")
    elif kind == "truncated":
        target.write_bytes(db_path.read_bytes()[: db_path.stat().st_size // 3])
    elif kind == "garbage":
        target.write_bytes(b"PK\x03\x04 not a database " * 1000)
    elif kind == "corrupt pages":
        data = bytearray(db_path.read_bytes())
        middle = len(data) // 2 // 4096 * 4096
        data[middle : middle + 4096] = b"\xff" * 4096
        target.write_bytes(bytes(data))
    elif kind == "wrong schema":
        import sqlite3

        sqlite3.connect(target).execute("CREATE TABLE notes (a)").connection.close()
    elif kind == "directory":
        target.mkdir()


DB_DAMAGE = ["missing", "zero-byte", "truncated", "garbage", "corrupt pages", "wrong schema", "directory"]


@pytest.mark.parametrize("command", ["match", "search"])
@pytest.mark.parametrize("kind", DB_DAMAGE)
def test_damaged_database_clear_message_and_untouched(kind, command, tmp_path, db_path, capsys):
    folder = tmp_path / "app"
    folder.mkdir()
    target = folder / "policies.db"
    _damage(kind, db_path, target)
    before = snapshot(folder)
    args = [EXAMPLE, "--format", "json"] if command == "match" else ["预付卡", "--format", "json"]
    code, out, err = cli(capsys, "--db", target, command, *args)
    assert_clear_error(code, err, "政策数据库")
    assert "请重新安装或导入数据包" in err
    assert snapshot(folder) == before  # nothing written: no journal, no repair attempt
    assert sorted(p.name for p in folder.iterdir()) == sorted([] if kind == "missing" else ["policies.db"])


@pytest.mark.parametrize("command", ["match", "search"])
def test_read_only_database_in_read_only_folder_works(command, tmp_path, db_path, capsys):
    folder = tmp_path / "Program Files" / "PolicyDesk"
    folder.mkdir(parents=True)
    target = folder / "policies.db"
    shutil.copy(db_path, target)
    target.chmod(0o444)
    folder.chmod(0o555)
    try:
        args = [EXAMPLE, "--format", "json"] if command == "match" else ["预付卡", "--format", "json"]
        code, out, err = cli(capsys, "--db", target, command, *args)
        assert code == 0, err
        data = json.loads(out)
        assert data["results"] if command == "match" else data["hits"]
        assert digest(target) == digest(db_path)
        assert [p.name for p in folder.iterdir()] == ["policies.db"]
    finally:
        folder.chmod(0o755)
        target.chmod(0o644)


# --------------------------------------------------------------------------- hostile search queries


HOSTILE_QUERIES = {
    "5000 characters": "补贴" * 2500,
    "very many words": " ".join(["企业"] * 3000),
    "only punctuation": "！？。，、；：（）【】!?.,;:()[]{}<>",
    "lone OR": "OR",
    "lone 或": "或",
    "lone AND": "AND",
    "lone pipe": "|",
    "dangling OR": "补贴 OR",
    "leading OR": "OR 补贴",
    "unbalanced quote": '"预付卡 管理',
    "only quotes": '"""',
    "empty phrase": '""',
    "regex metacharacters": r"^.*(补贴|[a-z]+)\d{2,}$",
    "backslashes": "\\\\补贴\\",
    "control characters": "\x00\x01\x07补贴\x7f",
    "terminal escape": "\x1b[31m补贴\x1b[0m",
    "zero-width and direction marks": "\u200b\u202e补贴\ufeff",
    "lone surrogate": "\ud800补贴",
    "whoosh field syntax": "content:补贴 doc_title:预付卡",
    "whoosh wildcard": "*",
    "whoosh prefix": "补*",
    "whoosh fuzzy": "补贴~2",
    "lone tilde": "~",
    "whoosh NOT": "NOT 补贴",
    "whoosh range": "year:[2020 TO 2022]",
    "whoosh boost": "补贴^10",
    "parentheses": "((((补贴",
    "sql injection": "'; DROP TABLE documents; --",
    "html": "<script>alert('x')</script>",
    "emoji": "😀🏢💰",
    "only white space": " \t\u3000 ",
    "empty": "",
    "many short words": " ".join("abcdefghijklmnopqrstuvwxyz" * 3),
    "full-width latin": "ＡＢＣ　补贴",
}


@pytest.mark.parametrize("name", list(HOSTILE_QUERIES))
def test_hostile_query_gives_hits_or_a_message(name, searcher):
    query = HOSTILE_QUERIES[name]
    result = searcher.search(query, 10)
    assert isinstance(result, dict) and isinstance(result["hits"], list)
    if result.get("error"):
        assert isinstance(result["error"], str) and "\n" not in result["error"] and not result["hits"]
    for hit in result["hits"]:
        assert hit["doc_id"] and isinstance(hit["snippet"], str)
    if name in ("5000 characters", "very many words"):
        assert "查询过长" in result["error"]
    if name in ("control characters", "zero-width and direction marks"):
        assert result["hits"], "invisible characters around a word must not hide its hits"


@pytest.mark.parametrize("name", ["5000 characters", "only punctuation", "lone OR", "unbalanced quote",
                                  "regex metacharacters", "whoosh field syntax", "whoosh wildcard", "emoji"])
def test_hostile_query_via_cli(name, db_path, capsys):
    code, out, err = cli(capsys, "--db", db_path, "search", HOSTILE_QUERIES[name], "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert isinstance(data["hits"], list) and (data["hits"] or data.get("error") is None or data["error"])
    code, out, err = cli(capsys, "--db", db_path, "search", HOSTILE_QUERIES[name])
    assert code == 0 and err == "" and out.strip()


# --------------------------------------------------------------------------- interrupted saves


WRITER_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    writer = sys.argv[1]
    if writer == "atomic":
        from desktop.atomic import write_text_atomic as write
    else:
        from desktop.session.profiles_store import atomic_write_text as write
    target = Path(sys.argv[2])
    texts = [Path(p).read_text(encoding="utf-8") for p in sys.argv[3:5]]
    rounds = int(sys.argv[5])
    extra = Path(sys.argv[6]) if len(sys.argv) > 6 else None
    i = 0
    while rounds < 0 or i < rounds:
        write(target, texts[i % 2])
        if extra is not None:
            write(extra, texts[(i + 1) % 2])
        if i == 0:
            print("ready", flush=True)
        i += 1
    """
)


def _writers():
    # Both writers the app uses; the child script imports them, so a missing one fails the test.
    yield pytest.param("atomic", id="desktop.atomic")
    yield pytest.param("store", id="profiles_store")


def _two_profiles(folder: Path, size_chars: int) -> tuple[Path, Path, str, str]:
    a = json.dumps({**example(), "name": "甲公司", "_notes": "甲" * size_chars}, ensure_ascii=False, indent=2)
    b = json.dumps({**example(), "name": "乙公司", "employees": 12, "_notes": "乙" * size_chars}, ensure_ascii=False, indent=2)
    pa, pb = folder / "a.txt", folder / "b.txt"
    pa.write_text(a, encoding="utf-8")
    pb.write_text(b, encoding="utf-8")
    return pa, pb, a, b


@pytest.mark.slow
@pytest.mark.parametrize("writer", list(_writers()))
def test_save_killed_midway_leaves_old_or_new_complete_file(writer, tmp_path, engine):
    src = tmp_path / "src"
    src.mkdir()
    pa, pb, a, b = _two_profiles(src, 300_000)  # about 900 kB each: a write takes a while
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    target = profiles / "甲公司.json"
    target.write_text(a, encoding="utf-8")
    rng = random.Random(6)
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, writer, str(target), str(pa), str(pb), "-1"],
                                stdout=subprocess.PIPE, env=child_env(), cwd=tmp_path)
        assert proc.stdout.readline().strip() == b"ready"
        subprocess.run([sys.executable, "-c", f"import time; time.sleep({rng.uniform(0.0, 0.2)})"], check=True)
        proc.kill()  # SIGKILL on POSIX: no clean-up code runs
        proc.wait(timeout=30)
        proc.stdout.close()
        text = target.read_text(encoding="utf-8")
        assert text in (a, b), "a killed save left a half-written profile"
        assert read_profile_file(target, engine.questionnaire)["name"] in ("甲公司", "乙公司")
    # A killed save may leave its temporary file; it is never mistaken for a profile.
    leftovers = [p for p in profiles.iterdir() if p != target]
    assert [p.name for p in profiles.glob("*.json")] == ["甲公司.json"]
    assert all(p.name.startswith(".") and p.name.endswith(".tmp") for p in leftovers)
    assert leftovers, "no kill landed inside a save, so this run proved nothing"


# --------------------------------------------------------------------------- full disk


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


class _FillsUp:
    """A file object that accepts a few bytes, then fails like a full disk."""

    def __init__(self, fh, room: int):
        self.fh, self.room = fh, room

    def write(self, data):
        if len(data) > self.room:
            self.fh.write(data[: self.room])
            self.room = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


@pytest.mark.slow
@pytest.mark.parametrize("how", ["fails at fsync", "fails midway through writing"])
@pytest.mark.parametrize("export", ["--pdf", "--ics"])
def test_full_disk_on_export_keeps_the_old_file(export, how, tmp_path, db_path, monkeypatch, capsys):
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    out = out_dir / ("checklist.pdf" if export == "--pdf" else "deadlines.ics")
    out.write_bytes(b"the previous export, which must survive")
    import desktop.atomic as atomic

    if how == "fails at fsync":
        monkeypatch.setattr(atomic.os, "fsync", _no_space)
    else:
        real_open = open

        def filling_open(file, mode="r", *a, **k):  # the data file fills the disk; the fsync reopen does not
            fh = real_open(file, mode, *a, **k)
            return _FillsUp(fh, 100) if mode == "wb" else fh

        monkeypatch.setattr(atomic, "open", filling_open, raising=False)
    code, _, err = cli(capsys, "--db", db_path, "match", EXAMPLE, "--as-of", "2026-11-01", export, out)
    assert_clear_error(code, err, "磁盘空间不足.*原文件未被改动")
    assert out.read_bytes() == b"the previous export, which must survive"
    assert [p.name for p in out_dir.iterdir()] == [out.name]  # no temporary file left


def test_full_disk_on_profile_save_keeps_the_old_profile(tmp_path, monkeypatch):
    target = tmp_path / "甲公司.json"
    target.write_text('{"name": "甲公司"}', encoding="utf-8")
    import desktop.atomic as atomic

    monkeypatch.setattr(atomic.os, "fsync", _no_space)
    with pytest.raises(WriteError, match="磁盘空间不足"):
        write_text_atomic(target, json.dumps(example(), ensure_ascii=False))
    assert target.read_text(encoding="utf-8") == '{"name": "甲公司"}'
    assert [p.name for p in tmp_path.iterdir()] == ["甲公司.json"]


REAL_FULL_DISK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from desktop.atomic import WriteError, write_bytes_atomic
    target = Path(sys.argv[1])
    try:
        write_bytes_atomic(target, b"new" * 400_000)
        result = "written"
    except WriteError as exc:
        result = str(exc)
    print(json.dumps({"result": result, "content": target.read_bytes().decode(),
                      "files": sorted(p.name for p in target.parent.iterdir())}, ensure_ascii=False))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux") or not shutil.which("unshare"), reason="needs Linux unshare")
def test_really_full_disk_on_a_tiny_tmpfs(tmp_path):
    """A real ENOSPC: a 512 kB tmpfs in a private mount namespace (root or user namespaces only)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    script = tmp_path / "fill.py"
    script.write_text(REAL_FULL_DISK, encoding="utf-8")
    shell = (f"mount -t tmpfs -o size=512k tmpfs {mnt} && printf old > {mnt}/export.pdf && "
             f"{sys.executable} {script} {mnt}/export.pdf")
    for prefix in (["unshare", "-m"], ["unshare", "-r", "-m"]):
        proc = subprocess.run(prefix + ["sh", "-c", shell], capture_output=True, env=child_env(), timeout=60)
        if proc.returncode == 0 and proc.stdout.strip():
            break
    else:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode(errors='replace').strip()[:200]}")
    data = json.loads(proc.stdout.decode("utf-8"))
    assert "磁盘空间不足" in data["result"] and "原文件未被改动" in data["result"]
    assert data["content"] == "old" and data["files"] == ["export.pdf"]


# --------------------------------------------------------------------------- two instances at once


@pytest.mark.parametrize("writer", list(_writers()))
def test_two_instances_saving_profiles_at_once(writer, tmp_path, engine):
    src = tmp_path / "src"
    src.mkdir()
    pa, pb, a, b = _two_profiles(src, 20_000)
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    shared = profiles / "共用.json"
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, writer, str(shared), str(x), str(y), "100",
                          str(profiles / f"own-{n}.json")], stdout=subprocess.PIPE, env=child_env(), cwd=tmp_path)
        for n, (x, y) in enumerate([(pa, pb), (pb, pa)])
    ]
    problems = []
    for proc in procs:
        out, _ = proc.communicate(timeout=300)
        if proc.returncode != 0:
            problems.append(proc.returncode)
    if os.name == "nt":  # concurrent renames onto one file may be refused there: a message, not damage
        problems = []
    assert not problems
    files = sorted(profiles.iterdir())
    assert [p.name for p in files] == ["own-0.json", "own-1.json", "共用.json"]  # no temporary file left
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert text in (a, b), f"{path.name} is not one complete save"
        read_profile_file(path, engine.questionnaire)


# --------------------------------------------------------------------------- data pack round trip


def _resources_copy(root: Path, dest: Path, version: str) -> Path:
    shutil.copytree(root / "resources", dest / "resources")
    (dest / "resources" / "DATA_VERSION").write_text(version + "\n", encoding="utf-8")
    return dest


def _retitle_one_measure(src: Path) -> tuple[str, str]:
    """Change the title of the first measure of one file in a resources copy; return (id, new title)."""
    folder = src / "resources" / "measures"
    path = folder / "prepaid_card_regulation.yaml"
    if not path.exists():
        path = sorted(folder.glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    first = yaml.safe_load(text)["measures"][0]
    start = text.index(f"id: {first['id']}")
    line = re.compile(r"^(\s+title:\s*)(.*)$", re.M).search(text, start)
    assert line and first["title"] in line.group(2)
    new_title = first["title"] + "（测试修订）"
    changed = line.group(1) + line.group(2).replace(first["title"], new_title, 1)
    path.write_text(text[: line.start()] + changed + text[line.end():], encoding="utf-8")
    return first["id"], new_title


@pytest.mark.slow
def test_data_pack_round_trip(root, tmp_path, monkeypatch, capsys):
    userdata = tmp_path / "userdata"
    monkeypatch.setenv("POLICY_DESK_DATA", str(userdata))
    monkeypatch.delenv("POLICY_DESK_DB", raising=False)
    trust_test_key(userdata)
    installed = userdata / "data" / "policies.db"
    src1 = _resources_copy(root, tmp_path / "v1", "2099.1.1")
    src2 = _resources_copy(root, tmp_path / "v2", "2099.1.2")
    measure_id, new_title = _retitle_one_measure(src2)
    p1, p2 = tmp_path / "packs" / "v1.pdpack", tmp_path / "packs" / "v2.pdpack"

    # build pack v1, then v2 with a changelog against v1
    assert cli(capsys, "build", "--root", src1, "--pack", p1, "--sign-key", TEST_SIGN_KEY)[0] == 0
    code, out, _ = cli(capsys, "build", "--root", src2, "--pack", p2, "--previous", p1, "--sign-key", TEST_SIGN_KEY)
    assert code == 0 and measure_id in out
    with zipfile.ZipFile(p2) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    log = manifest["changelog"]
    assert log["since"] == "2099.1.1" and manifest["data_version"] == "2099.1.2"
    assert [(c["id"], c["title"], c["fields"]) for c in log["changed"]] == [(measure_id, new_title, ["title"])]
    assert log["added"] == [] and log["removed"] == []
    assert manifest["build_date"] and len(manifest["sources_hash"]) == 64
    with zipfile.ZipFile(p2) as zf:
        assert hashlib.sha256(zf.read("policies.db")).hexdigest() == manifest["database"]["sha256"]

    # import v1
    code, out, _ = cli(capsys, "import-pack", p1)
    assert code == 0 and "2099.1.1" in out
    v1_digest = digest(installed)

    # a copy of v2 with one flipped byte is refused; v1 stays in place and usable
    flipped = tmp_path / "packs" / "v2-flipped.pdpack"
    data = bytearray(p2.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.write_bytes(bytes(data))
    code, _, err = cli(capsys, "import-pack", flipped)
    assert_clear_error(code, err, "损坏|校验")
    assert digest(installed) == v1_digest
    assert sorted(p.name for p in installed.parent.iterdir()) == ["manifest.json", "policies.db", "signature.json"]

    # import v2, then v1 again is refused as older
    code, out, _ = cli(capsys, "import-pack", p2)
    assert code == 0 and "2099.1.2" in out and measure_id in out
    assert digest(installed) == manifest["database"]["sha256"]
    code, _, err = cli(capsys, "import-pack", p1)
    assert_clear_error(code, err, "数据包版本 2099.1.1 比当前数据旧（当前为 2099.1.2）")
    assert digest(installed) == manifest["database"]["sha256"]

    # the app now reads v2: the changed title, and matching works
    from desktop.service import open_data

    data = open_data()
    try:
        assert data.db_path == installed.resolve() and data.meta["data_version"] == "2099.1.2"
        assert next(m for m in data.engine.measures if m.id == measure_id).title == new_title
    finally:
        data.close()
    code, out, _ = cli(capsys, "match", EXAMPLE, "--format", "json")
    assert code == 0 and json.loads(out)["data_version"] == "2099.1.2"
