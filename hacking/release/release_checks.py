# -*- coding: utf-8 -*-
# Copyright: Contributors to the telephony.chime project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the release artefacts that the tools do not make themselves; hacking/release.mk runs them.

Each subcommand prints what it checked and exits 1 with the list of problems when there are any.
"""

import argparse
import fnmatch
import json
import re
import subprocess
import sys
import tarfile
import zlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COLLECTION = "telephony.chime"

# Nothing of this kind belongs in the tarball: build output, virtual environments, caches, VCS and CI plumbing.
UNWANTED = [
    re.compile(pattern)
    for pattern in (
        r"^\.build(/|$)",
        r"(^|/)tests/output(/|$)",
        r"(^|/)__pycache__(/|$)",
        r"\.py[co]$",
        r"(^|/)\.venv",
        r"(^|/)\.(pytest|mypy|ruff)_cache(/|$)",
        r"(^|/)\.(tox|nox|cache|ansible|idea|vscode)(/|$)",
        r"(^|/)\.coverage",
        r"(^|/)htmlcov(/|$)",
        r"(^|/)\.git(/|$|ignore$|attributes$|hub(/|$))",
        r"^\.ci(/|$)",
        r"^changelogs/\.plugin-cache\.yaml$",
        r"\.tar\.gz$",
        r"(^|/)\.DS_Store$",
        r"(~|\.swp)$",
        # Build glue and the benchmark: of use in this repository, not in an installed collection.
        r"^hacking(/|$)",
        r"^Makefile$",
        r"^tests/perf(/|$)",
        r"^(pyproject\.toml|\.flake8|\.yamllint|\.ansible-lint|requirements-(dev|lint)\.txt)$",
    )
]
# Everything git holds below these folders ships: a new module, resource file, docs page, playbook or test is
# picked up without editing a list.
SHIPPED_TREES = ("plugins/", "meta/", "docs/", "playbooks/", "changelogs/", "tests/unit/", "tests/integration/")

# What a release must carry: metadata, content, docs, changelog, dependency declarations and tests.
REQUIRED = [
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "COPYING",
    "CHANGELOG.rst",
    "requirements.txt",
    "bindep.txt",
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "changelogs/changelog.yaml",
    "changelogs/config.yaml",
    "docs/docsite/extra-docs.yml",
    "docs/docsite/links.yml",
    "tests/unit/requirements.txt",
]
# changelogs/*.yaml: the released changelog and its config (right after a release there is no fragment to ship).
REQUIRED_GLOBS = ["docs/docsite/rst/*.rst", "tests/unit/plugins/*/test_*.py", "changelogs/*.yaml"]


def galaxy() -> dict:
    return yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))


def report(what: str, problems: list[str]) -> int:
    if problems:
        print(f"FAILED: {what}", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"OK: {what}")
    return 0


def git_listed() -> set[str]:
    """The files git would commit: tracked, and untracked but not ignored."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return {name for name in out.split("\0") if name}


def check_fragments(_args: argparse.Namespace) -> int:
    """A fragment named like one already released is skipped by the next `antsibull-changelog release`."""
    changelog = yaml.safe_load((ROOT / "changelogs/changelog.yaml").read_text(encoding="utf-8"))
    released = {}
    for version, release in (changelog.get("releases") or {}).items():
        for fragment in release.get("fragments") or []:
            released[fragment] = version
    problems = []
    # Fragments are YAML files (ignore_other_fragment_extensions): .keep only keeps the directory in git.
    fragments = sorted(
        p.name for p in (ROOT / "changelogs/fragments").glob("*") if p.is_file() and p.suffix in (".yml", ".yaml")
    )
    for name in fragments:
        if name in released:
            problems.append(
                f"changelogs/fragments/{name} has the name of a fragment released in {released[name]}: rename it"
            )
    version = str(galaxy()["version"])
    if fragments and version not in (changelog.get("releases") or {}):
        # Fine: the pending release. Only say what the fragments are for.
        print(f"{len(fragments)} fragment(s) pending for {version}")
    elif fragments:
        print(f"{len(fragments)} fragment(s) pending for the release after {version}")
    return report(f"changelog fragments are new ({', '.join(fragments) or 'none'})", problems)


