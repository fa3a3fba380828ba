#!/usr/bin/env python3
"""Parse coverage of the guides: extracts every `>>>`/`...` code snippet of ../shared/seeds/*.txt,
checks which parse as .sfs (`sfs --check`), and which parse as Python (CPython's `compile`), and
prints the counts and the .sfs failures with their messages.

Usage: Scripts/parse-coverage.py [path/to/sfs]   (default .build/debug/sfs)
"""
import glob
import os
import subprocess
import sys
import tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sfs = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, ".build/debug/sfs")
seeds = sorted(glob.glob(os.path.join(root, "../shared/seeds/*.txt")))


def snippets(text):
    """Consecutive lines starting with `>>> ` or `... ` (prompts stripped) form one snippet."""
    current = []
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(">>>") or (current and stripped.startswith("...")):
            body = stripped[4:] if len(stripped) > 3 and stripped[3] == " " else stripped[3:]
            if stripped.startswith(">>>") and current and not body.startswith((" ", "\t")) and current[-1].strip() != "" \
                    and not current[-1].rstrip().endswith((":", ",", "(", "[", "{", "\\")) and not _open(current):
                yield "\n".join(current) + "\n"
                current = []
            current.append(body)
        elif current:
            yield "\n".join(current) + "\n"
            current = []
    if current:
        yield "\n".join(current) + "\n"


def _open(lines):
    text = "\n".join(lines)
    return text.count("(") > text.count(")") or text.count("[") > text.count("]") or text.count("{") > text.count("}")


def main():
    out = tempfile.mkdtemp(prefix="sfs-coverage-")
    files = []
    for seed in seeds:
        with open(seed, encoding="utf-8") as fh:
            for k, snippet in enumerate(snippets(fh.read())):
                path = os.path.join(out, f"{os.path.basename(seed)[:3]}_{k:03d}.sfs")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(snippet)
                files.append(path)
    python_ok = set()
    for path in files:
        try:
            compile(open(path, encoding="utf-8").read(), path, "exec")
            python_ok.add(path)
        except SyntaxError:
            pass
    result = subprocess.run([sfs, "--check", *files], capture_output=True, text=True)
    sfs_ok = {line[3:] for line in result.stdout.splitlines() if line.startswith("ok ")}
    failures = [line for line in result.stdout.splitlines() if line.startswith("error ")]
    valid = [p for p in files if p in python_ok]
    both = [p for p in valid if p in sfs_ok]
    print(f"snippets: {len(files)} (valid Python: {len(valid)})")
    print(f"parse as .sfs: {len(sfs_ok)} of {len(files)}; of the valid-Python ones: {len(both)} of {len(valid)}"
          f" ({100.0 * len(both) / max(1, len(valid)):.1f}%)")
    for line in failures:
        path = line.split(" ", 1)[1].split(":", 1)[0]
        tag = "" if path in python_ok else " [not valid Python either]"
        print(line.replace(out + "/", "") + tag)


main()
