"""Reviews and takedown requests over HTTP, on a `Market` (tests.support.marketplace), and small
real files of each accepted evidence type."""
import io
import zlib
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from models.core.db import db
from models.marketplace.takedown import TakedownRequest


def png_bytes() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + \
        chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


TEXT = "The reviewer was never our customer: no booking under that name.\n".encode()
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


class Reviews:
    """A market's reviews and takedown requests, made the way the consumer, vendor and moderators would."""

    def __init__(self, client, tenant, market):
        self.client, self.tenant, self.market = client, tenant, market

    def review(self, rating=4, booking_id=None, **fields) -> dict:
        booking_id = booking_id or self.market.booking("completed")
        answer = self.client.post(f"/api/v1/bookings/{booking_id}/review", headers=self.tenant.headers("customer"),
                                  json={"rating": rating, "title": "Good", "body": "Tidy work", **fields})
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()["data"]

    def moderate(self, review_id, action, reason="policy", role="support"):
        return self.client.post(f"/api/v1/admin/reviews/{review_id}/{action}", headers=self.tenant.headers(role),
                                json={"reason": reason})

    def takedown(self, review_id, reason_category="other", files=(), role="vendor", **fields):
        """POST a takedown request: JSON without files, multipart with `files` [(name, bytes)]."""
        url = f"/api/v1/vendor/reviews/{review_id}/takedown-requests"
        if not files:
            return self.client.post(url, headers=self.tenant.headers(role),
                                    json={"reason_category": reason_category, **fields})
        data = {"reason_category": reason_category, **fields,
                "evidence": [(io.BytesIO(content), name) for name, content in files]}
        return self.client.post(url, headers=self.tenant.headers(role), data=data, content_type="multipart/form-data")

    def filed(self, review_id=None, reason_category="other", files=()) -> dict:
        answer = self.takedown(review_id or self.review()["id"], reason_category, files)
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()["data"]

    def vendor_rating(self) -> tuple:
        vendor = self.client.get(f"/api/v1/admin/vendors/{self.market.vendor_id}",
                                 headers=self.tenant.headers("admin")).get_json()["data"]
        return vendor["rating"], vendor["reviews_count"]


def back_date(app, request_id: int, hours: float) -> None:
    """Make a takedown request look filed `hours` ago, directly in the database."""
    with app.app_context():
        at = datetime.now(timezone.utc) - timedelta(hours=hours)
        db.session.execute(update(TakedownRequest).where(TakedownRequest.id == request_id)
                           .values(created_at=at).execution_options(synchronize_session=False, all_tenants=True))
        db.session.commit()