def check_tarball(args: argparse.Namespace) -> int:
    tarball = Path(args.tarball)
    info = galaxy()
    expected_name = f"{info['namespace']}-{info['name']}-{info['version']}.tar.gz"
    problems = []
    if tarball.name != expected_name:
        problems.append(f"{tarball.name} is not named {expected_name}")
    with tarfile.open(tarball) as tar:
        members = tar.getmembers()
    files = sorted(m.name.removeprefix("./") for m in members if m.isfile())
    listed = git_listed()
    for name in files:
        if any(pattern.search(name) for pattern in UNWANTED):
            problems.append(f"unwanted: {name}")
        elif name not in listed and name not in ("MANIFEST.json", "FILES.json"):
            problems.append(f"not a file git would commit (local or ignored): {name}")
    for member in members:
        if member.issym() or member.islnk():
            problems.append(f"link in the tarball: {member.name} -> {member.linkname}")
    for name in REQUIRED:
        if name not in files:
            problems.append(f"missing: {name}")
    for name in sorted(listed):
        if name.startswith(SHIPPED_TREES) and name not in files and not any(p.search(name) for p in UNWANTED):
            problems.append(f"missing: {name}")
    for pattern in REQUIRED_GLOBS:
        if not fnmatch.filter(files, pattern):
            problems.append(f"missing: nothing matches {pattern}")
    size = tarball.stat().st_size
    print(f"{tarball}: {size} bytes, {len(files)} files")
    if args.list:
        Path(args.list).write_text("".join(f"{name}\n" for name in files), encoding="utf-8")
    return report(f"contents of {tarball.name}", problems)


