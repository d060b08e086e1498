"""Money on the wire (docs/api.md#money): JSON numbers read exactly and written with two
decimals, through the API, the dashboard and its live event, and exports."""
import json
from decimal import Decimal

import pytest

from tests.support.dispatch import Board, created
from tests.support.exports import csv_rows, exported
from tests.support.sockets import Listener
from tests.support.waiting import wait_for

AMOUNTS = ("1234.35", "0.10", "9999999999.99", "0.00", "7.00")


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


def exact(response):
    """The answer's data, its numbers read as Decimals: what the bytes say, not a float near it."""
    return json.loads(response.get_data(as_text=True), parse_float=Decimal)["data"]


def send(client, method, path, headers, body_text):
    return client.open(path, method=method, headers=headers, data=body_text, content_type="application/json")


def test_a_jobs_value_round_trips_exactly(client, board):
    customer = board.customer()
    for amount in AMOUNTS:
        body = f'{{"title": "Job {amount}", "customer_id": {customer["id"]}, "value": {amount}}}'
        r = send(client, "POST", "/api/v1/jobs", board.headers, body)
        assert r.status_code == 201, r.get_json()
        assert str(exact(r)["value"]) == amount  # a number, with its two decimals
        again = exact(board.get(f"/api/v1/jobs/{exact(r)['id']}"))
        assert str(again["value"]) == amount and again["currency"] == "USD"


def test_a_value_is_rounded_half_up_to_the_cent_from_the_number_as_sent(client, board):
    customer = board.customer()
    for sent, stored in (("12.5", "12.50"), ("12.500", "12.50"), ("1e2", "100.00"), ("3", "3.00"),
                         ("1.005", "1.01"),  # a float would have made it 1.00499999... and 1.00
                         ("2.344", "2.34"), ("0.30000000000000004", "0.30"), ("9999999999.99", "9999999999.99")):
        body = f'{{"title": "Job", "customer_id": {customer["id"]}, "value": {sent}}}'
        assert str(exact(send(client, "POST", "/api/v1/jobs", board.headers, body))["value"]) == stored, sent


@pytest.mark.parametrize("sent, message", [
    ("-0.01", "must be between 0 and 9999999999.99"),
    ("-0.001", "must be between 0 and 9999999999.99"),  # the number as sent, not as rounded
    ("9999999999.991", "must be between 0 and 9999999999.99"),
    ("10000000000", "must be between 0 and 9999999999.99"),
    ("1e400", "must be between 0 and 9999999999.99"),
    ('"12.50"', "must be a number"),
    ("true", "must be a number"),
])
def test_money_out_of_range_or_not_a_number_is_refused(client, board, sent, message):
    customer = board.customer()
    body = f'{{"title": "Job", "customer_id": {customer["id"]}, "value": {sent}}}'
    r = send(client, "POST", "/api/v1/jobs", board.headers, body)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["details"] == {"value": [message]}


def test_a_projects_total_value_round_trips_exactly(client, board):
    customer = board.customer()
    body = f'{{"name": "Tower", "customer_id": {customer["id"]}, "total_value": 9999999999.99}}'
    project = exact(send(client, "POST", "/api/v1/projects", board.headers, body))
    assert str(project["total_value"]) == "9999999999.99"
    r = send(client, "PATCH", f"/api/v1/projects/{project['id']}", board.headers, '{"total_value": 0.10}')
    assert r.status_code == 200, r.get_json()
    assert str(exact(board.get(f"/api/v1/projects/{project['id']}"))["total_value"]) == "0.10"


def _complete(board, customer_id, technician_id, amount):
    job = created(send(board.client, "POST", "/api/v1/jobs", board.headers,
                       f'{{"title": "Job", "customer_id": {customer_id}, "value": {amount}}}'))
    board.assign(job["id"], technician_id)
    board.move(job["id"], "in_progress")
    assert board.move(job["id"], "completed").status_code == 200
    return job


def test_revenue_today_is_exact(board):
    customer, tech = board.customer(), board.technician()
    for amount in ("0.10", "0.20", "1234.35", "9999999999.99", "0.06"):
        _complete(board, customer["id"], tech["id"], amount)
    metrics = exact(board.get("/api/v1/dashboard/metrics"))
    assert str(metrics["revenue_today"]) == "10000001234.70" and metrics["completed_today"] == 5


def test_the_live_dashboard_event_carries_revenue_as_a_number(board, auth, live_server, worker):
    console = Listener(live_server, auth.a.tokens["dispatcher"], "/", events=("dashboard.metrics.updated",))
    try:
        customer, tech = board.customer(), board.technician()
        for amount in ("0.10", "0.20"):
            _complete(board, customer["id"], tech["id"], amount)
        wait_for(lambda: [p for p in console.payloads("dashboard.metrics.updated") if p["completed_today"] == 2],
                 timeout=15)
        latest = console.payloads("dashboard.metrics.updated")[-1]
        assert latest["revenue_today"] == 0.3 and isinstance(latest["revenue_today"], float)  # a number: 0.30
    finally:
        console.close()


def test_exports_carry_exact_two_decimal_numbers(client, auth, board, worker):
    customer = board.customer()
    for amount in ("1234.35", "0.10", "9999999999.99"):
        created(send(client, "POST", "/api/v1/jobs", board.headers,
                     f'{{"title": "Job {amount}", "customer_id": {customer["id"]}, "value": {amount}}}'))
    _, text, _ = exported(client, auth.a, fmt="csv")
    assert [row["value"] for row in csv_rows(text)] == ["1234.35", "0.10", "9999999999.99"]
    _, text, _ = exported(client, auth.a, fmt="jsonl")
    assert [str(json.loads(line, parse_float=Decimal)["value"]) for line in text.splitlines()] == [
        "1234.35", "0.10", "9999999999.99"]
    assert '"value":0.10,' in text  # a number, not "0.10"
