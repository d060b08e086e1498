"""The workflow table on its own: which moves it allows, in what order, and how it refuses."""
import pytest

from models.core.errors import InvalidTransition, ValidationFailed
from models.core.workflow import Workflow
from models.dispatch.job import JobStatusHistory

BOOKING = Workflow({"pending": {"cancelled", "confirmed"}, "confirmed": ("done", "cancelled"), "done": (),
                    "cancelled": ()}, initial=("pending",), history=JobStatusHistory, noun="booking")


def test_moves_are_listed_in_the_order_the_statuses_are_declared():
    assert BOOKING.statuses == ("pending", "confirmed", "done", "cancelled")
    assert BOOKING.allowed("pending") == ("confirmed", "cancelled")
    assert BOOKING.allowed("confirmed", excluding={"done"}) == ("cancelled",)
    assert BOOKING.is_final("done") and not BOOKING.is_final("pending")


def test_a_move_the_table_does_not_allow_is_refused_with_the_allowed_ones():
    BOOKING.check("pending", "confirmed")
    with pytest.raises(InvalidTransition) as refused:
        BOOKING.check("pending", "done")
    assert refused.value.details == {"allowed": ["confirmed", "cancelled"]}
    assert refused.value.message == "A pending booking cannot move to done"
    with pytest.raises(InvalidTransition) as narrowed:
        BOOKING.check("confirmed", "done", excluding=("done",))
    assert narrowed.value.details == {"allowed": ["cancelled"]}
    with pytest.raises(InvalidTransition) as final:
        BOOKING.check("done", "pending")
    assert final.value.details == {"allowed": []}


def test_an_unknown_status_is_invalid_input_not_a_conflict():
    with pytest.raises(ValidationFailed) as unknown:
        BOOKING.check("pending", "archived")
    assert "status" in unknown.value.details


def test_a_table_naming_an_undeclared_status_is_refused_when_declared():
    with pytest.raises(ValueError):
        Workflow({"open": ("closed",)}, initial=("open",), history=JobStatusHistory)
    with pytest.raises(ValueError):
        Workflow({"open": ()}, initial=("new",), history=JobStatusHistory)

