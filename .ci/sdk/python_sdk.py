"""The official Python SDK (`vonage`) against `vonage-account fake-server --tls`.

Run by .ci/sdk/run with FAKE_URL (https://127.0.0.1:PORT) and REQUESTS_CA_BUNDLE (the fake's
certificate) set, and nothing else: every Account and Secrets call returns the SDK's typed
value, every documented error raises what the SDK raises for the real API, and the SDK's own
settings bug (moCallbackUrl for moCallBackUrl) is refused by name.
"""

import logging

from harness import HOST, KEY, SECRET, Harness, control
from vonage import Auth, HttpClientOptions, Vonage
from vonage_account.responses import Balance, SettingsResponse, TopUpResponse, VonageApiSecret
from vonage_http_client.errors import (
    AuthenticationError,
    ForbiddenError,
    HttpRequestError,
    NotFoundError,
    RateLimitedError,
    ServerError,
)

# The SDK logs every error answer as a warning; the checks below say what matters.
logging.getLogger("vonage").setLevel(logging.ERROR)

checks = Harness("python")
check, raises = checks.check, checks.raises


def vonage(secret=SECRET):
    """A client of the SDK, both hosts pointed at the fake."""
    return Vonage(Auth(api_key=KEY, api_secret=secret), HttpClientOptions(api_host=HOST, rest_host=HOST))


control("POST", "reset")
client = vonage()

# Every operation returns its typed value. The form calls come first: after one JSON call the SDK
# labels every later body application/json (see the last check).
balance = client.account.get_balance()
check("get_balance -> Balance", isinstance(balance, Balance) and balance.value == 10.28 and balance.auto_reload)
top_up = client.account.top_up("8ef2447e69604f642ae59363aa5f781b")
check("top_up -> TopUpResponse", isinstance(top_up, TopUpResponse) and top_up.error_code == "200")
secrets = client.account.list_secrets()
check("list_secrets -> [VonageApiSecret]", len(secrets) == 1 and isinstance(secrets[0], VonageApiSecret))
created = client.account.create_secret("Second-Secret-1")
check("create_secret -> VonageApiSecret", isinstance(created, VonageApiSecret) and created.id)
got = client.account.get_secret(created.id)
check("get_secret -> VonageApiSecret", isinstance(got, VonageApiSecret) and got.id == created.id)
check("revoke_secret -> None (204, no Content-Type)", client.account.revoke_secret(created.id) is None)
log = control("GET", "requests")
revoke = [r for r in log if r["method"] == "DELETE"][-1]
check(
    "bodiless GET/DELETE labelled application/json are accepted",
    revoke["status"] == 204
    and ["content-type", "application/json"] in revoke["headers"]
    and revoke["body"] == "",
    str(revoke),
)

# The SDK's settings call: it sends moCallbackUrl/drCallbackUrl (lower-case b). The fake refuses
# it, naming the field and the documented spelling, instead of answering 200 unchanged.
control("POST", "reset")
client = vonage()
error = raises(
    "update_default_sms_webhook -> HttpRequestError 400",
    HttpRequestError,
    lambda: client.account.update_default_sms_webhook(mo_callback_url="https://example.com/inbound"),
)
problem = error.response.json()
check(
    "... naming moCallbackUrl and moCallBackUrl",
    error.response.status_code == 400
    and problem["invalid_parameters"][0]["name"] == "moCallbackUrl"
    and "moCallBackUrl" in problem["invalid_parameters"][0]["reason"],
    str(problem),
)
check("... and nothing changed", control("GET", f"accounts/{KEY}")["settings"]["mo_callback_url"] is None)
settings = client.account.update_default_sms_webhook()
check("update_default_sms_webhook() with no field -> SettingsResponse", isinstance(settings, SettingsResponse))

# Documented errors raise what the SDK raises for the real API.
wrong = vonage("Wrong-Secret-1")
raises("wrong secret, /account/* -> AuthenticationError", AuthenticationError, wrong.account.get_balance)
raises("wrong secret, secrets -> AuthenticationError", AuthenticationError, wrong.account.list_secrets)
control("PATCH", f"accounts/{KEY}", {"auto_reload": False})
error = raises("top-up without auto-reload -> AuthenticationError", AuthenticationError, lambda: client.account.top_up("t1"))
check("... the legacy body", error.response.json().get("error-code-label") == "not auto-reload enabled")
raises("unknown secret id -> NotFoundError", NotFoundError, lambda: client.account.get_secret("00000000-0000-0000-0000-000000000000"))
only = client.account.list_secrets()[0].id
raises("revoke the last secret -> ForbiddenError", ForbiddenError, lambda: client.account.revoke_secret(only))
client.account.create_secret("Second-Secret-2")
raises("a third secret -> ForbiddenError", ForbiddenError, lambda: client.account.create_secret("Third-Secret-3"))

control("POST", "reset")
client = vonage()
control("POST", "faults", {"kind": "rate-limited", "retry_after_secs": 1, "route": "topUpAccountBalance"})
error = raises("429 on a top-up -> RateLimitedError", RateLimitedError, lambda: client.account.top_up("t2"))
headers = error.response.headers
check(
    "... with Retry-After and X-RateLimit-Limit/-Remaining/-Reset",
    all(h in headers for h in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")),
    str(dict(headers)),
)
# urllib3 (under the SDK) honours Retry-After on a GET: one 429 is waited out...
control("POST", "faults", {"kind": "rate-limited", "retry_after_secs": 0, "route": "getAccountBalance"})
check("one 429 on get_balance is retried by the SDK", isinstance(client.account.get_balance(), Balance))
# ... and a lasting one raises RateLimitedError once its 3 retries are spent.
control("DELETE", "requests")
control("POST", "faults", {"kind": "rate-limited", "retry_after_secs": 0, "route": "getAccountBalance", "times": 10})
raises("a lasting 429 on get_balance -> RateLimitedError", RateLimitedError, client.account.get_balance)
sent = [r["status"] for r in control("GET", "requests")]
check("... after 4 requests, each answered 429", sent == [429] * 4, str(sent))
control("DELETE", "faults")
control("POST", "faults", {"kind": "status", "status": 500, "route": "getAccountBalance"})
raises("500 -> ServerError", ServerError, client.account.get_balance)

# After its first JSON call the SDK keeps Content-Type: application/json for every later
# request, so a form body goes out labelled JSON: the fake refuses it (415), naming both types.
control("POST", "reset")
client = vonage()
client.account.list_secrets()
client.account.create_secret("Second-Secret-3")
error = raises("a form body labelled JSON after a JSON call -> HttpRequestError 415", HttpRequestError, lambda: client.account.top_up("t3"))
check(
    "... naming both media types",
    error.response.status_code == 415 and "application/x-www-form-urlencoded" in error.response.json()["detail"],
    error.response.text,
)

print(f"python: {checks.passed} passed, 0 failed")
