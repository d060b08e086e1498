import marshmallow as ma

from models.core.db import utcnow
from models.crm import activity
from web.resource import Resource
from web.schemas.crm.activities import ActivityInputSchema, ActivityItemSchema, ActivitySchema, ActivityStatsSchema

ACTIVITIES = Resource(
    model=activity.Activity, noun="activity", plural="activities", listing=activity.ACTIVITIES,
    links=activity.ACTIVITY_LINKS, read="crm:read", manage="crm:manage",
    item_schema=ActivityItemSchema, schema=ActivitySchema, input_schema=ActivityInputSchema,
    create=activity.create_activity, update=activity.update_activity,
    rules="only the fields of its `activity_type`, URLs http(s)",
    list_notes="Filters: `activity_type`, `status` (comma lists), `customer`, `lead`, `deal`, `assigned_to` (or "
               "their `_id` spellings; rows of the organization, else 422), `scheduled_from`, `scheduled_to`; "
               "`q` (or `search`) searches the title, description and customer name.",
    create_notes="Only the fields of its `activity_type` (another type's is 422, naming the field); URLs are "
                 "http(s). `customer`, `lead`, `deal` and `assigned_to` must be rows of the organization.",
    put_notes="Every writable field: a missing required one is 422, a missing optional one is cleared. A new "
              "`activity_type` clears the old type's fields (PATCH too).",
)
blp = ACTIVITIES.blueprint(__name__, "CRM activities: calls, emails, messages, meetings, tasks and notes")

FINAL = "Only a scheduled or in-progress activity (`details.allowed` is empty: none of this one's)"
ACTIVITIES.action(blp, "complete", activity.complete, summary="Complete an activity.",
                  description="Sets `completed_at`.", conflict=FINAL)
ACTIVITIES.action(blp, "cancel", activity.cancel, summary="Cancel an activity.", conflict=FINAL)
ACTIVITIES.stats(blp, activity.stats, ActivityStatsSchema, summary="Count activities by status and by type.")
ACTIVITIES.listing_view(
    blp, "upcoming", activity.UPCOMING, lambda stmt, args: activity.upcoming(stmt, utcnow(), args["days"]),
    summary="Upcoming activities.",
    description="Scheduled or in progress, `scheduled_at` from now to now + `days` (both included), soonest "
                "first; the list's filters apply.",
    days=ma.fields.Integer(load_default=7, validate=ma.validate.Range(min=1, max=365),
                           metadata={"description": "how far ahead (default 7)"}))
ACTIVITIES.listing_view(
    blp, "overdue", activity.OVERDUE, lambda stmt, args: activity.overdue(stmt, utcnow()),
    summary="Overdue activities.",
    description="Scheduled or in progress and past `due_at` (a task's due date once that day has ended in the "
                "organization's time zone, else `scheduled_at`), most overdue first; the list's filters apply.")
