#!/usr/bin/env python3
"""Fails when the files of src/ import each other in a cycle.

A file depends on another when it names it: `use crate::a::b::…`,
`crate::a::b::…` in code, or `super::…` / `self::…`. A name re-exported by
lib.rs or a mod.rs (`pub use x::Item`) resolves to the file that defines it,
so `use crate::Float` is an edge to float.rs, not to lib.rs, and lib.rs (which
declares every module) is not a node. Prints the edges with --edges.
"""
import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def module_of(path: Path) -> tuple:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return tuple(parts)


FILES = {module_of(p): p for p in SRC.rglob("*.rs")}


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//")[0] for line in text.splitlines())


def expand(tree: str) -> list:
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = tree.strip()
    match = re.match(r"^(.*?)\{(.*)\}$", tree, flags=re.S)
    if not match:
        return [tree]
    prefix, inner = match.group(1), match.group(2)
    items, depth, current = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            items.append(current)
            current = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        current += ch
    items.append(current)
    return [path for item in items if item.strip() for path in expand(prefix + item.strip())]


def uses(text: str) -> list:
    """(is_pub, path) for every `use` item."""
    out = []
    for m in re.finditer(r"\b(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", text):
        for path in expand(m.group(2)):
            path = re.sub(r"\s+as\s+\w+$", "", path.replace(" ", "").replace("\n", ""))
            out.append((bool(m.group(1)), path))
    return out


TEXT = {module: strip_comments(p.read_text()) for module, p in FILES.items()}


def absolute(module: tuple, path: str) -> list:
    """The path as crate-relative segments, or None for other crates."""
    segs = path.split("::")
    if segs[0] == "crate":
        return segs[1:]
    if segs[0] in ("super", "self"):
        base = list(module)
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
        return base + segs
    if tuple(module) + (segs[0],) in FILES:
        # A path relative to the current module (`pub use error::Error` in lib.rs).
        return list(module) + segs
    return None


def resolve(segs: list, seen=()) -> tuple:
    """The file module a crate-relative path names (through re-exports)."""
    longest = ()
    for i in range(len(segs), 0, -1):
        if tuple(segs[:i]) in FILES:
            longest = tuple(segs[:i])
            break
    rest = segs[len(longest):]
    if not rest or (longest, rest[0]) in seen:
        return longest
    # A re-export in that module's file?
    for is_pub, path in uses(TEXT[longest]):
        if not is_pub:
            continue
        target = absolute(longest, path)
        if target is None or path.endswith("*"):
            continue
        name = path.split("::")[-1]
        if name == rest[0]:
            return resolve(target + rest[1:], seen + ((longest, rest[0]),))
    return longest


def edges() -> dict:
    graph = {}
    for module, text in TEXT.items():
        if module == ():
            continue
        targets = set()
        paths = [p for _, p in uses(text)]
        paths += re.findall(r"\b((?:crate|super)(?:::\w+)+)", text)
        for path in paths:
            segs = absolute(module, path)
            if segs is None:
                continue
            target = resolve(segs)
            if target not in ((), module) and module[: len(target)] != target:
                targets.add(target)
        graph[module] = targets
    return graph


def cycles(graph: dict) -> list:
    found, state, stack = [], {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def name(module: tuple) -> str:
    return str(FILES[module].relative_to(SRC.parent))


def main() -> int:
    graph = edges()
    if "--edges" in sys.argv:
        for module in sorted(graph):
            print(name(module), "->", ", ".join(sorted(name(t) for t in graph[module])))
    found = cycles(graph)
    for cycle in found:
        print("import cycle:", " -> ".join(name(m) for m in cycle))
    n_edges = sum(len(t) for t in graph.values())
    print(f"{len(graph)} files, {n_edges} imports, {len(found)} cycles")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
