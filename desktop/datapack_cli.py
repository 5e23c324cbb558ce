"""The data-pack commands of ``policy-desk``: keygen and restore-bundled (build --pack and import-pack
stay with the other commands in desktop/cli.py)."""

from __future__ import annotations

from pathlib import Path

from desktop.datapack import PackError


def cmd_keygen(args) -> int:
    from desktop.datapack_signing import SigningError, generate_keypair, site_keys_dir

    try:
        private, public, kid = generate_keypair(Path(args.folder), args.name)
    except SigningError as exc:
        raise PackError(str(exc)) from None
    print(f"已生成签名密钥（密钥编号 {kid}）：\n  私钥 {private}（只由发布数据的人保管，切勿放进代码库或随程序分发）\n"
          f"  公钥 {public}\n"
          f"签名：policy-desk build --pack OUT.pdpack --sign-key {private}\n"
          f"让某台电脑信任这把公钥：把 {public.name} 复制到 {site_keys_dir()}（见 docs/security.md）。")
    return 0


def cmd_restore_bundled(args) -> int:
    from desktop.datapack import installed_db_path, restore_bundled

    had_pack = installed_db_path().exists()
    version = restore_bundled()
    if had_pack:
        print(f"已删除导入的数据包，恢复使用随程序发布的政策数据（数据版本 {version}）。")
    else:
        print(f"没有导入的数据包：已在使用随程序发布的政策数据（数据版本 {version}）。")
    return 0


def add_commands(sub) -> None:
    """Register the commands on the sub-parsers of desktop.cli."""
    p = sub.add_parser("keygen", help="生成数据包签名密钥对（私钥 .pem 与公钥 .pub）")
    p.add_argument("folder", help="写入密钥的文件夹")
    p.add_argument("--name", default="policy-desk-signing", help="文件名（不含扩展名）")
    p.set_defaults(func=cmd_keygen)

    p = sub.add_parser("restore-bundled", help="恢复内置数据：删除已导入的数据包，改用随程序发布的数据")
    p.set_defaults(func=cmd_restore_bundled)
