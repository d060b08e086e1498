"""Projects move through their workflow: planning → active → on_hold / completed, cancelled."""
import pytest

from models.dispatch.project import INITIAL_STATUSES, STATUSES, TRANSITIONS
from models.ops.backup_tables import backed_up_tables
from tests.support.dispatch import Board

# From planning (where a project starts) to each status.
PATHS = {"planning": [], "active": ["active"], "on_hold": ["active", "on_hold"],
         "completed": ["active", "completed"], "cancelled": ["cancelled"]}


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


def patch(board, project_id, **body):
    return board.client.patch(f"/api/v1/projects/{project_id}", headers=board.headers, json=body)


def history(board, project_id):
    r = board.get(f"/api/v1/projects/{project_id}/history")
    assert r.status_code == 200, r.get_json()
    return r.get_json()["data"]


def test_every_allowed_move_succeeds_and_every_other_is_409_with_the_allowed_ones(board):
    customer = board.customer()
    for source, moves in TRANSITIONS.items():
        for target in STATUSES:
            if target == source:
                continue
            project = board.project(customer["id"], status="planning")
            for step in PATHS[source]:
                assert patch(board, project["id"], status=step).status_code == 200
            r = patch(board, project["id"], status=target)
            if target in moves:
                assert r.status_code == 200, (source, target, r.get_json())
                assert r.get_json()["data"]["status"] == target
            else:
                assert r.status_code == 409, (source, target)
                error = r.get_json()["error"]
                assert error["code"] == "INVALID_TRANSITION" and error["details"]["allowed"] == list(moves)
                assert board.get(f"/api/v1/projects/{project['id']}").get_json()["data"]["status"] == source


def test_a_refused_move_changes_none_of_the_other_fields_sent_with_it(board):
    project = board.project(board.customer()["id"], status="planning")
    r = patch(board, project["id"], status="completed", name="Renamed")
    assert r.status_code == 409 and r.get_json()["error"]["details"]["allowed"] == ["active", "cancelled"]
    assert board.get(f"/api/v1/projects/{project['id']}").get_json()["data"]["name"] == "Office Renovation"


def test_a_project_is_created_planning_or_active_and_nothing_else(board):
    customer = board.customer()
    assert board.project(customer["id"], status="active")["status"] == "active"
    body = {"name": "Default", "customer_id": customer["id"]}
    assert board.client.post("/api/v1/projects", headers=board.headers, json=body).get_json()["data"]["status"] \
        == "planning"
    for status in ("on_hold", "completed", "cancelled", "archived"):
        r = board.client.post("/api/v1/projects", headers=board.headers, json={**body, "status": status})
        assert r.status_code == 422 and "status" in r.get_json()["error"]["details"], status
    assert set(INITIAL_STATUSES) == {"planning", "active"}


def test_moves_are_kept_in_the_history_with_who_made_them_and_why(board, auth, client):
    project = board.project(board.customer()["id"], status="planning")
    patch(board, project["id"], status="active", reason="contract signed")
    patch(board, project["id"], name="Office Renovation II")  # not a move: no history row
    patch(board, project["id"], status="active", reason="again")  # its own status: not a move either
    owner = Board(client, auth.a, role="owner")
    owner.client.patch(f"/api/v1/projects/{project['id']}", headers=owner.headers, json={"status": "on_hold"})
    rows = history(board, project["id"])
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in rows] == [
        (None, "planning", "created"), ("planning", "active", "contract signed"), ("active", "on_hold", None)]
    users = auth.a.user_ids
    assert [h["actor_id"] for h in rows] == [users["dispatcher"], users["dispatcher"], users["owner"]]
    assert all(h["created_at"].endswith("Z") for h in rows)
    assert Board(client, auth.b).get(f"/api/v1/projects/{project['id']}/history").status_code == 404


def test_a_reason_comes_only_with_a_status(board):
    project = board.project(board.customer()["id"])
    r = patch(board, project["id"], reason="why not")
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["details"]


def test_the_document_declares_the_transition_409_and_the_history_travels_in_backups(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/projects/{project_id}"]["patch"]
    schema = operation["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert schema.endswith("/TransitionErrorEnvelope")
    created = spec["components"]["schemas"]["ProjectInput"]["properties"]["status"]
    assert created["enum"] == ["planning", "active"]
    with app.app_context():
        assert "project_status_history" in {table.name for table in backed_up_tables()}
