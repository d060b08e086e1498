"""The marketplace: services, bookings, payments, refunds, reviews, takedown requests, referrals, analytics (docs/api.md#marketplace)."""
