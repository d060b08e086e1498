"""Job photos for tests: a job to attach them to, uploads as a client sends them, waiting for the worker."""
import io
import os

from PIL import Image

from models.core import context
from models.core.db import db as _db
from models.dispatch.customer import Customer
from models.dispatch.job_commands import create_job
from models.dispatch.photo import JobPhoto
from models.dispatch.technician import Technician
from tests.support.waiting import wait_for


def noise_jpeg(size=(600, 600)) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "JPEG", quality=95)
    return out.getvalue()


def make_job(app, tenant, technician_user_id=None) -> int:
    """A job (and its customer) made with the domain, as the jobs API would."""
    with app.app_context(), context.acting_as(organization_id=tenant.org_id):
        customer = Customer(name="ABC Corp")
        _db.session.add(customer)
        _db.session.flush()
        job = create_job({"title": "Roof inspection", "customer_id": customer.id}, actor_id=None)
        if technician_user_id is not None:
            technician = Technician(name="Terry Tech", user_id=technician_user_id)
            _db.session.add(technician)
            _db.session.flush()
            job.assign(technician, actor_id=None)
        _db.session.commit()
        return job.id


def upload(client, tenant, job_id, data, filename="site.jpg", role="dispatcher", field="file",
           content_type="image/jpeg", **headers):
    return client.post(f"/api/v1/jobs/{job_id}/photos", headers=tenant.headers(role, **headers),
                       data={field: (io.BytesIO(data), filename, content_type)}, content_type="multipart/form-data")


def accepted(response) -> dict:
    """The photo of a 202, which answers like any started work: the processing job to poll."""
    assert response.status_code == 202, response.get_json()
    data = response.get_json()["data"]
    assert data["kind"] == "photo" and data["status_url"] == f"/api/v1/admin/jobs/{data['job_id']}"
    assert response.headers["Location"] == data["status_url"]
    return data["photo"]


def load_photo(app, photo_id) -> JobPhoto:
    with app.app_context():
        photo = _db.session.get(JobPhoto, photo_id, execution_options={"all_tenants": True})
        _db.session.expunge(photo)
        return photo


def processed(app, photo_id, timeout=30) -> JobPhoto:
    return wait_for(lambda: (p := load_photo(app, photo_id)).status != "processing" and p, timeout=timeout)
