"""The Linux desktop integration: the menu entry, the AppStream metainfo and install-desktop.sh.

The validators come from Debian's desktop-file-utils (desktop-file-validate) and appstream (appstreamcli)
packages. Without them those tests skip, except when CI=true: there they fail, so CI cannot go green by
skipping the only checks that the menu entry and the software-centre description are valid.

install-desktop.sh runs for real, into a temporary XDG data home, both from this checkout and from a fake
unpacked release bundle.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from cst_directory import APP_ID, APP_NAME, __version__

REPO_ROOT = Path(__file__).resolve().parents[2]
LINUX_DIR = REPO_ROOT / "packaging" / "linux"
DESKTOP_FILE = LINUX_DIR / f"{APP_ID}.desktop"
METAINFO_FILE = LINUX_DIR / f"{APP_ID}.metainfo.xml"
INSTALL_SCRIPT = LINUX_DIR / "install-desktop.sh"
ICON_ROOT = REPO_ROOT / "resources" / "icons" / "hicolor"
COMMAND = "cst-directory"

# The one place the project's address lives, for the metainfo's links to be checked against.
REPOSITORY = "cst-directory/cst-directory"
HOMEPAGE = f"https://github.com/{REPOSITORY}"
RAW_FILES = f"https://raw.githubusercontent.com/{REPOSITORY}/main/"
SCREENSHOTS = {"docs/screenshot.png", "docs/add-contact.png"}

DEBIAN_PACKAGES = {"desktop-file-validate": "desktop-file-utils", "appstreamcli": "appstream"}
TOOL_TIMEOUT = 60.0
ICON_SIZE_DIR = re.compile(r"^(\d+x\d+(@\d+)?|scalable|symbolic)$")

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="desktop integration is Linux only")


def require_tool(tool: str) -> str:
    """The tool's path; skip when it is missing, or fail when CI=true."""
    path = shutil.which(tool)
    if path is not None:
        return path
    message = f"{tool} is not installed (on Debian or Ubuntu: apt-get install {DEBIAN_PACKAGES[tool]})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, so this check may not skip, but {message}", pytrace=False)
    pytest.skip(message)


def run(command: list[str | Path], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], capture_output=True, text=True, env=env,
                          check=False, timeout=TOOL_TIMEOUT)


def desktop_entry(path: Path) -> dict[str, str]:
    """The keys of a desktop file's [Desktop Entry] group, values as written (escapes left alone)."""
    entries: dict[str, str] = {}
    group = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            group = line.strip()
            continue
        if group == "[Desktop Entry]":
            key, _, value = line.partition("=")
            assert key not in entries, f"{path.name}: {key} appears twice"
            entries[key.strip()] = value.strip()
    return entries


def metainfo() -> ET.Element:
    return ET.parse(METAINFO_FILE).getroot()


def text_of(root: ET.Element, path: str) -> str:
    element = root.find(path)
    assert element is not None, f"the metainfo has no {path}"
    return (element.text or "").strip()


def icons_under(root: Path) -> set[str]:
    """This app's icons in a hicolor tree, as paths relative to it (such as 48x48/apps/ID.png)."""
    if not root.is_dir():
        return set()
    return {str(icon.relative_to(root)) for suffix in ("png", "svg")
            for icon in root.glob(f"*/apps/{APP_ID}.{suffix}")}


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


# --- The files as shipped -----------------------------------------------------------------------------


