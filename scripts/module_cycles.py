#!/usr/bin/env python3
"""Import cycles among the top-level modules of src/.

Reads every .rs file under src/, maps it to its top-level module (src/foo.rs and
src/foo/** are `foo`; lib.rs and main.rs are the crate root and are skipped), and
collects the references `crate::X...` (also `use crate::{X::.., Y}`), ignoring
comment lines. Prints each module's dependencies and every strongly connected
component of more than one module (a cycle), with one example reference per edge.

Production code leaves out test code: files named tests.rs / *_tests.rs / proptests.rs
and everything from a `#[cfg(test)] mod ... {` to the end of a file. The references
that only test code makes are listed after, each with the cycle it would close in a
test build (unit tests loading fixtures through `config`, say).

Exit status 1 when production code has a cycle (`--strict`: or test code closes one).
"""

import os
import re
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def top_module(rel):
    parts = rel.split(os.sep)
    if len(parts) == 1:
        name = parts[0][:-3]
        return None if name in ("lib", "main") else name
    return parts[0]


def is_test_file(rel):
    base = os.path.basename(rel)
    return base in ("tests.rs", "proptests.rs") or base.endswith("_tests.rs")


def strip_group(text, start):
    """`text[start]` is '{': the balanced group's inside."""
    depth, i = 0, start
    while i < len(text):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
        i += 1
    return text[start + 1 :]


def split_top(group):
    out, depth, cur = [], 0, ""
    for ch in group:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [s.strip() for s in out if s.strip()]


def references(code):
    """(module, offset) for every crate::X reference."""
    refs = []
    for m in re.finditer(r"\bcrate\s*::\s*", code):
        j = m.end()
        if j < len(code) and code[j] == "{":
            for item in split_top(strip_group(code, j)):
                name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", item)
                if name and name.group(0) not in ("self",):
                    refs.append((name.group(0), m.start()))
        else:
            name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", code[j:])
            if name:
                refs.append((name.group(0), m.start()))
    return refs


def scan(no_tests):
    modules = set()
    edges = defaultdict(dict)  # a -> b -> "file:line"
    for dirpath, _, files in os.walk(ROOT):
        for f in sorted(files):
            if not f.endswith(".rs"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, ROOT)
            mod = top_module(rel)
            if mod is None:
                continue
            modules.add(mod)
            if no_tests and is_test_file(rel):
                continue
            lines = open(path, encoding="utf-8").read().split("\n")
            if no_tests:
                for i, line in enumerate(lines):
                    if line.strip() == "#[cfg(test)]" and i + 1 < len(lines) and (
                        lines[i + 1].strip().startswith("mod ")
                        and lines[i + 1].strip().endswith("{")
                    ):
                        lines = lines[:i]
                        break
            # blank out comments, keep line numbers
            code_lines = [("" if l.lstrip().startswith("//") else re.sub(r"//.*$", "", l)) for l in lines]
            code = "\n".join(code_lines)
            for target, off in references(code):
                if target == mod or target in ("self", "super"):
                    continue
                line = code.count("\n", 0, off) + 1
                edges[mod].setdefault(target, f"src/{rel}:{line}")
    known = modules
    for a in list(edges):
        for b in list(edges[a]):
            if b not in known:
                del edges[a][b]
    return sorted(modules), edges


def sccs(nodes, edges):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            strong(v)
    return out


def path(edges, start, goal):
    """A shortest dependency path start -> ... -> goal, or None."""
    prev, queue = {start: None}, [start]
    while queue:
        v = queue.pop(0)
        if v == goal:
            out = []
            while v is not None:
                out.append(v)
                v = prev[v]
            return out[::-1]
        for w in sorted(edges.get(v, {})):
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return None


def main():
    strict = "--strict" in sys.argv
    nodes, prod = scan(no_tests=True)
    _, full = scan(no_tests=False)
    print("dependencies of production code (test code left out):")
    for n in nodes:
        deps = sorted(prod.get(n, {}))
        print(f"  {n:16} -> {', '.join(deps) if deps else '-'}")
    status = 0
    cycles = [c for c in sccs(nodes, prod) if len(c) > 1]
    if cycles:
        status = 1
        for comp in cycles:
            print("CYCLE among: " + ", ".join(comp))
            for a in comp:
                for b in sorted(prod.get(a, {})):
                    if b in comp:
                        print(f"  {a} -> {b}  ({prod[a][b]})")
    else:
        print("production code: no cycles")
    test_only = [(a, b, full[a][b]) for a in sorted(full) for b in sorted(full[a]) if b not in prod.get(a, {})]
    if test_only:
        print("test code adds:")
        for a, b, where in test_only:
            back = path(prod, b, a)
            note = f"; closes {' -> '.join([a] + back)} in test builds" if back else ""
            print(f"  {a} -> {b}  ({where}){note}")
            if back and strict:
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
