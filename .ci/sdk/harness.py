"""What the Python SDK scripts share: the fake's address and credentials, its control path, and
the check helpers that print one line per check and stop at the first failure.

Each script makes one `Harness` with its label (`python`, `python subaccounts`).
"""

import os
import sys

import requests

URL = os.environ["FAKE_URL"]
HOST = URL.removeprefix("https://")
KEY, SECRET, SUB = "abcd1234", "Abcdef123456", "sub12345"


def control(method, path, body=None):
    """The fake's control path (plain requests: REQUESTS_CA_BUNDLE trusts the fake here too)."""
    response = requests.request(method, f"{URL}/_fake/{path}", json=body, timeout=10)
    response.raise_for_status()
    return response.json()


class Harness:
    """Counts the checks of one script; the first failed one ends the process with 1."""

    def __init__(self, label):
        self.label = label
        self.passed = 0

    def check(self, name, condition, detail=""):
        if not condition:
            print(f"FAIL {self.label}: {name} {detail}")
            sys.exit(1)
        self.passed += 1
        print(f"ok   {self.label}: {name}")

    def raises(self, name, error_type, call):
        """`call()` raises exactly `error_type` (not a subclass), which is returned."""
        try:
            call()
        except Exception as e:  # noqa: BLE001 - the type is what is checked
            self.check(name, type(e) is error_type, f"raised {type(e).__name__}: {e}")
            return e
        self.check(name, False, "raised nothing")
