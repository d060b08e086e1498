"""Sign-up, sign-in, tokens and sessions (docs/api.md)."""
import base64
import json
import subprocess
import sys
from datetime import timedelta

from flask_jwt_extended import create_access_token

from scripts.services import free_port
from tests.support.auth import DROP, bearer, forge, login
from tests.support.processes import ROOT, process_env


def register(client, email="ann@acme.test", org="Acme Ltd"):
    return client.post("/api/v1/auth/register", json={
        "organization_name": org, "name": "Ann", "email": email, "password": "password-1"})


def test_register_creates_an_organization_owned_by_the_caller(client):
    r = register(client)
    assert r.status_code == 201
    data = r.get_json()["data"]
    assert data["organization"] == {"id": data["organization"]["id"], "name": "Acme Ltd", "slug": "acme-ltd"}
    assert {k: data["user"][k] for k in ("email", "name", "role")} == {
        "email": "ann@acme.test", "name": "Ann", "role": "owner"}
    assert data["access_token"] and data["refresh_token"]
    me = client.get("/api/v1/auth/me", headers=bearer(data["access_token"])).get_json()["data"]
    assert me["permissions"] == ["*"]
    roles = client.get("/api/v1/admin/roles", headers=bearer(data["access_token"])).get_json()["data"]
    assert {r["name"] for r in roles} == {"owner", "admin", "dispatcher", "technician", "customer", "vendor", "support"}


def test_register_twice_with_one_email_is_409_and_same_name_gets_a_new_slug(client):
    assert register(client).status_code == 201
    again = register(client)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "CONFLICT"
    other = register(client, email="bob@acme.test").get_json()["data"]
    assert other["organization"]["slug"] == "acme-ltd-2"


def test_login_returns_bearer_tokens_and_user(client, auth):
    r = login(client, auth.a.email("dispatcher"))
    assert r.status_code == 200
    data = r.get_json()["data"]
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == 15 * 60
    assert data["user"]["role"] == "dispatcher" and data["user"]["last_login_at"].endswith("Z")


def test_login_failures_are_401_and_do_not_reveal_which_part_was_wrong(client, auth):
    wrong_password = login(client, auth.a.email("admin"), "not-the-password")
    unknown_email = login(client, "nobody@alpha.test")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.get_json()["error"]["message"] == unknown_email.get_json()["error"]["message"]


def test_missing_expired_tampered_and_unsigned_tokens_are_401(app, client, auth):
    assert client.get("/api/v1/auth/me").status_code == 401
    with app.app_context():
        expired = create_access_token(identity=str(auth.a.user_ids["admin"]), expires_delta=timedelta(seconds=-1),
                                      additional_claims={"sid": "x"})
    r = client.get("/api/v1/auth/me", headers=bearer(expired))
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "TOKEN_EXPIRED"

    header, payload, signature = auth.a.tokens["technician"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"], claims["sub"] = "owner", str(auth.a.user_ids["owner"])
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    r = client.get("/api/v1/auth/me", headers=bearer(f"{header}.{forged}.{signature}"))
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "TOKEN_INVALID"

    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    r = client.get("/api/v1/auth/me", headers=bearer(f"{none_header}.{forged}."))
    assert r.status_code == 401


def test_a_token_that_worked_is_refused_once_it_expires(app, client, auth):
    """Verified tokens are remembered (web.auth), never past their expiry."""
    import time

    claims = json.loads(base64.urlsafe_b64decode(auth.a.tokens["technician"].split(".")[1] + "=="))
    with app.app_context():
        token = create_access_token(identity=claims["sub"], expires_delta=timedelta(seconds=2),
                                    additional_claims={"org": claims["org"], "role": claims["role"],
                                                       "sid": claims["sid"]})
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 200  # verified, remembered
    time.sleep(2.5)
    r = client.get("/api/v1/auth/me", headers=bearer(token))
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "TOKEN_EXPIRED"


def test_refresh_rotates_and_reuse_revokes_the_whole_session(client, auth):
    first = login(client, auth.a.email("admin")).get_json()["data"]
    second = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    second = second.get_json()["data"]
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/auth/me", headers=bearer(second["access_token"])).status_code == 200

    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    # the theft is detected: every token of that session is dead, including the newest pair
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/auth/me", headers=bearer(second["access_token"])).status_code == 401
    # other sessions of the same user are untouched
    assert client.get("/api/v1/auth/me", headers=auth.a.headers("admin")).status_code == 200


def test_logout_revokes_access_and_refresh_tokens_of_that_session(client, auth):
    session = login(client, auth.a.email("support")).get_json()["data"]
    headers = bearer(session["access_token"])
    assert client.post("/api/v1/auth/logout", headers=headers,
                       json={"refresh_token": session["refresh_token"]}).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/auth/me", headers=auth.a.headers("support")).status_code == 200


def test_logout_refuses_another_sessions_refresh_token(client, auth):
    r = client.post("/api/v1/auth/logout", headers=auth.a.headers("admin"),
                    json={"refresh_token": auth.a.refresh_tokens["owner"]})
    assert r.status_code == 401
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": auth.a.refresh_tokens["owner"]}).status_code == 200


def test_login_is_rate_limited_per_email_with_retry_after(client, auth):
    email = auth.a.email("admin")
    codes = [login(client, email, "wrong-password").status_code for _ in range(5)]
    assert codes == [401] * 5
    limited = login(client, email)  # even the right password waits
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) > 0
    assert login(client, auth.a.email("dispatcher")).status_code == 200  # other accounts unaffected


