"""The score of a mutation run, from `mutmut results --all true` on standard input: killed of
all mutants per package, and every survivor not explained in tests/mutation_harmless.txt
(`<mutant name>  # why it is harmless`, one a line). Exit status 1 if there is one.

Arguments: the modules the run was limited to (paths), so survivors elsewhere are not judged.
"""

import sys
from collections import Counter
from pathlib import Path

HARMLESS = Path(__file__).resolve().parents[1] / "tests" / "mutation_harmless.txt"
# mutmut's statuses: a test failed (or timed out, or the type check refused the mutant), or not.
DETECTED = {"killed", "timeout", "caught by type check"}
UNDETECTED = {"survived", "no tests", "suspicious"}


def read_results(lines: list[str]) -> dict[str, str]:
    results = {}
    for line in lines:
        name, _, status = line.strip().rpartition(": ")
        if name and (status in DETECTED or status in UNDETECTED):
            results[name] = status
    return results


def read_harmless(text: str) -> dict[str, str]:
    explained = {}
    for line in text.splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            explained[name.strip()] = reason.strip()
    return explained


def in_scope(name: str, modules: list[str]) -> bool:
    dotted = [module.removesuffix(".py").replace("/", ".") + "." for module in modules]
    return not dotted or any(name.startswith(prefix) for prefix in dotted)


def report(results: dict[str, str], explained: dict[str, str], modules: list[str]) -> tuple[list[str], int]:
    scoped = {name: status for name, status in results.items() if in_scope(name, modules)}
    total, killed = Counter[str](), Counter[str]()
    for name, status in scoped.items():
        package = name.split(".", 1)[0]
        total[package] += 1
        killed[package] += status in DETECTED
    lines = [
        f"{package}: {killed[package]} of {total[package]} mutants killed ({100 * killed[package] / total[package]:.1f}%)"
        for package in sorted(total)
    ]
    unexplained = sorted(name for name, status in scoped.items() if status in UNDETECTED and name not in explained)
    harmless = sum(1 for name, status in scoped.items() if status in UNDETECTED and name in explained)
    lines.append(f"harmless (tests/mutation_harmless.txt): {harmless}; unexplained survivors: {len(unexplained)}")
    lines += [f"  {name}: {scoped[name]} (mutmut show {name})" for name in unexplained]
    return lines, len(unexplained)


def main(modules: list[str]) -> int:
    explained = read_harmless(HARMLESS.read_text()) if HARMLESS.exists() else {}
    lines, unexplained = report(read_results(sys.stdin.read().splitlines()), explained, modules)
    print("\n".join(lines))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
