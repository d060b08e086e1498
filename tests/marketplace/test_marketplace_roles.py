"""Which built-in role may do what in the marketplace, as an admin reads it from GET /admin/roles:
staff run bookings and moderate reviews, only owners and admins approve refunds, and consumers
and vendors get their own tools and nothing else."""
MARKETPLACE = ("bookings:manage", "refunds:approve", "reviews:moderate")


def _roles(client, tenant):
    r = client.get("/api/v1/admin/roles", headers=tenant.headers("admin"))
    assert r.status_code == 200, r.get_json()
    return {role["name"]: role for role in r.get_json()["data"]}


def test_owners_and_admins_hold_every_marketplace_permission(client, auth):
    roles = _roles(client, auth.a)
    assert roles["owner"]["permissions"] == ["*"] and roles["owner"]["is_builtin"]
    assert set(MARKETPLACE) <= set(roles["admin"]["permissions"])
    assert not {"portal:access", "vendor:access"} & set(roles["admin"]["permissions"])


def test_support_manages_bookings_and_moderates_but_does_not_approve_refunds(client, auth):
    support = set(_roles(client, auth.a)["support"]["permissions"])
    assert {"bookings:manage", "reviews:moderate"} <= support
    assert "refunds:approve" not in support


def test_consumers_and_vendors_get_their_own_tools_only(client, auth):
    roles = _roles(client, auth.a)
    assert roles["customer"]["permissions"] == ["portal:access"]
    assert roles["vendor"]["permissions"] == ["vendor:access"]
    assert not set(MARKETPLACE) & set(roles["dispatcher"]["permissions"] + roles["technician"]["permissions"])


def test_every_marketplace_permission_is_in_the_catalog(client, auth):
    """An admin can hand each of them to a custom role (an unknown permission would be 422)."""
    r = client.post("/api/v1/admin/roles", headers=auth.a.headers("admin"), json={
        "name": "refund_desk", "description": "Approves refunds", "permissions": list(MARKETPLACE)})
    assert r.status_code == 201, r.get_json()
    assert sorted(r.get_json()["data"]["permissions"]) == sorted(MARKETPLACE)