def test_login_is_rate_limited_per_ip(client, auth):
    env = {"REMOTE_ADDR": "203.0.113.9"}
    codes = [login(client, f"user{i}@nowhere.test", environ_base=env).status_code for i in range(21)]
    assert codes[:20] == [401] * 20 and codes[20] == 429
    assert login(client, auth.a.email("admin"), environ_base={"REMOTE_ADDR": "203.0.113.10"}).status_code == 200


def test_only_complete_access_tokens_are_accepted_even_when_signed(app, client, auth):
    token = auth.a.tokens["dispatcher"]
    assert client.get("/api/v1/auth/me", headers=bearer(forge(app, token))).status_code == 200  # re-signed as is
    not_access_tokens = {
        "no exp": forge(app, token, exp=DROP),
        "no iat": forge(app, token, iat=DROP),
        "no type": forge(app, token, type=DROP),
        "type refresh": forge(app, token, type="refresh"),
        "typ refresh+jwt": forge(app, token, headers={"typ": "refresh+jwt"}),
        "no sid": forge(app, token, sid=DROP),
        "sid not a string": forge(app, token, sid=7),
        "no sub": forge(app, token, sub=DROP),
        "sub not numeric": forge(app, token, sub="dispatcher"),
        "sub zero": forge(app, token, sub="0"),
        "sub negative": forge(app, token, sub="-2"),
        "sub beyond any id": forge(app, token, sub="99999999999999999999"),
    }
    for case, forged in not_access_tokens.items():
        r = client.get("/api/v1/auth/me", headers=bearer(forged))
        assert r.status_code == 401, case
        assert r.get_json()["error"]["code"] == "TOKEN_INVALID", case


def test_logout_needs_only_the_bearer_token(client, auth):
    for body in ({}, None):
        session = login(client, auth.a.email("support")).get_json()["data"]
        r = client.post("/api/v1/auth/logout", headers=bearer(session["access_token"]), json=body)
        assert r.status_code == 204
        assert client.get("/api/v1/auth/me", headers=bearer(session["access_token"])).status_code == 401
        assert client.post("/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401
    assert client.get("/api/v1/auth/me", headers=auth.a.headers("support")).status_code == 200


def test_refresh_is_rate_limited_per_ip(client, auth):
    env = {"REMOTE_ADDR": "203.0.113.20"}
    codes = [client.post("/api/v1/auth/refresh", json={"refresh_token": f"guess-{i}"}, environ_base=env).status_code
             for i in range(61)]
    assert codes[:60] == [401] * 60 and codes[60] == 429
    assert int(client.post("/api/v1/auth/refresh", json={"refresh_token": "x"}, environ_base=env)
               .headers["Retry-After"]) > 0
    other = client.post("/api/v1/auth/refresh", json={"refresh_token": auth.a.refresh_tokens["admin"]},
                        environ_base={"REMOTE_ADDR": "203.0.113.21"})
    assert other.status_code == 200


LOGIN_WITH_REDIS_DOWN = """
import json, sys
from web import create_app
from web.config import TestConfig
client = create_app(TestConfig(), socket_server=False).test_client()
codes = [client.post("/api/v1/auth/login", json={"email": sys.argv[1], "password": "wrong-password"}).status_code
         for _ in range(6)]
print(json.dumps(codes))
"""


def test_login_stays_rate_limited_while_redis_is_down(app, auth):
    """A web process whose Redis is gone still limits logins, counting in its own memory."""
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    done = subprocess.run([sys.executable, "-c", LOGIN_WITH_REDIS_DOWN, auth.a.email("admin")], cwd=ROOT,
                          env=process_env(app, REDIS_URL=dead_redis, LOG_LEVEL="ERROR"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [401] * 5 + [429]
