"""`notification.created` reaches the recipient's own sockets, on their role's namespace (docs/events.md)."""
import time

from tests.support.notify import Notices
from tests.support.waiting import wait_for

EVENTS = ("notification.created",)


def test_the_recipient_hears_of_it_on_their_namespace(client, auth, listen):
    phone = listen(auth.a.tokens["technician"], "/mobile", events=EVENTS)
    console = listen(auth.a.tokens["dispatcher"], "/", events=EVENTS)
    customer = listen(auth.a.tokens["customer"], "/customer", events=EVENTS)
    notices = Notices(client, auth.a)
    to_tech = notices.to("technician", "For the phone", url="/jobs/3")
    to_customer = notices.to("customer", "For the portal")
    (event,) = wait_for(lambda: phone.payloads("notification.created"))
    assert event == {"id": to_tech, "kind": "admin.message", "title": "For the phone", "body": "Read me",
                     "url": "/jobs/3", "created_at": event["created_at"], "eventId": event["eventId"]}
    assert event["created_at"].endswith("Z")
    wait_for(lambda: customer.payloads("notification.created"))
    assert [e["id"] for e in customer.payloads("notification.created")] == [to_customer]
    time.sleep(0.3)
    assert console.events() == []
