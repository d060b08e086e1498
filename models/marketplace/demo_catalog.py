"""What the demo marketplace is made of (models.marketplace.demo_data): the vendors' services
with their prices, consumers' names, where they live, and what they write."""
from decimal import Decimal

# vendor name (models.vendors.demo_data) -> its services: (name, category, price, minutes, popularity)
SERVICES = {
    "Sparkle Clean Services": (("Standard home cleaning", "cleaning", "119.00", 120, 9),
                               ("Deep cleaning", "cleaning", "249.00", 240, 5),
                               ("Move-out cleaning", "cleaning", "299.00", 300, 3)),
    "Harbor Plumbing Co.": (("Leak repair", "plumbing", "145.00", 60, 5),
                            ("Drain unclogging", "plumbing", "129.00", 60, 4),
                            ("Water heater installation", "plumbing", "1150.00", 240, 1)),
    "Brightline Electric": (("Outlet and switch installation", "electrical", "89.00", 45, 4),
                            ("Light fixture installation", "electrical", "135.00", 60, 3),
                            ("Electrical panel inspection", "electrical", "199.00", 90, 2)),
    "Evergreen Landscaping": (("Lawn mowing", "gardening", "65.00", 45, 6),
                              ("Hedge trimming", "gardening", "95.00", 90, 3),
                              ("Lawn pest treatment", "pest_control", "149.00", 60, 2)),
    "Cool Breeze HVAC": (("AC tune-up", "hvac", "129.00", 90, 4),
                         ("Furnace service", "hvac", "159.00", 90, 2)),
    "Keystone Moving & Storage": (("Local move, two movers", "moving", "420.00", 240, 2),
                                  ("Packing service", "moving", "260.00", 180, 1)),
    "Northside Painters": (("Interior room painting", "painting", "480.00", 360, 2),
                           ("Exterior trim painting", "painting", "690.00", 480, 1)),
    "QuickFix Handyman": (("TV wall mounting", "handyman", "99.00", 60, 3),
                          ("Furniture assembly", "handyman", "79.00", 90, 3)),
}
SUSPENDED_FOR_DAYS = 40  # QuickFix Handyman, suspended: no bookings made after that

FIRST_NAMES = ("Maria", "James", "Aisha", "Daniel", "Sofia", "Liam", "Chen", "Olivia", "Mateo", "Emma", "Noah",
               "Priya", "Lucas", "Hannah", "Omar", "Grace", "Ethan", "Yuki", "Isabella", "Marcus", "Fatima",
               "Leo", "Chloe", "Samuel", "Amara", "Jack", "Elena", "Ravi", "Nora", "Diego", "Zoe", "Kwame",
               "Ava", "Tariq", "Mia", "Henry", "Lina", "Oscar", "Ruby", "Ivan")
LAST_NAMES = ("Garcia", "Smith", "Khan", "Cohen", "Rossi", "O'Connor", "Wei", "Johnson", "Hernandez", "Muller",
              "Brown", "Patel", "Silva", "Schmidt", "Haddad", "Kim", "Walker", "Tanaka", "Lopez", "Reed",
              "Ali", "Novak", "Martin", "Okafor", "Mensah", "Murphy", "Popescu", "Sharma", "Lindqvist", "Ramos",
              "Bennett", "Asante", "Clarke", "Aziz", "Fischer", "Wright", "Nasser", "Dubois", "Evans", "Petrov")
PLACES = (("Brooklyn", ("Atlantic Ave", "Court St", "Flatbush Ave", "Bedford Ave", "7th Ave")),
          ("Queens", ("Steinway St", "Austin St", "Queens Blvd", "Ditmars Blvd")),
          ("Manhattan", ("W 86th St", "E 14th St", "Amsterdam Ave", "Lexington Ave", "Hudson St")),
          ("Jersey City", ("Grove St", "Newark Ave", "Montgomery St")),
          ("Hoboken", ("Washington St", "Bloomfield St")))
