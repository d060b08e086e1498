"""Evidence files: recognised from their bytes, limited in number and size, downloaded as
attachments by moderators and the requesting vendor only."""
import pytest

from tests.support.marketplace import Market
from tests.support.marketplace_reviews import HTML, TEXT, Reviews, jpeg_bytes, pdf_bytes, png_bytes

QUEUE = "/api/v1/admin/reviews/takedown-requests"


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


@pytest.fixture
def reviews(client, auth, market):
    return Reviews(client, auth.a, market)


def test_real_files_are_accepted_and_typed_from_their_bytes(client, auth, reviews):
    files = [("shot.png", png_bytes()), ("photo.jpeg", jpeg_bytes()), ("letter.pdf", pdf_bytes()),
             ("notes.txt", TEXT), ("misnamed.pdf", png_bytes())]
    filed = reviews.filed(reason_category="fake", files=files)
    assert filed["priority"] == "high"
    kinds = [(e["filename"], e["content_type"], e["kind"], e["size"]) for e in filed["evidence"]]
    assert kinds == [("shot.png", "image/png", "image", len(files[0][1])),
                     ("photo.jpeg", "image/jpeg", "image", len(files[1][1])),
                     ("letter.pdf", "application/pdf", "document", len(files[2][1])),
                     ("notes.txt", "text/plain", "text", len(TEXT)),
                     ("misnamed.pdf", "image/png", "image", len(files[4][1]))]


@pytest.mark.parametrize("content", [HTML, b"  <svg onload=alert(1)></svg>", b"MZ\x90\x00\x03\x00binary", b""])
def test_anything_else_is_unsupported_whatever_its_name(client, auth, reviews, content):
    review = reviews.review()
    answer = reviews.takedown(review["id"], "spam", files=[("innocent.png", content)])
    assert answer.status_code == 415, answer.get_json()
    assert client.get("/api/v1/vendor/takedown-requests", headers=auth.a.headers("vendor")).get_json()["data"] == []


def test_six_files_are_too_many(reviews):
    answer = reviews.takedown(reviews.review()["id"], "spam", files=[(f"{i}.txt", TEXT) for i in range(6)])
    assert answer.status_code == 422 and "evidence" in answer.get_json()["error"]["details"]


def test_a_file_over_10_mb_is_too_large(reviews):
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    answer = reviews.takedown(reviews.review()["id"], "spam", files=[("big.pdf", big)])
    assert answer.status_code == 413
    ok = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 9)  # exactly 10 MB
    assert reviews.takedown(reviews.review()["id"], "spam", files=[("max.pdf", ok)]).status_code == 201


def test_downloads_are_attachments_in_the_recognised_type(client, auth, reviews):
    filed = reviews.filed(files=[('we"ird\r\nname.png', png_bytes())])
    evidence = filed["evidence"][0]
    detail = client.get(f"{QUEUE}/{filed['id']}", headers=auth.a.headers("support")).get_json()["data"]
    assert evidence["url"] == f"/api/v1/vendor/takedown-requests/{filed['id']}/evidence/{evidence['id']}"
    assert detail["evidence"][0]["url"] == f"{QUEUE}/{filed['id']}/evidence/{evidence['id']}"
    listed = client.get("/api/v1/vendor/takedown-requests", headers=auth.a.headers("vendor")).get_json()["data"]
    assert listed[0]["evidence"][0]["url"] == evidence["url"]
    for role, url in (("support", detail["evidence"][0]["url"]), ("vendor", evidence["url"])):
        answer = client.get(url, headers=auth.a.headers(role))
        assert answer.status_code == 200, (role, answer.get_json())
        assert answer.data == png_bytes() and answer.mimetype == "image/png"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        disposition = answer.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "\r" not in disposition and "\n" not in disposition


def test_who_may_download(app, client, auth, reviews):
    filed = reviews.filed(files=[("notes.txt", TEXT)])
    evidence_id = filed["evidence"][0]["id"]
    admin_url = f"{QUEUE}/{filed['id']}/evidence/{evidence_id}"
    vendor_url = f"/api/v1/vendor/takedown-requests/{filed['id']}/evidence/{evidence_id}"
    assert client.get(admin_url, headers=auth.a.headers("admin")).status_code == 200
    assert client.get(admin_url, headers=auth.a.headers("customer")).status_code == 403
    assert client.get(vendor_url, headers=auth.a.headers("customer")).status_code == 403
    assert client.get(admin_url, headers=auth.a.headers("vendor")).status_code == 403
    Market(app, auth.b)  # Bravo's vendor user, linked to Bravo's vendor
    assert client.get(vendor_url, headers=auth.b.headers("vendor")).status_code == 404
    assert client.get(admin_url, headers=auth.b.headers("admin")).status_code == 404
    other = reviews.filed(files=[("more.txt", TEXT)])
    assert client.get(f"{QUEUE}/{other['id']}/evidence/{evidence_id}", headers=auth.a.headers("admin")).status_code == 404
