"""Referral rules (docs/api.md#referrals): a user's code, invites, the referred user's sign-up,
qualification by their first completed booking, and the reward, issued once to the referrer.

An invite past its `expires_at` is `expired` (computed when read: `shown_status`); it can no
longer be taken up, and a sign-up with the code makes a new referral instead."""
import secrets
from datetime import timedelta, timezone
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from models.core import context
from models.core.db import db, utcnow
from models.core.errors import Conflict, ValidationFailed
from models.core.listing import Filter, ListSpec, contains, equal_to, on_or_after, on_or_before
from models.core.money import decimal_of, round_half_up
from models.identity import accounts
from models.identity.organization import Organization
from models.identity.user import User, email_taken, normalize_email
from models.marketplace.booking import Booking
from models.marketplace.referral import INVITE_DAYS, STATUSES, AccountCredit, Referral, ReferralCode
from models.ops import outbox

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 8
DEFAULT_REWARD = Decimal("10.00")
REWARD_TASK = "marketplace.issue_referral_reward"

def shown_status():
    """SQL: what a referral's status reads as: an invite past its expiry is expired."""
    return case((and_(Referral.status == "invited", Referral.expires_at <= utcnow()), "expired"),
                else_=Referral.status)


def status_of(referral: Referral) -> str:
    expires_at = referral.expires_at
    if referral.status != "invited" or expires_at is None:
        return referral.status
    if expires_at.tzinfo is None:  # SQLite hands back UTC wall time
        expires_at = expires_at.replace(tzinfo=timezone.utc)
    return "expired" if expires_at <= utcnow() else "invited"


# --- a user's code --------------------------------------------------------------

def code_for(user: User) -> ReferralCode:
    """The user's code, made the first time they ask, in a transaction of its own (so that asking is a
    read for the caller's: a GET keeps it). Two first asks at once get the same code."""
    found = db.session.scalar(select(ReferralCode).where(ReferralCode.user_id == user.id))
    if found is not None:
        return found
    for _ in range(5):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        with db.engine.begin() as connection:
            insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
            connection.execute(insert(ReferralCode).values(
                organization_id=user.organization_id, user_id=user.id, code=code, created_at=utcnow())
                .on_conflict_do_nothing())  # this user's code made meanwhile, or (rarely) a code taken
        found = db.session.scalar(select(ReferralCode).where(ReferralCode.user_id == user.id))
        if found is not None:
            return found
    raise Conflict("Could not make a referral code; try again")


def _code_row(code: str) -> ReferralCode:
    found = db.session.scalar(select(ReferralCode).where(ReferralCode.code == code.strip().upper())
                              .execution_options(all_tenants=True))
    if found is None:
        raise ValidationFailed("Unknown referral code", referral_code=["no such referral code"])
    return found


# --- invites and sign-ups ---------------------------------------------------------

def invite(referrer: User, email: str) -> Referral:
    """An invite from `referrer` to `email`, open for 30 days. Oneself: 422; an email that already
    has an account, or that the referrer has an open invite for: 409."""
    email = normalize_email(email)
    if email == normalize_email(referrer.email):
        raise ValidationFailed("You cannot refer yourself", email=["is your own email"])
    if email_taken(email):
        raise Conflict("This email already has an account", email=["already registered"])
    now = utcnow()
    open_invite = db.session.scalar(select(Referral.id).where(
        Referral.referrer_id == referrer.id, Referral.referred_email == email, Referral.status == "invited",
        Referral.expires_at > now))
    if open_invite is not None:
        raise Conflict("You have already invited this email", email=["already invited"])
    referral = Referral(code=code_for(referrer).code, referrer_id=referrer.id, referred_email=email,
                        status="invited", expires_at=now + timedelta(days=INVITE_DAYS))
    db.session.add(referral)
    db.session.flush()
    return referral


def register_referred(code: str, **fields):
    """`models.identity.accounts.register` with a referral code: the code is checked first (unknown,
    or the registering email's own: 422), then the new owner is linked to it (`link_signup`)."""
    code_row = _code_row(code)
    with context.acting_as(organization_id=code_row.organization_id):
        referrer = db.session.get(User, code_row.user_id)
        if normalize_email(referrer.email) == normalize_email(fields["email"]):
            raise ValidationFailed("You cannot refer yourself", referral_code=["is your own referral code"])
    organization, user = accounts.register(**fields)
    link_signup(user, code)
    return organization, user


def link_signup(user: User, code: str) -> Referral:
    """`user`, just signed up with a referral `code`: the code owner's open invite to the user's
    email becomes `signed_up`, or a new `signed_up` referral from the code is made. The referral
    belongs to the code's organization. An unknown code or one's own: 422."""
    code_row = _code_row(code)
    email, now = normalize_email(user.email), utcnow()
    with context.acting_as(organization_id=code_row.organization_id):
        referrer = db.session.get(User, code_row.user_id)
        if code_row.user_id == user.id or normalize_email(referrer.email) == email:
            raise ValidationFailed("You cannot refer yourself", referral_code=["is your own referral code"])
        referral = db.session.scalar(select(Referral).where(
            Referral.referrer_id == referrer.id, Referral.referred_email == email, Referral.status == "invited",
            Referral.expires_at > now).order_by(Referral.created_at.desc()).limit(1).with_for_update(of=Referral))
        if referral is None:
            referral = Referral(code=code_row.code, referrer_id=referrer.id, referred_email=email)
            db.session.add(referral)
        referral.status, referral.referred_user_id, referral.signed_up_at = "signed_up", user.id, now
        db.session.flush()
        for other in db.session.scalars(select(Referral).where(  # others' invites to the same person
                Referral.referred_email == email, Referral.status == "invited", Referral.expires_at > now,
                Referral.id != referral.id)):
            other.status = "cancelled"
    return referral


