"""Customer accounts: a customer-role user linked to a Customer reads that customer's
jobs and no others; links are set by an admin, for users of the matching role only."""
import pytest

from tests.support.auth import bearer, login
from tests.support.dispatch import Board

USERS = "/api/v1/users"


def new_user(client, tenant, role, **links):
    return client.post(USERS, headers=tenant.headers("admin"), json={
        "email": f"{role}-{len(links)}@{tenant.slug}.test", "name": f"New {role}", "password": "password-1",
        "role": role, **links})


@pytest.fixture
def dispatch(client, auth):
    """Two customers of organization a with a job each, and one of organization b's."""
    board, other_board = Board(client, auth.a), Board(client, auth.b)
    mine, theirs = board.customer("Mine Ltd"), board.customer("Theirs Ltd")
    foreign = other_board.customer("Foreign Ltd")
    return {"mine": mine, "theirs": theirs, "foreign": foreign,
            "my_job": board.job(mine["id"], title="My boiler"), "their_job": board.job(theirs["id"], title="Theirs"),
            "foreign_job": other_board.job(foreign["id"], title="Foreign")}


def test_a_linked_customer_reads_only_its_customers_jobs(client, auth, dispatch):
    created = new_user(client, auth.a, "customer", customer_id=dispatch["mine"]["id"])
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["data"]["customer_id"] == dispatch["mine"]["id"]
    token = login(client, "customer-1@alpha.test", "password-1").get_json()["data"]["access_token"]
    headers = bearer(token)

    listed = client.get("/api/v1/jobs", headers=headers).get_json()
    assert [job["title"] for job in listed["data"]] == ["My boiler"] and listed["meta"]["total"] == 1
    assert client.get(f"/api/v1/jobs/{dispatch['my_job']['id']}", headers=headers).status_code == 200
    for other in (dispatch["their_job"], dispatch["foreign_job"]):
        assert client.get(f"/api/v1/jobs/{other['id']}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/jobs/{other['id']}/history", headers=headers).status_code == 404
    assert client.get(f"/api/v1/jobs?customer_id={dispatch['theirs']['id']}", headers=headers) \
        .get_json()["data"] == []
    assert client.patch(f"/api/v1/jobs/{dispatch['my_job']['id']}", headers=headers,
                        json={"title": "x"}).status_code == 403
    assert client.get("/api/v1/customers", headers=headers).status_code == 403


def test_links_are_only_for_users_of_the_matching_role(client, auth, dispatch):
    wrong_role = new_user(client, auth.a, "technician", customer_id=dispatch["mine"]["id"])
    assert wrong_role.status_code == 422 and "customer_id" in wrong_role.get_json()["error"]["details"]
    vendor_on_customer = new_user(client, auth.a, "customer", vendor_id=7)
    assert vendor_on_customer.status_code == 422 and "vendor_id" in vendor_on_customer.get_json()["error"]["details"]
    foreign = new_user(client, auth.a, "customer", customer_id=dispatch["foreign"]["id"])
    assert foreign.status_code == 422 and "customer_id" in foreign.get_json()["error"]["details"]
    unknown_vendor = new_user(client, auth.a, "vendor", vendor_id=7)
    assert unknown_vendor.status_code == 422 and "vendor_id" in unknown_vendor.get_json()["error"]["details"]
    mine = client.post("/api/v1/admin/vendors", headers=auth.a.headers("admin"), json={"name": "V"}).get_json()
    vendor = new_user(client, auth.a, "vendor", vendor_id=mine["data"]["id"])
    assert vendor.status_code == 201 and vendor.get_json()["data"]["vendor_id"] == mine["data"]["id"]


def test_an_admin_links_and_relinks_a_customer_user(client, auth, dispatch):
    customer_user = auth.a.user_ids["customer"]
    url, headers = f"{USERS}/{customer_user}", auth.a.headers("admin")
    assert client.get("/api/v1/jobs", headers=auth.a.headers("customer")).status_code == 403  # linked to none yet
    linked = client.patch(url, headers=headers, json={"customer_id": dispatch["theirs"]["id"]})
    assert linked.status_code == 200 and linked.get_json()["data"]["customer_id"] == dispatch["theirs"]["id"]
    assert [j["title"] for j in client.get("/api/v1/jobs", headers=auth.a.headers("customer")).get_json()["data"]] \
        == ["Theirs"]
    assert client.patch(url, headers=headers, json={"customer_id": dispatch["foreign"]["id"]}).status_code == 422
    technician = auth.a.user_ids["technician"]
    assert client.patch(f"{USERS}/{technician}", headers=headers,
                        json={"customer_id": dispatch["mine"]["id"]}).status_code == 422
    # Leaving the customer role drops the link: the account is no one's customer any more.
    moved = client.patch(url, headers=headers, json={"role": "support"})
    assert moved.status_code == 200 and moved.get_json()["data"]["customer_id"] is None
