"""`job.progress` (SPEC §4, §6) reaches whoever started the job and the
organization's admins, as the job moves, and nobody else."""
import time

from tests.background_fixtures import start_job
from tests.conftest import wait_for


def test_progress_goes_to_the_creator_and_admins_only(auth, db, listen, worker):
    creator = listen(auth.a.tokens["dispatcher"], "/", events=("job.progress",))
    admin = listen(auth.a.tokens["admin"], "/", events=("job.progress",))
    technician = listen(auth.a.tokens["technician"], "/", events=("job.progress",))
    other_org_admin = listen(auth.b.tokens["admin"], "/", events=("job.progress",))

    job_id = start_job(auth.a, role="dispatcher", to=2)

    def statuses(listener):
        return [(e["status"], e["progress"]) for e in listener.payloads("job.progress")]

    wait_for(lambda: ("succeeded", 100) in statuses(creator) and ("succeeded", 100) in statuses(admin))
    assert statuses(creator) == [("queued", 0), ("running", 0), ("running", 50), ("running", 100),
                                 ("succeeded", 100)]
    assert statuses(admin) == statuses(creator)  # once each, though an admin is in several of the rooms
    last = creator.payloads("job.progress")[-1]
    assert last == {"job_id": job_id, "kind": "test", "status": "succeeded", "progress": 100, "message": "Done"}
    time.sleep(0.3)
    assert technician.events() == [] and other_org_admin.events() == []
