#!/usr/bin/env python3
"""Checks tests/retrieval/queries.tsv against catalog/ and prints its coverage.

Usage: python3 tests/retrieval/check.py [queries.tsv] [catalog-dir]
Exits 1 when a row is malformed, names a tool that is not in the catalog, gives the
wrong platform folder, repeats a query, or when the set is too small or misses a folder.
"""
import collections
import pathlib
import re
import sys

HEADER = ["query", "relevant", "platform", "kind"]
KINDS = ["plain", "synonym", "name", "flag", "error", "typo"]
MIN_ROWS = 180
# A folder needs at least this many requests whose best answer lives there; a folder
# with fewer tools than that (custom has two) needs one request per tool.
MIN_PER_FOLDER = 5

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOOL_NAME_LINE = re.compile(r"^tool_name:\s*['\"]?([^'\"#\s]+)", re.MULTILINE)


def read_tool_names(catalog_dir):
    """Maps each tool_name to the folders holding it (a name may exist in several)."""
    try:
        import yaml
    except ImportError:
        yaml = None
    folders_by_tool = collections.defaultdict(set)
    for path in sorted(catalog_dir.glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        if yaml is not None:
            name = (yaml.safe_load(text) or {}).get("tool_name")
        else:
            match = TOOL_NAME_LINE.search(text)
            name = match.group(1) if match else None
        if name:
            folders_by_tool[str(name)].add(path.parent.name)
    return folders_by_tool


def check_row(line_no, fields, folders_by_tool, seen):
    if len(fields) != len(HEADER):
        return [f"line {line_no}: expected {len(HEADER)} tab-separated fields, got {len(fields)}"]
    query, relevant, platform, kind = fields
    problems = []
    if not query.strip() or query != query.strip():
        problems.append(f"line {line_no}: empty query or surrounding whitespace")
    key = " ".join(query.lower().split())
    if key in seen:
        problems.append(f"line {line_no}: duplicate of line {seen[key]}: {query}")
    seen.setdefault(key, line_no)
    tools = relevant.split(",")
    if len(set(tools)) != len(tools):
        problems.append(f"line {line_no}: a tool is listed twice: {relevant}")
    for tool in tools:
        if tool not in folders_by_tool:
            problems.append(f"line {line_no}: unknown tool '{tool}'")
    best = tools[0]
    if best in folders_by_tool and platform not in folders_by_tool[best]:
        problems.append(f"line {line_no}: platform '{platform}' is not the folder of '{best}' "
                        f"({', '.join(sorted(folders_by_tool[best]))})")
    if kind not in KINDS:
        problems.append(f"line {line_no}: kind '{kind}' is not one of {', '.join(KINDS)}")
    return problems


def print_counts(title, counter, order, total):
    print(f"{title}:")
    for key in order:
        print(f"  {key:<15} {counter[key]:>4}  {100.0 * counter[key] / total:5.1f}%")


def main():
    queries_path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pathlib.Path(__file__).with_name("queries.tsv")
    catalog_dir = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "catalog"
    folders_by_tool = read_tool_names(catalog_dir)
    tools_per_folder = collections.Counter(f for folders in folders_by_tool.values() for f in folders)

    raw = queries_path.read_bytes()
    problems = []
    if b"\r" in raw:
        problems.append("file contains CR characters; use LF line endings")
    lines = raw.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0].split("\t") != HEADER:
        problems.append(f"first line must be the header: {chr(9).join(HEADER)}")

    seen = {}
    rows = []
    for line_no, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        row_problems = check_row(line_no, fields, folders_by_tool, seen)
        problems += row_problems
        if not row_problems:
            rows.append(fields)

    per_folder = collections.Counter(row[2] for row in rows)
    per_kind = collections.Counter(row[3] for row in rows)
    used = {tool for row in rows for tool in row[1].split(",")}
    if len(rows) < MIN_ROWS:
        problems.append(f"only {len(rows)} valid rows, at least {MIN_ROWS} are needed")
    for folder, tool_count in sorted(tools_per_folder.items()):
        needed = min(MIN_PER_FOLDER, tool_count)
        if per_folder[folder] < needed:
            problems.append(f"folder '{folder}' has {per_folder[folder]} requests, at least {needed} are needed")

    total = max(len(rows), 1)
    print(f"{len(rows)} requests, {len(used)} of {len(folders_by_tool)} catalog tools named as relevant")
    print_counts("per folder (best answer)", per_folder, sorted(tools_per_folder), total)
    print_counts("per kind", per_kind, KINDS, total)
    shared = {tool: folders for tool, folders in folders_by_tool.items() if len(folders) > 1}
    for tool, folders in sorted(shared.items()):
        print(f"note: tool_name '{tool}' exists in several folders: {', '.join(sorted(folders))}")
    unused = sorted(set(folders_by_tool) - used)
    if unused:
        print(f"tools never named as relevant ({len(unused)}): {', '.join(unused)}")

    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
