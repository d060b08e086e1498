"""schemathesis hooks for scripts/api_fuzz.py (SCHEMATHESIS_HOOKS=scripts.api_fuzz_hooks).

The fuzzer shares one organization and one access token between thousands of cases; three
kinds of generated request would otherwise change what the later cases are judged against:
- a repeated `Idempotency-Key` (the fuzzer draws "0" often) is answered, correctly, 422
  IDEMPOTENCY_KEY_REUSED or with a replay: each valid key gets a unique suffix instead;
- `POST /auth/logout` ends the session of the token it is sent with: sent with the run's token,
  it is sent with a fresh session of a spare user instead (a generated, invalid token is left as is);
- PATCH or DELETE of the fuzzing users themselves (a new password, a deactivation) ends their
  sessions: those cases target an id no user has instead (404).
And a list's query that sends one parameter in both its spellings (`q` and `search`, `customer_id`
and `customer`: web/schemas/listing.py), which the API refuses (422) though the document, which
cannot say "one of these two", allows it, keeps only ours. Nothing else is changed: every other
case reaches the API as generated."""
import json
import os
import urllib.request
import uuid

import schemathesis

from web.schemas.listing import DRF_ALIASES

NOBODY = 2**31 - 1
FUZZING_WITH = f"Bearer {os.environ.get('FUZZ_AUTH_TOKEN', '')}"
PROTECTED = {ident for ident in os.environ.get("FUZZ_PROTECTED_USER_IDS", "").split(",") if ident}


def _fresh_token() -> str:
    request = urllib.request.Request(
        f"{os.environ['FUZZ_BASE_URL']}/api/v1/auth/login", method="POST",
        data=json.dumps({"email": os.environ["FUZZ_SPARE_EMAIL"], "password": os.environ["FUZZ_PASSWORD"]}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]["access_token"]


def _one_spelling(query: dict) -> None:
    for alias in [name for name in query if DRF_ALIASES.get(name, f"{name}_id") in query]:
        del query[alias]


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    if case.method.upper() == "GET" and isinstance(case.query, dict):
        _one_spelling(case.query)
    headers = case.headers if case.headers is not None else {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and "\x00" not in key and len(key) <= 255:  # a valid key stays valid
        headers["Idempotency-Key"] = f"{key[:222]}-{uuid.uuid4().hex}"
    path, method = case.operation.path, case.method.upper()
    if path.endswith("/auth/logout") and method == "POST" and headers.get("Authorization") == FUZZING_WITH:
        headers["Authorization"] = f"Bearer {_fresh_token()}"  # only the run's own token: keep invalid ones invalid
    if path.endswith("/users/{user_id}") and method in ("PATCH", "DELETE"):
        if str((case.path_parameters or {}).get("user_id")) in PROTECTED:
            case.path_parameters["user_id"] = NOBODY
    case.headers = headers