def test_desktop_file_passes_desktop_file_validate() -> None:
    validator = require_tool("desktop-file-validate")
    result = run([validator, DESKTOP_FILE])
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_metainfo_passes_appstreamcli_validate() -> None:
    validator = require_tool("appstreamcli")
    result = run([validator, "validate", "--no-net", "--pedantic", METAINFO_FILE])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Infos and pedantic hints are allowed (older AppStream does not know <developer>, and the ID's capitals
    # are a pedantic hint); warnings and errors are not.
    assert not re.search(r"^\s*[EW]:", output, re.MULTILINE), output
    assert not re.search(r"\b(errors|warnings): [1-9]", output), output


def test_desktop_file_starts_the_gui_in_the_application_menu() -> None:
    entry = desktop_entry(DESKTOP_FILE)
    assert entry["Type"] == "Application"
    assert entry["Name"] == APP_NAME
    assert entry["Exec"] == COMMAND
    assert entry["TryExec"] == COMMAND
    assert entry["Terminal"] == "false"
    assert entry["StartupNotify"] == "true"
    assert "Utility" in entry["Categories"].split(";")
    assert "999" in entry["Keywords"].split(";")
    # Qt on X11 sets WM_CLASS to (argv[0]'s base name, the application name); the class part is the stable
    # one, so the desktop file names the application name that app.py sets.
    assert entry["StartupWMClass"] == APP_NAME


def test_the_app_id_is_the_same_everywhere() -> None:
    root = metainfo()
    assert DESKTOP_FILE.name == f"{APP_ID}.desktop"
    assert METAINFO_FILE.name == f"{APP_ID}.metainfo.xml"
    assert desktop_entry(DESKTOP_FILE)["Icon"] == APP_ID
    assert text_of(root, "id") == APP_ID
    assert text_of(root, "launchable[@type='desktop-id']") == f"{APP_ID}.desktop"
    assert text_of(root, "icon[@type='stock']") == APP_ID
    if ICON_ROOT.is_dir():
        icon_files = [path for path in ICON_ROOT.rglob("*") if path.suffix in {".png", ".svg"}]
        assert icon_files, f"{ICON_ROOT} holds no icons"
        for icon in icon_files:
            relative = icon.relative_to(ICON_ROOT)
            assert icon.stem == APP_ID, f"{relative} is not named after the app ID"
            assert relative.parent.name == "apps" and ICON_SIZE_DIR.match(relative.parts[0]), relative


def test_the_newest_release_is_the_package_version() -> None:
    releases = metainfo().findall("releases/release")
    assert releases, "the metainfo lists no releases"
    versions = [release.get("version", "") for release in releases]
    assert versions[0] == max(versions, key=version_key), "releases must be listed newest first"
    assert versions[0] == __version__
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", releases[0].get("date", "")), "the release has no date"
    assert releases[0].find("description") is not None, "the release has no notes"


def test_the_links_point_at_the_project_and_the_screenshots_exist() -> None:
    root = metainfo()
    assert text_of(root, "url[@type='homepage']") == HOMEPAGE
    for url in root.iter("url"):
        assert (url.text or "").strip().startswith(HOMEPAGE), url.text
    images = [(image.text or "").strip() for image in root.iter("image")]
    for image in images:
        assert image.startswith(RAW_FILES), image
    shown = {image.removeprefix(RAW_FILES) for image in images}
    assert shown == SCREENSHOTS
    for screenshot in shown:
        assert (REPO_ROOT / screenshot).is_file(), f"{screenshot} is shown in the metainfo but does not exist"
    for entry in root.iter("screenshot"):
        assert text_of(entry, "caption"), "every screenshot needs a caption"


def test_metainfo_provides_both_commands() -> None:
    binaries = {(binary.text or "").strip() for binary in metainfo().iter("binary")}
    assert binaries == {COMMAND, "cstdir"}


# --- install-desktop.sh -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sandbox:
    home: Path
    data: Path
    env: dict[str, str]

    def installed_desktop_file(self) -> Path:
        return self.data / "applications" / f"{APP_ID}.desktop"

    def installed_metainfo(self) -> Path:
        return self.data / "metainfo" / f"{APP_ID}.metainfo.xml"

    def installed_icons(self) -> set[str]:
        return icons_under(self.data / "icons" / "hicolor")

    def files_of_the_app(self) -> list[Path]:
        return [path for path in self.data.rglob("*") if APP_ID in path.name]


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    """A HOME and an XDG data home of the test's own, and a PATH without any cst-directory on it."""
    home, data = tmp_path / "home", tmp_path / "xdg data"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), XDG_DATA_HOME=str(data), PATH="/usr/bin:/bin")
    if shutil.which(COMMAND, path=env["PATH"]) is not None:
        pytest.skip(f"{COMMAND} is installed in /usr/bin, so the tests cannot tell which one the script uses")
    return Sandbox(home=home, data=data, env=env)


def fake_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def checkout_icons() -> set[str]:
    icons = icons_under(ICON_ROOT)
    if not icons:
        pytest.fail(f"no {APP_ID} icons under {ICON_ROOT}: install-desktop.sh has nothing to install",
                    pytrace=False)
    return icons


def assert_uninstalls(script: Path, sandbox: Sandbox) -> None:
    result = run([script, "--uninstall"], sandbox.env)
    assert result.returncode == 0, result.stderr
    assert sandbox.files_of_the_app() == []
    again = run([script, "--uninstall"], sandbox.env)
    assert again.returncode == 0, again.stderr


def test_install_script_is_executable_and_valid_bash() -> None:
    assert INSTALL_SCRIPT.stat().st_mode & stat.S_IXUSR
    result = run(["bash", "-n", INSTALL_SCRIPT])
    assert (result.returncode, result.stderr) == (0, "")


