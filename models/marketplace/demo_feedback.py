"""The demo marketplace's reviews (with their moderation), vendors' takedown requests (with small
real evidence files) and referrals (with the credits of the rewarded ones), written in bulk after
its bookings (models.marketplace.demo_data). A vendor's rating and reviews_count are those of its
published reviews."""
import io
import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from PIL import Image, ImageDraw
from sqlalchemy import insert

from models.core import storage
from models.core.db import db
from models.marketplace import demo_catalog as cat
from models.marketplace.demo_rows import MINUTE, insert_rows
from models.marketplace.referral import INVITE_DAYS, AccountCredit, Referral, ReferralCode
from models.marketplace.review import Review, ReviewModeration
from models.marketplace.takedown import TakedownEvidence, TakedownRequest
from models.vendors.vendor import Vendor

NEWCOMERS = 3  # consumers who signed up through a referral lately and have not booked yet
HOUR = timedelta(hours=1)


def seed_feedback(org_id: int, *, rng: random.Random, plans, people, vendor_users: dict, support_id: int,
                  now: datetime) -> dict:
    reviews = _plan_reviews(rng, plans, now)
    moderations = _moderate(rng, reviews, support_id, now)
    takedowns = _plan_takedowns(rng, reviews, vendor_users, support_id, now)
    for review, review_id in zip(reviews, insert_rows(Review.__table__, [r["row"] for r in reviews])):
        review["id"] = review_id
    evidence = _write_takedowns(org_id, takedowns, moderations)
    rows = [{"organization_id": org_id, "review_id": review["id"], "takedown_request_id": None, **m}
            for review in reviews for m in review["moderation"]]
    rows += [{"organization_id": org_id, "review_id": t["review"]["id"], "takedown_request_id": t["id"],
              **t["moderation"]} for t in takedowns if t.get("moderation")]
    if rows:
        db.session.connection().execute(insert(ReviewModeration.__table__), rows)
    _rate_vendors(reviews)
    referrals, credits = _referrals(org_id, rng, plans, people, now)
    return {"reviews": len(reviews), "moderations": len(rows), "takedown_requests": len(takedowns),
            "evidence_files": evidence, "referrals": referrals, "credits": credits}


def _plan_reviews(rng: random.Random, plans, now: datetime) -> list[dict]:
    ratings, weights = zip(*cat.RATINGS)
    reviews = []
    for plan in plans:
        if plan.status != "completed" or rng.random() >= 0.55:
            continue
        at = plan.completed_at + timedelta(hours=rng.randrange(2, 96))
        if at >= now:
            continue
        rating = rng.choices(ratings, weights)[0]
        title, body = rng.choice(cat.REVIEWS[rating])
        reviews.append({"plan": plan, "moderation": [], "row": {
            "organization_id": plan.service["organization_id"], "booking_id": plan.id,
            "vendor_id": plan.service["vendor_id"], "author_id": plan.consumer["id"], "rating": rating,
            "title": title, "body": body, "status": "published", "created_at": at, "updated_at": at}})
    return reviews


def _moderate(rng: random.Random, reviews: list[dict], support_id: int, now: datetime) -> list[dict]:
    """A few hidden, removed, and hidden then restored, by support staff."""
    candidates = [r for r in reviews if now - r["row"]["created_at"] > timedelta(days=2)]
    picked = rng.sample(candidates, min(10, len(candidates)))
    for n, review in enumerate(picked):
        row = review["row"]
        at = min(row["created_at"] + timedelta(hours=rng.randrange(2, 48)), now - 2 * MINUTE)
        action = "hide" if n < 5 else "remove" if n < 8 else "hide"
        review["moderation"].append({"action": action, "reason": rng.choice(cat.MODERATION_REASONS[action]),
                                     "actor_id": support_id, "created_at": at})
        row["status"], row["updated_at"] = ("hidden" if action == "hide" else "removed"), at
        if n >= 8:  # looked into again, and put back
            back = min(at + timedelta(hours=rng.randrange(1, 24)), now - MINUTE)
            review["moderation"].append({"action": "restore", "reason": cat.MODERATION_REASONS["restore"][0],
                                         "actor_id": support_id, "created_at": back})
            row["status"], row["updated_at"] = "published", back
    return picked


def priority_of(category: str, with_evidence: bool) -> str:
    if category == "personal_info":
        return "urgent"
    if category == "defamatory" or (category == "fake" and with_evidence):
        return "high"
    return "medium" if category in ("fake", "spam", "conflict_of_interest") else "low"


