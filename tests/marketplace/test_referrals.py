"""Referral codes, invites, sign-ups with a code, and the admin list and stats."""
from datetime import datetime, timedelta, timezone

from models.core import context
from models.core.db import db
from models.core.errors import ValidationFailed
from models.identity.user import User
from models.marketplace import referrals
from models.marketplace.referral import Referral
from tasks.referrals import issue_referral_reward
from tests.support.auth import login
from tests.support.marketplace import Market
from tests.support.marketplace_referrals import count_credits, refer, referral, referral_code

CODE = "/api/v1/referrals/code"
MINE = "/api/v1/referrals"
ADMIN = "/api/v1/admin/referrals"


def _register(client, email, code=None, name="New Owner"):
    body = {"organization_name": f"{name} Co", "name": name, "email": email, "password": "password-123"}
    if code is not None:
        body["referral_code"] = code
    return client.post("/api/v1/auth/register", json=body)


def _admin_items(client, tenant, **query):
    answer = client.get(ADMIN, headers=tenant.headers("support"), query_string=query)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["data"]


def test_a_users_code_is_made_once_and_stays_the_same(client, auth):
    first = client.get(CODE, headers=auth.a.headers("customer")).get_json()["data"]
    again = client.get(CODE, headers=auth.a.headers("customer")).get_json()["data"]
    other = client.get(CODE, headers=auth.a.headers("dispatcher")).get_json()["data"]
    assert first == again
    assert first["url"].endswith(f"/signup?ref={first['code']}")
    assert other["code"] != first["code"]
    assert client.get(CODE).status_code == 401


def test_an_invite_is_open_for_30_days_and_listed_to_its_sender_only(client, auth):
    answer = client.post(MINE, headers=auth.a.headers("customer"), json={"email": "Friend@Example.com"})
    assert answer.status_code == 201, answer.get_json()
    invite = answer.get_json()["data"]
    assert invite["status"] == "invited" and invite["referred_email"] == "friend@example.com"
    assert invite["referrer"] == {"id": auth.a.user_ids["customer"], "name": "Alpha Customer",
                                  "email": auth.a.email("customer")}
    assert invite["reward"] is None and invite["referred_user"] is None
    expires = datetime.fromisoformat(invite["expires_at"].replace("Z", "+00:00"))
    assert abs(expires - datetime.now(timezone.utc) - timedelta(days=30)) < timedelta(minutes=1)
    code = client.get(CODE, headers=auth.a.headers("customer")).get_json()["data"]["code"]
    assert invite["code"] == code

    mine = client.get(MINE, headers=auth.a.headers("customer")).get_json()
    assert [r["id"] for r in mine["data"]] == [invite["id"]]
    assert client.get(MINE, headers=auth.a.headers("dispatcher")).get_json()["data"] == []
    assert client.get(MINE, headers=auth.b.headers("customer")).get_json()["data"] == []


def test_inviting_oneself_an_account_or_the_same_email_twice_is_refused(client, auth):
    own = client.post(MINE, headers=auth.a.headers("customer"), json={"email": auth.a.email("customer")})
    assert own.status_code == 422 and "email" in own.get_json()["error"]["details"]
    taken = client.post(MINE, headers=auth.a.headers("customer"), json={"email": auth.b.email("admin")})
    assert taken.status_code == 409
    assert client.post(MINE, headers=auth.a.headers("customer"), json={"email": "pal@example.com"}).status_code == 201
    assert client.post(MINE, headers=auth.a.headers("customer"), json={"email": "pal@example.com"}).status_code == 409
    assert client.post(MINE, headers=auth.a.headers("customer"), json={"email": "not an email"}).status_code == 422


def test_signing_up_with_the_code_takes_up_the_invite_to_that_email(client, auth, app):
    invite = client.post(MINE, headers=auth.a.headers("customer"), json={"email": "pal@example.com"}).get_json()["data"]
    rival = client.post(MINE, headers=auth.a.headers("dispatcher"), json={"email": "pal@example.com"}).get_json()["data"]
    code = client.get(CODE, headers=auth.a.headers("customer")).get_json()["data"]["code"]

    answer = _register(client, "pal@example.com", code.lower())
    assert answer.status_code == 201, answer.get_json()
    user_id = answer.get_json()["data"]["user"]["id"]

    linked = client.get(MINE, headers=auth.a.headers("customer")).get_json()["data"]
    assert [(r["id"], r["status"], r["referred_user"]["id"]) for r in linked] == [(invite["id"], "signed_up", user_id)]
    assert linked[0]["signed_up_at"] is not None
    assert referral(app, auth.a.org_id, rival["id"])["status"] == "cancelled"  # the person is referred once


def test_signing_up_with_a_code_alone_makes_a_new_referral(client, auth):
    code = client.get(CODE, headers=auth.a.headers("customer")).get_json()["data"]["code"]
    answer = _register(client, "stranger@example.com", code)
    assert answer.status_code == 201, answer.get_json()
    mine = client.get(MINE, headers=auth.a.headers("customer")).get_json()["data"]
    assert [(r["status"], r["referred_email"], r["code"]) for r in mine] == [
        ("signed_up", "stranger@example.com", code)]


