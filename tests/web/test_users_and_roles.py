"""Users, roles, permissions, tenancy and the audit log as an admin sees them (docs/api.md)."""
from tests.support.auth import bearer, login
from tests.support.waiting import count_queries


def test_admin_creates_a_user_who_can_then_log_in(client, auth):
    r = client.post("/api/v1/users", headers=auth.a.headers("admin"), json={
        "email": "New.Tech@Alpha.test", "name": "New Tech", "password": "password-1", "role": "technician",
        "phone": "+15550100"})
    assert r.status_code == 201
    user = r.get_json()["data"]
    assert user["email"] == "new.tech@alpha.test" and user["organization_id"] == auth.a.org_id
    assert "password" not in user and "password_hash" not in user
    assert login(client, "new.tech@alpha.test", "password-1").status_code == 200


def test_user_input_is_validated(client, auth):
    headers = auth.a.headers("admin")
    unknown_role = client.post("/api/v1/users", headers=headers, json={
        "email": "x@alpha.test", "name": "X", "password": "password-1", "role": "wizard"})
    assert unknown_role.status_code == 422 and "role" in unknown_role.get_json()["error"]["details"]
    duplicate = client.post("/api/v1/users", headers=headers, json={
        "email": auth.b.email("admin"), "name": "X", "password": "password-1", "role": "technician"})
    assert duplicate.status_code == 409
    mass_assignment = client.post("/api/v1/users", headers=headers, json={
        "email": "y@alpha.test", "name": "Y", "password": "password-1", "role": "technician",
        "organization_id": auth.b.org_id})
    assert mass_assignment.status_code == 422
    assert "organization_id" in mass_assignment.get_json()["error"]["details"]


def test_another_organizations_users_are_404_and_invisible(client, auth):
    b_tech = auth.b.user_ids["technician"]
    headers = auth.a.headers("admin")
    for method in ("get", "patch", "delete"):
        r = getattr(client, method)(f"/api/v1/users/{b_tech}", headers=headers, json={"name": "Hijacked"}
                                    if method == "patch" else None)
        assert r.status_code == 404, method
        assert r.get_json()["error"]["code"] == "NOT_FOUND"
    listed = client.get("/api/v1/users?per_page=100", headers=headers).get_json()
    assert {u["organization_id"] for u in listed["data"]} == {auth.a.org_id}
    assert listed["meta"]["total"] == 7
    assert client.get(f"/api/v1/users/{b_tech}", headers=auth.b.headers("admin")).get_json()["data"]["name"] \
        == "Bravo Technician"


def test_roles_without_the_permission_get_403(client, auth):
    new_user = {"email": "z@alpha.test", "name": "Z", "password": "password-1", "role": "technician"}
    for role in ("technician", "customer", "vendor", "dispatcher", "support"):
        r = client.post("/api/v1/users", headers=auth.a.headers(role), json=new_user)
        assert r.status_code == 403, role
        assert r.get_json()["error"]["code"] == "FORBIDDEN"
    assert client.get("/api/v1/users", headers=auth.a.headers("technician")).status_code == 403
    assert client.get("/api/v1/users", headers=auth.a.headers("dispatcher")).status_code == 200
    assert client.get("/api/v1/admin/audit-log", headers=auth.a.headers("dispatcher")).status_code == 403


def test_permission_is_checked_before_input_validation(client, auth):
    r = client.post("/api/v1/users", headers=auth.a.headers("technician"), json={"nonsense": True})
    assert r.status_code == 403


def test_only_an_owner_makes_or_changes_owners(client, auth):
    admin = auth.a.headers("admin")
    promote = client.patch(f"/api/v1/users/{auth.a.user_ids['support']}", headers=admin, json={"role": "owner"})
    assert promote.status_code == 403
    demote = client.patch(f"/api/v1/users/{auth.a.user_ids['owner']}", headers=admin, json={"role": "support"})
    assert demote.status_code == 403
    owner = auth.a.headers("owner")
    assert client.patch(f"/api/v1/users/{auth.a.user_ids['support']}", headers=owner,
                        json={"role": "owner"}).status_code == 200


