"""CRM issues: problems with a vendor's work, resolved and reopened (docs/api.md#crm)."""
from sqlalchemy import func

from models.core.db import db
from models.core.listing import tally
from models.crm import issue
from web.resource import Resource
from web.schemas.crm.issues import IssueInputSchema, IssueItemSchema, IssueSchema, IssueStatsSchema, ResolveSchema

ISSUES = Resource(
    model=issue.Issue, noun="issue", listing=issue.ISSUES, links=issue.ISSUE_LINKS, read="crm:read",
    manage="crm:manage", item_schema=IssueItemSchema, schema=IssueSchema, input_schema=IssueInputSchema,
    create=issue.create_issue, update=issue.update_issue,
    list_notes="Filters: `priority`, `category`, `status` (comma lists), `vendor`, `order`, `assigned_to` (or "
               "their `_id` spellings; a vendor or user of another organization is 422); `q` (or `search`) "
               "searches the issue number, title and description.",
    create_notes="Numbered ISS-YYYY-NNNN (per organization and year, in its time zone); `issue_number` is "
                 "read-only. `vendor` is required; `vendor` and `assigned_to` must be rows of the organization "
                 "(422 otherwise).",
)
blp = ISSUES.blueprint(__name__, "CRM issues: problems with vendors' work")


def _stats(stmt) -> dict:
    return {"total": db.session.scalar(stmt.with_only_columns(func.count(issue.Issue.id))),
            "by_status": tally(stmt, issue.Issue.status, issue.STATUSES),
            "by_priority": tally(stmt, issue.Issue.priority, issue.PRIORITIES),
            "by_category": tally(stmt, issue.Issue.category, issue.CATEGORIES)}


ISSUES.action(blp, "resolve", issue.resolve, body=ResolveSchema, summary="Resolve an issue.",
              description="From open or in_progress: resolved, with `resolution_notes` if sent; records who "
                          "resolved it and when.",
              conflict="Only an open or in-progress issue is resolved (`details.allowed`)")
ISSUES.action(blp, "reopen", issue.reopen, summary="Reopen an issue.",
              description="From resolved or closed: open again, without who resolved it or when.",
              conflict="Only a resolved or closed issue is reopened (`details.allowed`)")
ISSUES.stats(blp, _stats, IssueStatsSchema, summary="Count issues by status, priority and category.",
             description="`total` and each status, priority and category (every value, 0 where none), over the "
                         "rows the list's filters and `q` (or `search`) select.")