def _plan_takedowns(rng: random.Random, reviews: list[dict], vendor_users: dict, support_id: int,
                    now: datetime) -> list[dict]:
    """One request per chosen review (the lower rated first), each status of TAKEDOWN_STATUSES; the
    first two pending ones filed more than 72 hours ago."""
    candidates = [r for r in reviews if not r["moderation"] and now - r["row"]["created_at"] > timedelta(days=8)]
    candidates.sort(key=lambda r: (r["row"]["rating"], rng.random()))
    takedowns, old_pending = [], 2
    for (category, with_evidence, description), status, review in zip(cat.TAKEDOWNS, cat.TAKEDOWN_STATUSES,
                                                                        candidates):
        written = review["row"]["created_at"]
        if status == "pending" and old_pending:
            at, old_pending = now - timedelta(hours=rng.randrange(80, 150)), old_pending - 1
        elif status == "pending":
            at = now - timedelta(hours=rng.randrange(2, 60))
        else:
            at = min(written + timedelta(hours=rng.randrange(2, 96)), now - timedelta(days=4))
        row = {"vendor_id": review["row"]["vendor_id"], "requested_by_id": vendor_users[review["row"]["vendor_id"]],
               "reason_category": category, "description": description,
               "base_priority": priority_of(category, with_evidence), "status": status, "assigned_to_id": None,
               "decision": None, "resolution_action": None, "resolution_reason": None, "resolved_by_id": None,
               "resolved_at": None, "created_at": at, "updated_at": at}
        takedown = {"review": review, "row": row, "evidence": with_evidence}
        later = min(at + timedelta(hours=rng.randrange(3, 60)), now - HOUR)
        if status != "pending":
            row["updated_at"] = later
        if status in ("under_review", "accepted", "rejected"):
            row["assigned_to_id"] = support_id
        if status in ("accepted", "rejected"):
            decision = "accept" if status == "accepted" else "reject"
            action = ("remove" if category == "personal_info" else "hide") if decision == "accept" else "none"
            reason = rng.choice(cat.RESOLUTIONS[decision])
            row.update(decision=decision, resolution_action=action, resolution_reason=reason,
                       resolved_by_id=support_id, resolved_at=later)
            if decision == "accept":
                review["row"]["status"] = "removed" if action == "remove" else "hidden"
                review["row"]["updated_at"] = later
                takedown["moderation"] = {"action": action, "reason": reason, "actor_id": support_id,
                                          "created_at": later}
        takedowns.append(takedown)
    return takedowns


def screenshot_png(rng: random.Random) -> bytes:
    """A tiny made-up screenshot: a window with a few lines of 'text'."""
    image = Image.new("RGB", (160, 100), (246, 247, 249))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 159, 14), fill=(52, 101, 164))
    for line in range(6):
        draw.rectangle((10, 22 + line * 12, 10 + rng.randrange(60, 140), 28 + line * 12), fill=(160, 166, 176))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _evidence_files(rng: random.Random, takedown: dict) -> list[tuple[str, str, str, bytes]]:
    category = takedown["row"]["reason_category"]
    note = (f"Notes from {takedown['row']['created_at']:%Y-%m-%d}: {takedown['row']['description']}\n"
            "Booking records checked by the office; no visit matches this review.\n").encode()
    files = [("calendar-screenshot.png", "image/png", "image", screenshot_png(rng))]
    if category != "fake":
        files.append(("chat-log.txt" if category == "conflict_of_interest" else "call-notes.txt", "text/plain",
                      "text", note))
    return files


def _write_takedowns(org_id: int, takedowns: list[dict], moderations) -> int:
    """The requests, and their evidence files written to storage (removed again if the
    transaction rolls back); returns how many files."""
    rows = [{"organization_id": org_id, "review_id": t["review"]["id"], **t["row"]} for t in takedowns]
    for takedown, request_id in zip(takedowns, insert_rows(TakedownRequest.__table__, rows)):
        takedown["id"] = request_id
    rng = random.Random(org_id)
    evidence = []
    for takedown in (t for t in takedowns if t["evidence"]):
        for n, (filename, content_type, kind, data) in enumerate(_evidence_files(rng, takedown)):
            key = f"evidence/{org_id}/{takedown['id']}/{n + 1}-{filename}"
            storage.write_bytes(key, data)
            storage.remove_on_rollback(key)
            evidence.append({"organization_id": org_id, "request_id": takedown["id"], "filename": filename,
                             "content_type": content_type, "size": len(data), "kind": kind,
                             "sha256": storage.sha256_of(io.BytesIO(data)), "storage_key": key,
                             "created_at": takedown["row"]["created_at"]})
    if evidence:
        db.session.connection().execute(insert(TakedownEvidence.__table__), evidence)
    return len(evidence)


