"""Activities (docs/api.md#crm): the common fields and every type's own, null where not the row's type."""
import marshmallow as ma

from models.crm.activity import STATUSES, TASK_PRIORITIES, TYPES
from web.schemas.common import InputSchema, Text, UTCDateTime
from web.schemas.crm import CrmItemSchema, LinkId, LinkName, Ref

Str, Int = ma.fields.String, ma.fields.Integer
MAX_CALL_SECONDS = 7 * 24 * 3600


def _of(kind: str, description: str = "") -> dict:
    return {"description": f"{kind} only{'; ' + description if description else ''}"}


class ActivityItemSchema(CrmItemSchema):
    activity_type = Str(validate=ma.validate.OneOf(TYPES))
    title = Str()
    status = Str(validate=ma.validate.OneOf(STATUSES))
    scheduled_at = UTCDateTime(allow_none=True)
    completed_at = UTCDateTime(allow_none=True)
    due_at = UTCDateTime(allow_none=True, metadata={
        "description": "when it is overdue: a task's due date's end in the organization's time zone, else scheduled_at"})
    customer_id = Int(allow_none=True)
    customer_name = Str(allow_none=True)
    lead_id = Int(allow_none=True)
    lead_name = LinkName("lead")
    deal_id = Int(allow_none=True)
    deal_name = LinkName("deal")
    assigned_to_id = Int(allow_none=True)
    assigned_to_name = LinkName("assigned_to")
    phone_number = Str(allow_none=True)
    call_duration = Int(allow_none=True)
    call_recording_url = Str(allow_none=True)
    email_subject = Str(allow_none=True)
    email_attachments = ma.fields.List(Str(), allow_none=True)
    telegram_username = Str(allow_none=True)
    telegram_chat_id = Str(allow_none=True)
    meeting_location = Str(allow_none=True)
    meeting_url = Str(allow_none=True)
    attendees = ma.fields.List(Str(), allow_none=True)
    task_priority = Str(allow_none=True)
    task_due_date = ma.fields.Date(allow_none=True)
    is_pinned = ma.fields.Boolean(allow_none=True)


class ActivitySchema(ActivityItemSchema):
    description = Str(allow_none=True)
    email_body = Str(allow_none=True)
    customer = Ref()
    lead = Ref()
    deal = Ref()
    assigned_to = Ref()
    created_by = Ref()


class ActivityInputSchema(InputSchema):
    """Every writable field (POST, and PUT: a missing optional one is cleared). Only the fields of
    `activity_type` (another type's is 422, naming it); `customer_name` follows the customer."""
    activity_type = Str(required=True, validate=ma.validate.OneOf(TYPES))
    title = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    description = Text(5000, allow_none=True, load_default=None)
    status = Str(load_default="scheduled", validate=ma.validate.OneOf(STATUSES),
                 metadata={"description": "`completed` sets completed_at; leaving it clears it"})
    scheduled_at = UTCDateTime(allow_none=True, load_default=None)
    customer_id = LinkId(allow_none=True, load_default=None, data_key="customer",
                         metadata={"description": "a customer of the organization"})
    lead_id = LinkId(allow_none=True, load_default=None, data_key="lead",
                     metadata={"description": "a lead of the organization"})
    deal_id = LinkId(allow_none=True, load_default=None, data_key="deal",
                     metadata={"description": "a deal of the organization"})
    assigned_to_id = LinkId(allow_none=True, load_default=None, data_key="assigned_to",
                            metadata={"description": "a user of the organization"})
    phone_number = Text(40, allow_none=True, load_default=None, metadata=_of("call"))
    call_duration = Int(allow_none=True, load_default=None, validate=ma.validate.Range(min=0, max=MAX_CALL_SECONDS),
                        metadata=_of("call", "seconds"))
    call_recording_url = Text(500, allow_none=True, load_default=None, metadata=_of("call", "an http(s) URL"))
    email_subject = Text(300, allow_none=True, load_default=None, metadata=_of("email"))
    email_body = Text(20000, allow_none=True, load_default=None, metadata=_of("email"))
    email_attachments = ma.fields.List(Text(500), allow_none=True, load_default=None,
                                       validate=ma.validate.Length(max=20), metadata=_of("email", "http(s) URLs"))
    telegram_username = Text(64, allow_none=True, load_default=None, metadata=_of("telegram"))
    telegram_chat_id = Text(64, allow_none=True, load_default=None, metadata=_of("telegram"))
    meeting_location = Text(300, allow_none=True, load_default=None, metadata=_of("meeting"))
    meeting_url = Text(500, allow_none=True, load_default=None, metadata=_of("meeting", "an http(s) URL"))
    attendees = ma.fields.List(Text(200), allow_none=True, load_default=None, validate=ma.validate.Length(max=50),
                               metadata=_of("meeting", "names or emails"))
    task_priority = Str(allow_none=True, load_default=None, validate=ma.validate.OneOf(TASK_PRIORITIES),
                        metadata=_of("task"))
    task_due_date = ma.fields.Date(allow_none=True, load_default=None, metadata=_of("task"))
    is_pinned = ma.fields.Boolean(allow_none=True, load_default=None, metadata=_of("note", "default false"))


class ActivityStatsSchema(ma.Schema):
    total = Int()
    by_status = ma.fields.Dict(keys=Str(), values=Int())
    by_type = ma.fields.Dict(keys=Str(), values=Int())