def test_deactivating_a_user_ends_their_sessions_at_once(client, auth):
    victim = auth.a.user_ids["dispatcher"]
    assert client.get("/api/v1/auth/me", headers=auth.a.headers("dispatcher")).status_code == 200
    r = client.patch(f"/api/v1/users/{victim}", headers=auth.a.headers("admin"), json={"is_active": False})
    assert r.status_code == 200 and r.get_json()["data"]["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=auth.a.headers("dispatcher")).status_code == 401
    assert login(client, auth.a.email("dispatcher")).status_code == 401
    assert client.post("/api/v1/auth/refresh",
                       json={"refresh_token": auth.a.refresh_tokens["dispatcher"]}).status_code == 401


def test_delete_is_soft_and_frees_the_email(client, auth, db):
    from models.identity import User

    admin = auth.a.headers("admin")
    tech = auth.a.user_ids["technician"]
    assert client.delete(f"/api/v1/users/{tech}", headers=admin).status_code == 204
    assert client.get(f"/api/v1/users/{tech}", headers=admin).status_code == 404
    assert client.get("/api/v1/users", headers=admin).get_json()["meta"]["total"] == 6
    assert client.get("/api/v1/auth/me", headers=auth.a.headers("technician")).status_code == 401
    row = db.session.get(User, tech, execution_options={"include_deleted": True, "all_tenants": True})
    assert row is not None and row.deleted_at is not None
    again = client.post("/api/v1/users", headers=admin, json={
        "email": auth.a.email("technician"), "name": "Rehired", "password": "password-1", "role": "technician"})
    assert again.status_code == 201


def test_nobody_deletes_or_deactivates_themselves(client, auth):
    admin = auth.a.headers("admin")
    me = auth.a.user_ids["admin"]
    assert client.delete(f"/api/v1/users/{me}", headers=admin).status_code == 409
    assert client.patch(f"/api/v1/users/{me}", headers=admin, json={"is_active": False}).status_code == 409


def test_custom_roles_grant_exactly_their_permissions(client, auth):
    admin = auth.a.headers("admin")
    r = client.post("/api/v1/admin/roles", headers=admin, json={
        "name": "auditor", "description": "Reads the audit log", "permissions": ["audit:read"]})
    assert r.status_code == 201
    role = r.get_json()["data"]
    assert role["permissions"] == ["audit:read"] and role["is_builtin"] is False
    client.post("/api/v1/users", headers=admin, json={
        "email": "aud@alpha.test", "name": "Aud", "password": "password-1", "role": "auditor"})
    token = login(client, "aud@alpha.test", "password-1").get_json()["data"]["access_token"]
    assert client.get("/api/v1/admin/audit-log", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/users", headers=bearer(token)).status_code == 403

    widened = client.patch(f"/api/v1/admin/roles/{role['id']}", headers=admin,
                           json={"permissions": ["audit:read", "users:read"]})
    assert widened.status_code == 200
    assert client.get("/api/v1/users", headers=bearer(token)).status_code == 200  # takes effect at once


def test_role_rules(client, auth):
    admin = auth.a.headers("admin")
    bad = client.post("/api/v1/admin/roles", headers=admin, json={"name": "x1", "permissions": ["launch:missiles"]})
    assert bad.status_code == 422 and "permissions" in bad.get_json()["error"]["details"]
    dup = client.post("/api/v1/admin/roles", headers=admin, json={"name": "admin", "permissions": []})
    assert dup.status_code == 409
    roles = client.get("/api/v1/admin/roles", headers=admin).get_json()["data"]
    owner_id = next(r["id"] for r in roles if r["name"] == "owner")
    assert client.patch(f"/api/v1/admin/roles/{owner_id}", headers=admin, json={"permissions": []}).status_code == 403
    b_roles = client.get("/api/v1/admin/roles", headers=auth.b.headers("admin")).get_json()["data"]
    assert client.patch(f"/api/v1/admin/roles/{b_roles[0]['id']}", headers=admin,
                        json={"description": "x"}).status_code == 404
    assert client.post("/api/v1/admin/roles", headers=auth.a.headers("dispatcher"),
                       json={"name": "x2", "permissions": []}).status_code == 403


def test_every_write_is_audited_with_actor_changes_request_id_and_ip(client, auth):
    admin = auth.a.headers("admin", **{"X-Request-ID": "req-42"})
    tech = auth.a.user_ids["technician"]
    client.patch(f"/api/v1/users/{tech}", headers=admin, json={"name": "Terry", "password": "new-password-1"},
                 environ_base={"REMOTE_ADDR": "198.51.100.7"})
    log = client.get(f"/api/v1/admin/audit-log?entity_type=user&entity_id={tech}&action=update",
                     headers=auth.a.headers("admin")).get_json()["data"]
    entry = log[0]
    assert entry["actor_id"] == auth.a.user_ids["admin"]
    assert entry["before"]["name"] == "Alpha Technician" and entry["after"]["name"] == "Terry"
    assert "password_hash" not in entry["after"]  # secrets never reach the log
    assert entry["request_id"] == "req-42" and entry["ip"] == "198.51.100.7"
    b_log = client.get("/api/v1/admin/audit-log?per_page=100", headers=auth.b.headers("admin")).get_json()["data"]
    assert all(e["entity_id"] != str(tech) or e["entity_type"] != "user" for e in b_log)


def test_user_list_issues_a_fixed_number_of_queries(app, client, auth, db):
    headers = auth.a.headers("admin")
    counts = []
    for per_page in (2, 7):
        with count_queries(db.engine) as sent:
            assert len(client.get(f"/api/v1/users?per_page={per_page}", headers=headers).get_json()["data"]) \
                == per_page
        counts.append(sent[0])
    assert counts[0] == counts[1] >= 2


def _role_id(client, auth, name):
    roles = client.get("/api/v1/admin/roles", headers=auth.a.headers("owner")).get_json()["data"]
    return next(r["id"] for r in roles if r["name"] == name)


def _sign_in_as_new(client, auth, role, email):
    created = client.post("/api/v1/users", headers=auth.a.headers("owner"), json={
        "email": email, "name": email.split("@")[0], "password": "password-1", "role": role})
    assert created.status_code == 201, created.get_json()
    return bearer(login(client, email, "password-1").get_json()["data"]["access_token"])


def test_a_role_may_grant_only_what_its_maker_holds(client, auth):
    admin = auth.a.headers("admin")
    everything = client.post("/api/v1/admin/roles", headers=admin, json={"name": "everything", "permissions": ["*"]})
    assert everything.status_code == 403 and everything.get_json()["error"]["details"]["required"] == ["*"]
    admin_role = _role_id(client, auth, "admin")
    assert client.patch(f"/api/v1/admin/roles/{admin_role}", headers=admin, json={"permissions": ["*"]}).status_code \
        == 403
    assert "*" not in client.get("/api/v1/auth/me", headers=admin).get_json()["data"]["permissions"]

    # someone who manages roles but reads only users can hand out only that
    r = client.post("/api/v1/admin/roles", headers=auth.a.headers("owner"), json={
        "name": "role_clerk", "permissions": ["roles:manage", "users:read"]})
    assert r.status_code == 201
    clerk = _sign_in_as_new(client, auth, "role_clerk", "clerk@alpha.test")
    wider = client.post("/api/v1/admin/roles", headers=clerk, json={"name": "reader", "permissions": ["jobs:read"]})
    assert wider.status_code == 403 and wider.get_json()["error"]["details"]["required"] == ["jobs:read"]
    within = client.post("/api/v1/admin/roles", headers=clerk, json={"name": "reader", "permissions": ["users:read"]})
    assert within.status_code == 201
    widened = client.patch(f"/api/v1/admin/roles/{within.get_json()['data']['id']}", headers=clerk,
                           json={"permissions": ["users:read", "audit:read"]})
    assert widened.status_code == 403
    # the owner may give any permission, `*` included
    assert client.post("/api/v1/admin/roles", headers=auth.a.headers("owner"), json={
        "name": "deputy", "permissions": ["*"]}).status_code == 201


def test_a_user_may_be_given_only_a_role_within_the_actors_rights(client, auth):
    owner, admin = auth.a.headers("owner"), auth.a.headers("admin")
    assert client.post("/api/v1/admin/roles", headers=owner, json={"name": "deputy", "permissions": ["*"]}) \
        .status_code == 201
    new_user = {"email": "dep@alpha.test", "name": "Dep", "password": "password-1", "role": "deputy"}
    r = client.post("/api/v1/users", headers=admin, json=new_user)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "FORBIDDEN"
    promote = client.patch(f"/api/v1/users/{auth.a.user_ids['support']}", headers=admin, json={"role": "deputy"})
    assert promote.status_code == 403
    assert client.get(f"/api/v1/users/{auth.a.user_ids['support']}", headers=admin).get_json()["data"]["role"] \
        == "support"
    assert client.post("/api/v1/users", headers=owner, json=new_user).status_code == 201

    # a manager of users who cannot read jobs cannot make a dispatcher
    assert client.post("/api/v1/admin/roles", headers=owner, json={
        "name": "hr", "permissions": ["users:manage", "users:read"]}).status_code == 201
    hr = _sign_in_as_new(client, auth, "hr", "hr@alpha.test")
    dispatcher = client.post("/api/v1/users", headers=hr, json={
        "email": "d2@alpha.test", "name": "D2", "password": "password-1", "role": "dispatcher"})
    assert dispatcher.status_code == 403
    assert set(dispatcher.get_json()["error"]["details"]["required"]) >= {"jobs:read", "jobs:write"}
    # portal and vendor logins are anyone's to hand out: they reach none of the organization's data
    for role in ("customer", "vendor"):
        assert client.post("/api/v1/users", headers=hr, json={
            "email": f"{role}2@alpha.test", "name": role, "password": "password-1", "role": role}).status_code == 201