CUSTOMER_NOTES = ("Please call when you are outside.", "The buzzer is broken; text me.", "We have a friendly dog.",
                  "Parking is on the street.", "Please bring shoe covers.", None, None, None, None)

CANCELLATION_REASONS = {
    "consumer": ("My plans changed", "Found another time that suits better", "No longer needed",
                 "Booked by mistake"),
    "staff": ("The vendor cannot make it that day", "Duplicate booking", "The address is outside the service area"),
}
PAYMENT_METHODS = (("card", 60), ("wallet", 20), ("bank_transfer", 12), ("cash", 8))
DECLINE_REASONS = ("Card declined by the issuer", "Insufficient funds", "Card expired")
COMPLAINT_REASONS = ("Arrived two hours late", "Part of the work was not done", "Charged for a longer visit",
                     "Damage to the floor during the job")
REFUND_REJECTIONS = ("The work was completed as booked", "Outside the refund window",
                     "Already compensated with a discount")
REFUND_FAILURES = ("The card issuer declined the refund", "The account was closed")

RATINGS = ((5, 45), (4, 30), (3, 12), (2, 7), (1, 6))
REVIEWS = {
    5: (("Fantastic job", "On time, friendly and left everything spotless. Booking again."),
        ("Highly recommend", "Explained everything clearly and the price was exactly as quoted."),
        ("Perfect", "Quick, tidy and professional from start to finish.")),
    4: (("Very good", "Good work overall; arrived a little late but called ahead."),
        ("Solid service", "Did what was asked. Would have liked a bit more detail on the invoice.")),
    3: (("Okay", "The job got done, though it took longer than promised."),
        ("Average", "Fine work, but communication before the visit was poor.")),
    2: (("Disappointing", "Had to point out several things that were missed."),
        ("Not great", "Late, and the result needed a second visit.")),
    1: (("Avoid", "No-show on the first date and rude when they finally came."),
        ("Terrible", "Left a mess and the problem is still there.")),
}
MODERATION_REASONS = {"hide": ("Contains the technician's phone number", "Mentions a neighbour by name",
                               "Under review after a complaint"),
                      "remove": ("Spam link to another business", "Abusive language"),
                      "restore": ("Checked with the author: the review stands",)}

# reason_category, with evidence?, description
TAKEDOWNS = (("personal_info", False, "The review shows our employee's home address."),
             ("fake", True, "We have no booking from this person; screenshot of our calendar attached."),
             ("spam", False, "The review advertises another company."),
             ("off_topic", False, "The review is about the parking in the building, not our work."),
             ("defamatory", True, "It accuses our staff of theft, which the customer withdrew by phone."),
             ("other", False, "The customer asked us to get the review changed."),
             ("fake", False, "The same text was posted about three vendors."),
             ("conflict_of_interest", True, "The author works for a competitor; chat log attached."),
             ("personal_info", False, "Our technician's full name and phone number are in the text."),
             ("off_topic", False, "Complains about the price of another service."),
             ("fake", True, "The booking was cancelled before the visit; see the attached note."),
             ("spam", False, "Links to a discount code site."),
             ("defamatory", False, "Claims we are unlicensed; our licence number is public."),
             ("other", False, "Written in anger after a billing mix-up that is now resolved."))
# status of each takedown request above, in order (all five, several pending, some of them old)
TAKEDOWN_STATUSES = ("pending", "pending", "under_review", "accepted", "pending", "rejected", "accepted",
                     "under_review", "pending", "withdrawn", "pending", "rejected", "accepted", "pending")
RESOLUTIONS = {"accept": ("The review breaks the content policy", "Confirmed with the booking records"),
               "reject": ("The review describes a real visit fairly", "No evidence that the review is fake")}

REFERRAL_REWARD = Decimal("10.00")
# referral status -> how many
REFERRALS = (("invited", 4), ("signed_up", 3), ("qualified", 2), ("rewarded", 5), ("expired", 2), ("cancelled", 2))