def of_organization():
    """The select of the organization's referrals."""
    return select(Referral)


def referred_person(referral: Referral) -> dict | None:
    """{id, name} of the referred user, who may belong to another organization (one who signed up
    with the code through POST /auth/register owns a new one)."""
    user = referral.referred_user
    if user is None and referral.referred_user_id is not None:
        user = db.session.scalar(select(User).where(User.id == referral.referred_user_id)
                                 .execution_options(all_tenants=True))
    return {"id": user.id, "name": user.name} if user is not None else None


def mine(user_id: int):
    """The select of a user's own referrals (as the referrer)."""
    return select(Referral).where(Referral.referrer_id == user_id)


# --- qualification and reward -------------------------------------------------------

def reward_of(organization: Organization) -> Decimal:
    configured = (organization.settings or {}).get("referral_reward")
    try:
        return round_half_up(decimal_of(configured)) if configured is not None else DEFAULT_REWARD
    except (ArithmeticError, TypeError, ValueError):
        return DEFAULT_REWARD


def qualify(booking: Booking, session) -> Referral | None:
    """The booking's consumer's referral, if `booking` is their first completed one and the referral
    is still `signed_up`: `qualified`, its reward pending, the reward task enqueued (after commit).
    Under the referral's row lock, so racing completions qualify it once."""
    referral = session.scalar(select(Referral).where(Referral.referred_user_id == booking.user_id,
                                                     Referral.status == "signed_up").with_for_update(of=Referral))
    if referral is None:
        return None
    earlier = session.scalar(select(func.count(Booking.id)).where(
        Booking.user_id == booking.user_id, Booking.status == "completed", Booking.id != booking.id))
    if earlier:
        return None
    organization = session.get(Organization, booking.organization_id)
    referral.status, referral.qualified_at, referral.qualifying_booking_id = "qualified", utcnow(), booking.id
    referral.reward_amount = reward_of(organization)
    referral.reward_currency = (organization.settings or {}).get("currency", "USD")
    referral.reward_status = "pending"
    outbox.enqueue_in(session, REWARD_TASK, [referral.organization_id, referral.id], {})
    return referral


def issue_reward(referral_id: int) -> AccountCredit | None:
    """The referrer's credit for a qualified referral, once: under the referral's row lock, a
    referral already rewarded (a redelivered task) gets nothing more. Returns the new credit or None."""
    referral = db.session.scalar(select(Referral).where(Referral.id == referral_id).with_for_update(of=Referral))
    if referral is None or referral.status != "qualified":
        return None
    credit = AccountCredit(user_id=referral.referrer_id, amount=referral.reward_amount,
                           currency=referral.reward_currency, referral_id=referral.id,
                           reason=f"Referral reward: {referral.referred_email or 'a referred user'} "
                                  f"completed a first booking"[:200])
    db.session.add(credit)
    referral.status, referral.reward_status, referral.reward_issued_at = "rewarded", "issued", utcnow()
    db.session.flush()
    return credit


# --- the admin list and stats -------------------------------------------------------

def _emails(pattern):
    referrers = select(User.id).where(contains(User.email, pattern)).scalar_subquery()
    return or_(contains(Referral.referred_email, pattern), Referral.referrer_id.in_(referrers))


REFERRALS = ListSpec(
    sortable={"created_at": Referral.created_at, "status": Referral.status, "signed_up_at": Referral.signed_up_at,
              "qualified_at": Referral.qualified_at},
    default_sort="-created_at", id=Referral.id, ids_descending=True,
    filters={
        "status": Filter(str, lambda statuses: shown_status().in_(statuses), many=True, choices=STATUSES,
                         description="any of these statuses (an invite past its expiry is `expired`)"),
        "referrer_id": equal_to(Referral.referrer_id, description="made by this user"),
        "date_from": on_or_after(Referral.created_at, "created on or after"),
        "date_to": on_or_before(Referral.created_at, "created on or before"),
    },
    search=(_emails,),
)
MINE = ListSpec(sortable={"created_at": Referral.created_at}, default_sort="-created_at", id=Referral.id,
                ids_descending=True, filters={"status": REFERRALS.filters["status"]})


def stats(stmt) -> dict:
    """Counts by status and the rewards issued, over the referrals `stmt` selects."""
    status = shown_status()
    counts = dict(db.session.execute(stmt.with_only_columns(status, func.count()).group_by(status)).all())
    by_status = {status: counts.get(status, 0) for status in STATUSES}
    issued = stmt.where(Referral.reward_status == "issued")
    count, amount = db.session.execute(issued.with_only_columns(
        func.count(Referral.id), func.coalesce(func.sum(Referral.reward_amount), 0))).one()
    organization = db.session.get(Organization, context.current().organization_id)
    return {"total": sum(by_status.values()), "by_status": by_status,
            "rewards_issued": {"count": count, "amount": amount,
                               "currency": (organization.settings or {}).get("currency", "USD")}}