def _rate_vendors(reviews: list[dict]) -> None:
    published = defaultdict(list)
    for review in reviews:
        if review["row"]["status"] == "published":
            published[review["row"]["vendor_id"]].append(review["row"]["rating"])
    table = Vendor.__table__
    conn = db.session.connection()
    for vendor_id in {r["row"]["vendor_id"] for r in reviews}:
        ratings = published.get(vendor_id, [])
        rating = (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.1"), ROUND_HALF_UP) if ratings else None
        conn.execute(table.update().where(table.c.id == vendor_id).values(rating=rating, reviews_count=len(ratings)))


def _referrals(org_id: int, rng: random.Random, plans, people, now: datetime) -> tuple[int, int]:
    """Referrals in every status: the rewarded and qualified ones are consumers' first completed
    bookings, the signed-up ones the newcomers; the demo consumer (people[0]) referred two."""
    first_done = {}
    for plan in sorted((p for p in plans if p.status == "completed"), key=lambda p: p.completed_at):
        first_done.setdefault(plan.consumer["id"], plan)
    bookers = [p for p in people[1:-NEWCOMERS] if p["id"] in first_done]
    rng.shuffle(bookers)
    referred = iter(bookers)
    newcomers = iter(people[-NEWCOMERS:])
    codes, rows, credits = {}, [], []
    n = 0
    for status, count in cat.REFERRALS:
        for _ in range(count):
            referrer = people[0] if n in (0, 9) else rng.choice(people[1:-NEWCOMERS])
            n += 1
            user = next(referred) if status in ("qualified", "rewarded") else next(newcomers) if status == "signed_up" \
                else None
            if user is not None and user["id"] == referrer["id"]:
                referrer = people[0] if user["id"] != people[0]["id"] else people[1]
            code = codes.setdefault(referrer["id"], f"{referrer['name'].split()[0][:6].upper()}{org_id}"
                                                    f"{''.join(rng.choices('ABCDEFGHJKLMNPQRSTUVWXYZ23456789', k=4))}")
            if user is not None:
                signed_up = user["created_at"]
                created = signed_up - timedelta(days=rng.randrange(1, 10))
                email = user["email"]
            else:
                age = {"expired": rng.randrange(40, 80), "cancelled": rng.randrange(5, 25)}.get(status,
                                                                                              rng.randrange(1, 20))
                created, signed_up = now - timedelta(days=age, hours=rng.randrange(24)), None
                first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.LAST_NAMES)
                email = f"{first}.{last}".lower().replace("'", "") + "@example.com"
            qualifying = first_done[user["id"]] if status in ("qualified", "rewarded") else None
            qualified_at = qualifying.completed_at if qualifying else None
            issued_at = qualified_at + HOUR if status == "rewarded" else None
            rewarded = status in ("qualified", "rewarded")
            rows.append({"organization_id": org_id, "code": code, "referrer_id": referrer["id"],
                         "referred_email": email, "referred_user_id": user["id"] if user else None, "status": status,
                         "signed_up_at": signed_up, "qualified_at": qualified_at,
                         "qualifying_booking_id": qualifying.id if qualifying else None,
                         "expires_at": created + timedelta(days=INVITE_DAYS),
                         "reward_amount": cat.REFERRAL_REWARD if rewarded else None,
                         "reward_currency": "USD" if rewarded else None,
                         "reward_status": ("issued" if status == "rewarded" else "pending") if rewarded else None,
                         "reward_issued_at": issued_at, "created_at": created,
                         "updated_at": issued_at or qualified_at or signed_up or created})
            if status == "rewarded":
                credits.append({"organization_id": org_id, "user_id": referrer["id"], "amount": cat.REFERRAL_REWARD,
                                "currency": "USD", "reason": f"Referral reward: {user['name']} booked",
                                "created_at": issued_at, "rewarded_row": len(rows) - 1})
    ids = insert_rows(Referral.__table__, rows)
    db.session.connection().execute(insert(ReferralCode.__table__), [
        {"organization_id": org_id, "user_id": user_id, "code": code,
         "created_at": min(r["created_at"] for r in rows if r["referrer_id"] == user_id)}
        for user_id, code in codes.items()])
    if credits:
        db.session.connection().execute(insert(AccountCredit.__table__), [
            {**{k: v for k, v in c.items() if k != "rewarded_row"}, "referral_id": ids[c["rewarded_row"]]}
            for c in credits])
    return len(rows), len(credits)