def check_installed(args: argparse.Namespace) -> int:
    """ansible-galaxy and ansible-doc find the collection in the installed copy, and only there."""
    installed = Path(args.installed).resolve()
    problems = []
    listing = subprocess.run(
        ["ansible-galaxy", "collection", "list", COLLECTION, "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    paths = [Path(path) for path in json.loads(listing)]
    if paths != [installed / "ansible_collections"]:
        problems.append(
            f"ansible-galaxy finds {COLLECTION} in {[str(path) for path in paths]}, not only in {installed}"
        )
    names = sorted(
        path.stem for path in (installed / "ansible_collections/telephony/chime/plugins/modules").glob("*.py")
    )
    if not names:
        problems.append("the installed copy has no module")
    for name in names:
        module = f"{COLLECTION}.{name}"
        docs = json.loads(
            subprocess.run(["ansible-doc", "--json", module], check=True, capture_output=True, text=True).stdout
        )
        doc = docs[module]["doc"]
        if not Path(doc["filename"]).resolve().is_relative_to(installed):
            problems.append(f"ansible-doc read {doc['filename']}, outside {installed}")
        # Every module documents its own options besides the common AWS ones (chime_phone_number and
        # chime_proxy_inventory have no voice connector option, so that is not what is looked for).
        own = set(doc.get("options", {})) - {
            "region",
            "endpoint_url",
            "access_key",
            "secret_key",
            "session_token",
            "profile",
            "aws_ca_bundle",
            "validate_certs",
            "aws_config",
            "debug_botocore_endpoint_logs",
        }
        if not own:
            problems.append(f"ansible-doc shows no option of the module's own for {module}")
        print(f"ansible-doc {module}: {doc['filename']}, {len(doc.get('options', {}))} options")
    return report(f"{COLLECTION} runs from {installed}", problems)


def requirement_lines(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"(^|\s+)#.*$", "", line).strip()
        if line:
            lines.append(line)
    return lines


def introspected(path: Path) -> list[str]:
    """The lines ansible-builder's introspection attributed to this collection."""
    if not path.is_file():
        return []
    suffix = f"# from collection {COLLECTION}"
    return [line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines() if suffix in line]


def check_ee(args: argparse.Namespace) -> int:
    context = Path(args.context)
    introspect_dir = Path(args.introspect)
    info = galaxy()
    tarball = f"{info['namespace']}-{info['name']}-{info['version']}.tar.gz"
    problems = []
    containerfile = context / "Containerfile"
    if not containerfile.is_file():
        problems.append(f"no {containerfile}")
    elif "introspect.py introspect" not in containerfile.read_text(encoding="utf-8"):
        problems.append(f"{containerfile} does not run ansible-builder's introspection")
    requirements = yaml.safe_load((context / "_build/requirements.yml").read_text(encoding="utf-8"))
    names = [entry["name"] for entry in requirements.get("collections") or []]
    wanted = f"collections/{tarball}"
    if wanted not in names:
        problems.append(
            f"examples/requirements.yml installs {names}, not {wanted}: update it to the version in galaxy.yml"
        )
    if not (context / "_build" / wanted).is_file():
        problems.append(f"the build context has no _build/{wanted}")
    meta = yaml.safe_load((ROOT / "meta/execution-environment.yml").read_text(encoding="utf-8"))
    declared = meta.get("dependencies") or {}
    for kind, written in (("python", "requirements.txt"), ("system", "bindep.txt")):
        source = declared.get(kind)
        if not source:
            problems.append(f"meta/execution-environment.yml declares no {kind} dependencies")
            continue
        expected = sorted(requirement_lines(ROOT / source))
        found = sorted(introspected(introspect_dir / written))
        if not expected:
            problems.append(f"{source} lists nothing")
        if found != expected:
            problems.append(f"introspection found {found} for {COLLECTION}, {source} lists {expected}")
        print(f"{kind}: {', '.join(found) or 'nothing'}")
    # The image's install-from-bindep installs what bindep selects for the base image's platform (rpm for
    # the example's CentOS Stream): entries only for other platforms or the [test] profile would install nothing.
    from bindep.depends import Depends  # ansible-builder brings bindep; only this check needs it

    try:
        rules = Depends((ROOT / "bindep.txt").read_text(encoding="utf-8")).active_rules(["platform:rpm"])
    except Exception as exc:  # bindep raises its own DependsException, and pyparsing's errors
        problems.append(f"bindep.txt does not parse: {exc}")
    else:
        if not rules:
            problems.append("bindep.txt selects no package for platform:rpm, the example's base image")
        print(f"bindep, platform:rpm: {', '.join(rule[0] for rule in rules) or 'nothing'}")
    python_names = {
        re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0].lower()
        for line in introspected(introspect_dir / "requirements.txt")
    }
    for name in ("boto3", "botocore"):
        if name not in python_names:
            problems.append(f"introspection did not find {name} for {COLLECTION}")
    return report(f"execution environment context {context}", problems)


# Labels of the Ansible documentation that antsibull-docs' generated pages refer to. Sphinx resolves them
# from this local inventory instead of fetching the real one: the build is offline and fails on any
# reference it cannot resolve, so a label missing here shows up as a warning that fails `make docs-html`.
ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/devel/"
ANSIBLE_LABELS = {
    "ansible_configuration_settings": (
        "reference_appendices/config.html#ansible-configuration-settings",
        "Ansible Configuration Settings",
    ),
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values", "Return Values"),
}
# Environment variables of Ansible's own configuration that plugin pages name (the inventory plugin's cache options,
# from the inventory_cache doc fragment); Sphinx's std:envvar targets of the configuration page.
ANSIBLE_ENVVARS = (
    "ANSIBLE_CACHE_PLUGIN",
    "ANSIBLE_CACHE_PLUGIN_CONNECTION",
    "ANSIBLE_CACHE_PLUGIN_PREFIX",
    "ANSIBLE_CACHE_PLUGIN_TIMEOUT",
)
CONF_OVERRIDE = f"""

# Added by hacking/release/release_checks.py: build offline. Only the Ansible documentation is linked,
# from a local inventory of the labels that the generated pages use; nothing is fetched.
intersphinx_mapping = {{
    'ansible_devel': ({ANSIBLE_DOCS!r}, '../ansible_devel.inv'),
}}
"""


def docs_offline(args: argparse.Namespace) -> int:
    site = Path(args.site)
    conf = site / "conf.py"
    text = conf.read_text(encoding="utf-8")
    if "intersphinx_mapping" not in text:
        return report(f"{conf} sets intersphinx_mapping", [f"{conf} has no intersphinx_mapping to replace"])
    conf.write_text(text + CONF_OVERRIDE, encoding="utf-8")
    entries = "".join(f"{label} std:label -1 {uri} {title}\n" for label, (uri, title) in sorted(ANSIBLE_LABELS.items()))
    entries += "".join(
        f"{name} std:envvar 1 reference_appendices/config.html#envvar-{name} -\n" for name in ANSIBLE_ENVVARS
    )
    header = (
        "# Sphinx inventory version 2\n"
        "# Project: Ansible\n"
        "# Version: devel\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    # Sphinx reads local inventory paths relative to the source directory, rst/ under the site.
    (site / "ansible_devel.inv").write_bytes(header.encode() + zlib.compress(entries.encode()))
    count = f"{len(ANSIBLE_LABELS)} Ansible labels and {len(ANSIBLE_ENVVARS)} environment variables"
    return report(f"{conf}: offline intersphinx with {count}", [])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(required=True)
    sub.add_parser("fragments", help="changelog fragments do not reuse released names").set_defaults(
        func=check_fragments
    )
    tar = sub.add_parser("tarball", help="the collection tarball holds what it should and nothing local")
    tar.add_argument("tarball")
    tar.add_argument("--list", help="write the list of files here")
    tar.set_defaults(func=check_tarball)
    ee = sub.add_parser("ee", help="the EE build context and introspection carry the collection's dependencies")
    ee.add_argument("context")
    ee.add_argument("introspect", help="where introspect.py wrote requirements.txt and bindep.txt")
    ee.set_defaults(func=check_ee)
    installed = sub.add_parser("installed", help="ansible-galaxy and ansible-doc use the installed copy")
    installed.add_argument("installed")
    installed.set_defaults(func=check_installed)
    docs = sub.add_parser("docs-offline", help="make a site from antsibull-docs sphinx-init build offline")
    docs.add_argument("site")
    docs.set_defaults(func=docs_offline)
    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
