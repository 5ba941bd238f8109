"""Fail when an Odoo install log contains WARNING/ERROR/CRITICAL lines.

Odoo 19 reports several add-on mistakes only in the log (ignored
_sql_constraints, unknown field parameters, deprecated attributes...), so a
clean install log is part of the test suite.

    check_install_log.py LOGFILE ALLOWLIST

A log line looks like
    2025-01-01 10:00:00,123 4242 WARNING dbname odoo.modules.loading: message
Its text for the allow-list is what follows the database name, i.e.
    odoo.modules.loading: message
An allow-list line matches when it equals that text exactly; a line starting
with "re:" is a Python regular expression that must match the whole text.
Blank lines and lines starting with "#" are ignored.
Lines following an offending line that are not log records (tracebacks) are
printed with it.
"""

import re
import sys

RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<text>.*)$"
)
BAD_LEVELS = {"WARNING", "ERROR", "CRITICAL"}


def load_allowlist(path):
    exact, patterns = set(), []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line.startswith("re:"):
                patterns.append(re.compile(line[3:]))
            else:
                exact.add(line)
    return exact, patterns


def main(log_path, allowlist_path):
    exact, patterns = load_allowlist(allowlist_path)
    offending = []  # list of lists: the record line and its continuation lines
    current = None
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.rstrip("\n")
            match = RECORD.match(line)
            if not match:
                if current is not None:
                    current.append(line)
                continue
            current = None
            if match["level"] not in BAD_LEVELS:
                continue
            text = match["text"]
            if text in exact or any(p.fullmatch(text) for p in patterns):
                continue
            current = [line]
            offending.append(current)
    if offending:
        print(f"{len(offending)} unexpected WARNING/ERROR/CRITICAL line(s) in {log_path}:")
        for record in offending:
            print("\n".join(record))
        print(
            "\nFix them, or - only for Odoo's own messages that do not concern the add-on - "
            f"add their text (after the database name) to {allowlist_path}."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
