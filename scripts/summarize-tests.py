#!/usr/bin/env python3
"""Sum the pass/fail counts of every test runner in a log: cargo test, Vitest and pytest."""
import re
import sys

text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
text = re.sub(r"\x1b\[[0-9;]*m", "", text)  # colour codes
passed = failed = 0
# cargo: "test result: ok. 12 passed; 0 failed; 0 ignored; ..."
for p, f in re.findall(r"test result: \w+\. (\d+) passed; (\d+) failed", text):
    passed += int(p)
    failed += int(f)
# Vitest: "      Tests  2 failed | 10 passed (12)" or "      Tests  10 passed (10)"
for line in re.findall(r"^\s*Tests\s+(.*\(\d+\))\s*$", text, re.M):
    passed += sum(int(n) for n in re.findall(r"(\d+) passed", line))
    failed += sum(int(n) for n in re.findall(r"(\d+) failed", line))
# pytest -q: "3 failed, 10 passed in 12.3s" / "10 passed, 1 warning in 1.0s"
for line in re.findall(r"^(?:=+ )?((?:\d+ \w+(?:, )?)+) in [\d.]+s", text, re.M):
    passed += sum(int(n) for n in re.findall(r"(\d+) passed", line))
    failed += sum(int(n) for n in re.findall(r"(\d+) (?:failed|errors?)\b", line))
print(passed, failed)