@linux_only
@pytest.mark.parametrize("folder", ["bin", "my apps"], ids=["plain path", "path with a space"])
def test_install_from_the_checkout_then_uninstall(sandbox: Sandbox, tmp_path: Path, folder: str) -> None:
    icons = checkout_icons()
    executable = fake_executable(tmp_path / folder / COMMAND)

    result = run([INSTALL_SCRIPT, "--exec", executable], sandbox.env)

    assert result.returncode == 0, result.stderr
    entry = desktop_entry(sandbox.installed_desktop_file())
    expected_exec = f'"{executable}"' if " " in str(executable) else str(executable)
    assert entry["Exec"] == expected_exec
    assert entry["TryExec"] == str(executable)
    assert entry["Icon"] == APP_ID
    assert sandbox.installed_metainfo().read_bytes() == METAINFO_FILE.read_bytes()
    assert sandbox.installed_icons() == icons
    for icon in icons:
        assert (sandbox.data / "icons" / "hicolor" / icon).read_bytes() == (ICON_ROOT / icon).read_bytes()
    assert list(sandbox.home.iterdir()) == [], "the script wrote outside the XDG data home"
    assert "--uninstall" in result.stdout

    assert_uninstalls(INSTALL_SCRIPT, sandbox)


@linux_only
def test_the_installed_desktop_file_passes_desktop_file_validate(sandbox: Sandbox, tmp_path: Path) -> None:
    validator = require_tool("desktop-file-validate")
    checkout_icons()
    # Quotes, a space, a dollar, a backslash and backquotes: every escape the Exec key can need.
    executable = fake_executable(tmp_path / r'the "app" $HOME \ `here`' / COMMAND)

    result = run([INSTALL_SCRIPT, "--exec", executable], sandbox.env)

    assert result.returncode == 0, result.stderr
    # Quoted as an argument (\" \$ \\ \`), then every backslash doubled as in any string value.
    assert desktop_entry(sandbox.installed_desktop_file())["Exec"] == (
        rf'"{tmp_path}/the \\"app\\" \\$HOME \\\\ \\`here\\`/{COMMAND}"')
    check = run([validator, sandbox.installed_desktop_file()])
    assert (check.returncode, check.stdout + check.stderr) == (0, "")


@linux_only
def test_install_from_an_unpacked_bundle_finds_the_executable_next_to_it(sandbox: Sandbox,
                                                                       tmp_path: Path) -> None:
    bundle = tmp_path / f"cst-directory-{__version__}"
    executable = fake_executable(bundle / COMMAND)
    for source in (INSTALL_SCRIPT, DESKTOP_FILE, METAINFO_FILE):
        shutil.copy2(source, bundle / source.name)
    icon_root = bundle / "_internal" / "resources" / "icons" / "hicolor"
    bundled_icons = {f"{size}x{size}/apps/{APP_ID}.png" for size in (16, 48, 256)}
    bundled_icons.add(f"scalable/apps/{APP_ID}.svg")
    for icon in bundled_icons:
        (icon_root / icon).parent.mkdir(parents=True, exist_ok=True)
        (icon_root / icon).write_bytes(icon.encode())

    result = run([bundle / INSTALL_SCRIPT.name], sandbox.env)

    assert result.returncode == 0, result.stderr
    entry = desktop_entry(sandbox.installed_desktop_file())
    assert entry["Exec"] == str(executable)
    assert entry["TryExec"] == str(executable)
    assert sandbox.installed_icons() == bundled_icons
    assert sandbox.installed_metainfo().is_file()

    assert_uninstalls(bundle / INSTALL_SCRIPT.name, sandbox)


@linux_only
@pytest.mark.parametrize("kind", ["missing", "not executable", "directory"])
def test_a_bad_exec_is_refused_in_one_line(sandbox: Sandbox, tmp_path: Path, kind: str) -> None:
    target = tmp_path / "not-the-app"
    if kind == "not executable":
        target.write_text("#!/bin/sh\n", encoding="utf-8")
        target.chmod(0o644)
    elif kind == "directory":
        target.mkdir()

    result = run([INSTALL_SCRIPT, "--exec", target], sandbox.env)

    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert str(target) in result.stderr
    assert not sandbox.data.exists(), "nothing may be installed after a refusal"


@linux_only
def test_without_an_executable_anywhere_it_says_so_in_one_line(sandbox: Sandbox) -> None:
    result = run([INSTALL_SCRIPT], sandbox.env)

    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "--exec" in result.stderr
    assert not sandbox.data.exists()
