"""A user's referral code and invites (docs/api.md#referrals)."""
from flask import current_app, g, request
from flask.views import MethodView

from models.marketplace import referrals
from web.auth import signed_in
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.marketplace.referrals import InviteSchema, MyReferralArgsSchema, ReferralCodeSchema, ReferralSchema

blp = Blueprint("referrals", __name__, url_prefix="/api/v1/referrals", description="Referrals: codes and invites")


def _signup_url(code: str) -> str:
    base = (current_app.config.get("PORTAL_URL") or request.host_url).rstrip("/")
    return f"{base}/signup?ref={code}"


@blp.route("/code")
class MyReferralCode(MethodView):
    @signed_in
    @blp.response(200, ReferralCodeSchema)
    def get(self):
        """Your referral code and sign-up link.

        Made the first time you ask; the same afterwards. The link is the portal's sign-up page (`PORTAL_URL`,
        else this server) with `?ref=<code>`."""
        code = referrals.code_for(g.user).code
        return {"code": code, "url": _signup_url(code)}


@blp.route("")
class MyReferrals(MethodView):
    @signed_in
    @blp.arguments(MyReferralArgsSchema, location="query")
    @blp.paginated(ReferralSchema)
    def get(self, args):
        """Your referrals.

        The invites you sent and the sign-ups with your code, newest first; filter `status` (comma list)."""
        return paginate(referrals.mine(g.user.id), args, referrals.MINE)

    @signed_in
    @blp.arguments(InviteSchema)
    @blp.response(201, ReferralSchema)
    @refused_beyond_schema("Inviting your own email")
    @conflicts("The email already has an account, or you have an open invite for it")
    def post(self, body):
        """Invite someone by email.

        An invite with your code, `invited`, open for 30 days (then `expired`). Your own email is 422; an email
        that already has an account, or one you have an open invite for, is 409."""
        referral = referrals.invite(g.user, body["email"])
        return created(referral, f"{blp.url_prefix}")
