"""Checks `otp-lab metrics --format prometheus` output with prometheus_client's parser
(the reference Python implementation of the text exposition format).

Usage: check_prometheus.py OTP_LAB_BINARY SCENARIO...
Fails (exit 1) if any output does not parse, or lacks a
`otp_lab_supervisor_restarts_total{supervisor="PATH"}` sample for a supervised scenario
whose JSON export names supervisors, or if the two exports disagree on restart counts.
"""
import json
import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    binary, scenarios = sys.argv[1], sys.argv[2:]
    failures = 0
    samples_seen = 0
    for path in scenarios:
        prom = subprocess.run([binary, "metrics", path, "--format", "prometheus"],
                              capture_output=True, text=True, check=True).stdout
        js = json.loads(subprocess.run([binary, "metrics", path, "--format", "json"],
                                       capture_output=True, text=True, check=True).stdout)
        try:
            families = {f.name: f for f in text_string_to_metric_families(prom)}
        except Exception as e:  # the parser raises ValueError and friends
            print(f"FAIL {path}: does not parse: {e}")
            failures += 1
            continue
        expected = {s["path"]: s["restarts"] for s in js["supervisors"]}
        # counters are exposed as family "x" with samples "x_total"
        fam = families.get("otp_lab_supervisor_restarts")
        got = {}
        if fam is not None:
            assert fam.type == "counter", fam.type
            for s in fam.samples:
                if s.name == "otp_lab_supervisor_restarts_total":
                    got[s.labels["supervisor"]] = int(s.value)
        if got != expected:
            print(f"FAIL {path}: restarts {got} != JSON {expected}")
            failures += 1
        samples_seen += sum(len(f.samples) for f in families.values())
    print(f"prometheus exports: {len(scenarios)} scenarios, {samples_seen} samples parsed, "
          f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
