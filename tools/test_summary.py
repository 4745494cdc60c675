"""Print the closing line of `make test`: the pytest results of every step, added up.

Reads the JUnit XML reports the steps wrote to build/reports/ and prints
"N passed, N failed, N skipped" alone on the last line. Exits 1 when a report is missing or
counts a failure, or when no test ran at all.
"""

import glob
import os
import sys
from xml.etree import ElementTree

REPORTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build", "reports")
EXPECTED = ("unit", "e2e", "contract", "examples", "packaging", "awx", "unit-core2.16", "e2e-core2.16")


def main():
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    missing = [name for name in EXPECTED if not os.path.exists(os.path.join(REPORTS, name + ".xml"))]
    for path in sorted(glob.glob(os.path.join(REPORTS, "*.xml"))):
        root = ElementTree.parse(path).getroot()
        suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
        for suite in suites:
            for key in totals:
                totals[key] += int(suite.get(key, 0))
        print("%-10s %s" % (os.path.basename(path)[:-4], ", ".join("%s=%s" % (key, suite.get(key)) for key in totals)))
    failed = totals["failures"] + totals["errors"]
    passed = totals["tests"] - failed - totals["skipped"]
    if missing:
        print("no report from: %s" % ", ".join(missing))
    # The closing line, last and alone.
    print("%d passed, %d failed, %d skipped" % (passed, failed, totals["skipped"]))
    sys.stdout.flush()
    sys.exit(1 if missing or failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
