"""Referrals and their admin list and stats (docs/api.md#referrals)."""
import marshmallow as ma

from models.marketplace import referrals
from models.marketplace.referral import REWARD_STATUSES, STATUSES
from web.schemas.common import Email, InputSchema, Money, UTCDateTime
from web.schemas.listing import filter_args_schema, list_args_schema

Str, Int, Nested = ma.fields.String, ma.fields.Integer, ma.fields.Nested


class ReferralCodeSchema(ma.Schema):
    code = Str(metadata={"example": "K7QF2XBM"})
    url = Str(metadata={"description": "The sign-up link that carries the code",
                        "example": "https://portal.example.com/signup?ref=K7QF2XBM"})


class InviteSchema(InputSchema):
    email = Email(required=True, metadata={"description": "Whom to invite (not oneself, not someone with an account)"})


class PersonSchema(ma.Schema):
    id = Int()
    name = Str()


class ReferrerSchema(PersonSchema):
    email = Str()


class RewardSchema(ma.Schema):
    amount = Money(attribute="reward_amount")
    currency = Str(attribute="reward_currency")
    status = Str(attribute="reward_status", metadata={"enum": list(REWARD_STATUSES)})
    issued_at = UTCDateTime(attribute="reward_issued_at", allow_none=True)


class ReferralSchema(ma.Schema):
    id = Int()
    code = Str()
    referrer = Nested(ReferrerSchema)
    referred_email = Str(allow_none=True)
    referred_user = ma.fields.Function(referrals.referred_person, metadata={
        "type": "object", "nullable": True, "description": "{id, name}; null until the referred person signs up"})
    status = ma.fields.Function(referrals.status_of, metadata={"enum": list(STATUSES), "type": "string"})
    reward = ma.fields.Method("_reward", metadata={"type": "object", "nullable": True,
                                                   "description": "{amount, currency, status, issued_at}; "
                                                                  "null until the referral qualifies"})
    created_at = UTCDateTime()
    signed_up_at = UTCDateTime(allow_none=True)
    qualified_at = UTCDateTime(allow_none=True)
    expires_at = UTCDateTime(allow_none=True)

    def _reward(self, referral):
        return RewardSchema().dump(referral) if referral.reward_status else None


class RewardsIssuedSchema(ma.Schema):
    count = Int()
    amount = Money(total=True)
    currency = Str()


class ReferralStatsSchema(ma.Schema):
    total = Int()
    by_status = ma.fields.Dict(keys=Str(), values=Int(), metadata={"description": "every status, 0 where none"})
    rewards_issued = Nested(RewardsIssuedSchema)


MyReferralArgsSchema = list_args_schema(referrals.MINE, "MyReferralArgsSchema")
ReferralListArgsSchema = list_args_schema(referrals.REFERRALS, "ReferralListArgsSchema")
ReferralStatsArgsSchema = filter_args_schema(referrals.REFERRALS, "ReferralStatsArgsSchema")
