"""`flask --app web seed-demo`, as scripts/run calls it: the demo organization's
analytics show the seeded jobs at once, before anyone asks for a refresh."""
from datetime import date, timedelta

from sqlalchemy import func, select

from models.dispatch import Job
from models.identity import Organization
from web.cli import DEMO_PASSWORD, DEMO_SLUG


def test_after_seed_demo_the_dispatch_analytics_count_every_seeded_job(app, client, db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "Demo organization created." in result.output

    login = client.post("/api/v1/auth/login", json={"email": "admin@demo.fieldops.test", "password": DEMO_PASSWORD})
    assert login.status_code == 200, login.get_json()
    headers = {"Authorization": f"Bearer {login.get_json()['data']['access_token']}"}
    org_id = db.session.scalar(select(Organization.id).where(Organization.slug == DEMO_SLUG))
    completed = db.session.scalar(select(func.count(Job.id)).where(Job.organization_id == org_id,
                                                                   Job.status == "completed")
                                  .execution_options(all_tenants=True))
    a_year = {"from": (date.today() - timedelta(days=365)).isoformat(), "interval": "month"}
    report = client.get("/api/v1/admin/analytics/dispatch", headers=headers, query_string=a_year).get_json()["data"]

    assert report["totals"]["jobs_created"] == 500
    assert report["totals"]["jobs_completed"] == completed > 0
    assert report["totals"]["jobs_cancelled"] > 0 and report["refreshed_at"] is not None
    last_30_days = client.get("/api/v1/admin/analytics/dispatch", headers=headers).get_json()["data"]
    assert last_30_days["totals"]["jobs_created"] > 0  # what the console's default view shows
    leads = client.get("/api/leads/?ordering=name", headers=headers).get_json()
    deals = client.get("/api/deals/?stage=won", headers=headers).get_json()
    assert leads["meta"]["total"] == 6 and leads["data"][0]["name"] == "Aisha Khan"
    assert deals["meta"]["total"] == 1 and deals["data"][0]["customer_name"]


def test_seed_demo_brings_eight_vendors_one_suspended(app, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    login = client.post("/api/v1/auth/login", json={"email": "admin@demo.fieldops.test", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {login.get_json()['data']['access_token']}"}
    vendors = client.get("/api/v1/admin/vendors", headers=headers, query_string={"per_page": 50}).get_json()
    assert vendors["meta"]["total"] == 8
    assert [v["status"] for v in vendors["data"]].count("suspended") == 1
    assert all(v["email"] and v["phone"] for v in vendors["data"])


def test_seed_demo_brings_60_orders_with_lines_and_payments(app, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    login = client.post("/api/v1/auth/login", json={"email": "admin@demo.fieldops.test", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {login.get_json()['data']['access_token']}"}
    orders = client.get("/api/orders/stats/", headers=headers).get_json()["data"]
    assert orders["total"] == 60 and all(orders["by_status"].values()) and orders["total_revenue"] > 0
    listed = client.get("/api/orders/?page_size=100", headers=headers).get_json()["data"]
    assert all(1 <= o["items_count"] <= 5 and o["vendor_name"] and o["customer_name"] for o in listed)
    payments = client.get("/api/payments/stats/", headers=headers).get_json()["data"]
    assert payments["by_status"]["completed"] > 10 and payments["by_status"]["failed"] > 0
    completed = next(o for o in listed if o["status"] == "completed")
    detail = client.get(f"/api/orders/{completed['id']}", headers=headers).get_json()["data"]
    assert len(detail["items"]) == detail["items_count"]