def test_an_unknown_code_or_ones_own_is_422_and_creates_nobody(client, auth, app):
    unknown = _register(client, "nobody@example.com", "NOSUCHCODE")
    assert unknown.status_code == 422 and "referral_code" in unknown.get_json()["error"]["details"]
    assert login(client, "nobody@example.com", "password-123").status_code == 401

    code = referral_code(app, auth.a, "customer")
    own = _register(client, auth.a.email("customer"), code)
    assert own.status_code == 422 and "referral_code" in own.get_json()["error"]["details"]
    assert client.get(MINE, headers=auth.a.headers("customer")).get_json()["data"] == []


def test_linking_a_user_to_their_own_code_is_refused(app, auth):
    code = referral_code(app, auth.a, "customer")
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        try:
            referrals.link_signup(db.session.get(User, auth.a.user_ids["customer"]), code)
            raise AssertionError("self-referral was accepted")
        except ValidationFailed as refused:
            assert "referral_code" in refused.details


def test_an_invite_past_its_expiry_reads_expired_and_is_not_taken_up(client, auth, app):
    invite = client.post(MINE, headers=auth.a.headers("customer"), json={"email": "late@example.com"}).get_json()["data"]
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        db.session.get(Referral, invite["id"]).expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
    assert [r["status"] for r in _admin_items(client, auth.a)] == ["expired"]
    assert [r["id"] for r in _admin_items(client, auth.a, status="expired")] == [invite["id"]]
    assert _admin_items(client, auth.a, status="invited") == []

    code = client.get(CODE, headers=auth.a.headers("customer")).get_json()["data"]["code"]
    assert _register(client, "late@example.com", code).status_code == 201
    statuses = sorted(r["status"] for r in _admin_items(client, auth.a))
    assert statuses == ["expired", "signed_up"]


def test_staff_list_filters_searches_and_counts_referrals(client, auth):
    for email in ("ann@example.com", "bob@example.com"):
        assert client.post(MINE, headers=auth.a.headers("customer"), json={"email": email}).status_code == 201
    assert client.post(MINE, headers=auth.a.headers("dispatcher"), json={"email": "cy@example.com"}).status_code == 201
    code = client.get(CODE, headers=auth.a.headers("customer")).get_json()["data"]["code"]
    assert _register(client, "bob@example.com", code).status_code == 201
    client.post(MINE, headers=auth.b.headers("customer"), json={"email": "bravo-friend@example.com"})

    assert len(_admin_items(client, auth.a)) == 3
    assert [r["referred_email"] for r in _admin_items(client, auth.a, status="signed_up")] == ["bob@example.com"]
    assert {r["referred_email"] for r in _admin_items(client, auth.a, referrer_id=auth.a.user_ids["customer"])} == {
        "ann@example.com", "bob@example.com"}
    assert [r["referred_email"] for r in _admin_items(client, auth.a, q="ann@")] == ["ann@example.com"]
    assert len(_admin_items(client, auth.a, q="dispatcher@alpha")) == 1  # the referrer's email
    today = datetime.now(timezone.utc).date()
    assert len(_admin_items(client, auth.a, date_from=today.isoformat(), date_to=today.isoformat())) == 3
    assert _admin_items(client, auth.a, date_to=(today - timedelta(days=2)).isoformat()) == []
    other_org_user = client.get(ADMIN, headers=auth.a.headers("support"),
                                query_string={"referrer_id": auth.b.user_ids["customer"]})
    assert other_org_user.status_code == 422

    stats = client.get(f"{ADMIN}/stats", headers=auth.a.headers("support")).get_json()["data"]
    assert stats == {"total": 3, "by_status": {"invited": 2, "signed_up": 1, "qualified": 0, "rewarded": 0,
                                               "expired": 0, "cancelled": 0},
                     "rewards_issued": {"count": 0, "amount": 0, "currency": "USD"}}
    assert client.get(ADMIN, headers=auth.a.headers("customer")).status_code == 403
    assert client.get(f"{ADMIN}/stats", headers=auth.a.headers("dispatcher")).status_code == 403


def test_the_reward_task_run_twice_before_any_worker_issues_one_credit(app, auth):
    market = Market(app, auth.a)
    referral_id = refer(app, auth.a)
    market.booking("completed")  # qualified; no worker in this module
    assert referral(app, auth.a.org_id, referral_id)["status"] == "qualified"
    with app.app_context():
        runs = [issue_referral_reward(auth.a.org_id, referral_id) for _ in range(2)]
    assert runs[0]["credit_id"] is not None and runs[1]["credit_id"] is None
    assert count_credits(app) == 1
    assert referral(app, auth.a.org_id, referral_id)["status"] == "rewarded"
