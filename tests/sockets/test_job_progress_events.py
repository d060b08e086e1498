"""`job.progress` (docs/events.md) reaches whoever may read the background job by the
REST rule of /admin/jobs: its creator, and the organization's `jobs:background` holders."""
import time

from tests.support.auth import new_user
from tests.support.background import start_job
from tests.support.waiting import wait_for


def statuses(listener):
    return [(e["status"], e["progress"]) for e in listener.payloads("job.progress")]


def test_progress_goes_to_the_creator_and_admins_only(auth, db, listen, worker):
    creator = listen(auth.a.tokens["dispatcher"], "/", events=("job.progress",))
    admin = listen(auth.a.tokens["admin"], "/", events=("job.progress",))
    technician = listen(auth.a.tokens["technician"], "/", events=("job.progress",))
    other_org_admin = listen(auth.b.tokens["admin"], "/", events=("job.progress",))

    job_id = start_job(auth.a, role="dispatcher", to=2)

    wait_for(lambda: ("succeeded", 100) in statuses(creator) and ("succeeded", 100) in statuses(admin))
    assert statuses(creator) == [("queued", 0), ("running", 0), ("running", 50), ("running", 100),
                                 ("succeeded", 100)]
    assert statuses(admin) == statuses(creator)  # once each, though an admin is in several of the rooms
    last = creator.payloads("job.progress")[-1]
    assert last == {"job_id": job_id, "kind": "test", "status": "succeeded", "progress": 100, "message": "Done",
                    "event_id": last["event_id"]}
    time.sleep(0.3)
    assert technician.events() == [] and other_org_admin.events() == []


def test_progress_follows_the_permission_not_the_role_name(client, auth, db, listen, worker):
    """A custom role with `jobs:background` sees every job over REST, so it hears of them too."""
    assert client.post("/api/v1/admin/roles", headers=auth.a.headers("owner"), json={
        "name": "night_watch", "permissions": ["jobs:background"]}).status_code == 201
    watcher_id, watcher_token = new_user(client, auth, "night_watch", "nightwatch")
    watcher = listen(watcher_token, "/", events=("job.progress",))
    support = listen(auth.a.tokens["support"], "/", events=("job.progress",))

    job_id = start_job(auth.a, role="dispatcher", to=2)

    wait_for(lambda: ("succeeded", 100) in statuses(watcher))
    listed = client.get("/api/v1/admin/jobs", headers={"Authorization": f"Bearer {watcher_token}"})
    assert [j["id"] for j in listed.get_json()["data"]] == [job_id]
    time.sleep(0.3)
    assert support.events() == []
