"""Vocabulary for demo dispatch data: a New York metro area, people, companies
and the services each skill covers. Plain data; see models.dispatch.demo_rows."""

SKILLS = ("HVAC", "Electrical", "Plumbing", "Roofing", "Appliance Repair", "Carpentry", "Solar", "Security Systems")

# skill -> (job titles, minutes range, materials cost range in USD)
SERVICES = {
    "HVAC": (("AC unit repair", "Furnace tune-up", "Heat pump installation", "Thermostat replacement",
              "Duct cleaning", "Boiler inspection", "Mini-split installation"), (45, 360), (0, 2200)),
    "Electrical": (("Panel upgrade", "Outlet rewiring", "Lighting installation", "Breaker replacement",
                    "EV charger installation", "Generator hookup", "GFCI outlet install"), (30, 420), (0, 1800)),
    "Plumbing": (("Leaking pipe repair", "Water heater replacement", "Drain unclogging", "Toilet installation",
                  "Sump pump service", "Gas line inspection", "Faucet replacement"), (30, 360), (0, 1600)),
    "Roofing": (("Roof leak repair", "Shingle replacement", "Gutter cleaning", "Flat roof coating",
                 "Skylight resealing", "Chimney flashing repair"), (60, 480), (50, 3000)),
    "Appliance Repair": (("Refrigerator repair", "Dishwasher repair", "Washer service", "Dryer vent cleaning",
                          "Oven igniter replacement", "Ice maker repair"), (30, 180), (0, 600)),
    "Carpentry": (("Door frame repair", "Cabinet installation", "Deck board replacement", "Custom shelving",
                   "Window trim repair", "Stair railing repair"), (60, 480), (20, 1500)),
    "Solar": (("Solar panel installation", "Inverter replacement", "Panel cleaning", "Battery storage setup",
               "Solar system inspection"), (60, 480), (0, 3000)),
    "Security Systems": (("Camera installation", "Alarm panel service", "Access control setup", "Intercom repair",
                          "Smart lock installation", "Motion sensor replacement"), (30, 300), (0, 1400)),
}

DETAILS = (
    "Customer reports the problem started last week.", "Access through the side entrance; call on arrival.",
    "Building super will let the technician in.", "Bring replacement parts; model number in the notes.",
    "Follow-up visit after the previous repair.", "Tenant works from home; mornings preferred.",
    "Parking is limited; use the loading zone.", "Warranty work: photograph the serial plate.",
    "Quote approved by the property manager.", "Dog on the premises; customer will secure it.",
)

# (city, center lat, center lng, weight): the New York metro area
AREAS = (
    ("New York", 40.7831, -73.9712, 18), ("Brooklyn", 40.6782, -73.9442, 20), ("Queens", 40.7282, -73.7949, 16),
    ("Bronx", 40.8448, -73.8648, 10), ("Staten Island", 40.5795, -74.1502, 5), ("Jersey City", 40.7178, -74.0431, 9),
    ("Hoboken", 40.7440, -74.0324, 5), ("Newark", 40.7357, -74.1724, 7), ("Yonkers", 40.9312, -73.8988, 5),
    ("New Rochelle", 40.9115, -73.7824, 3), ("Long Island City", 40.7447, -73.9485, 4),
)
METRO_CENTER = (40.7128, -74.0060)

STREETS = (
    "Broadway", "Main St", "Park Ave", "Atlantic Ave", "Flatbush Ave", "Grand St", "Jefferson St", "Washington Ave",
    "Court St", "Bedford Ave", "Lexington Ave", "Madison Ave", "Ocean Pkwy", "Myrtle Ave", "Central Ave",
    "Kennedy Blvd", "Palisade Ave", "Bergen Ave", "Union St", "Prospect Pl", "Franklin Ave", "Nostrand Ave",
    "Queens Blvd", "Northern Blvd", "Jamaica Ave", "Fordham Rd", "Grand Concourse", "Victory Blvd", "Hylan Blvd",
    "Summit Ave", "Amsterdam Ave", "Columbus Ave", "Steinway St", "Ditmars Blvd", "Smith St", "Hudson St",
)
UNITS = ("", "", "", "", "Apt 2B", "Apt 4F", "Suite 200", "Unit 3", "Floor 2", "Apt 12C")
AREA_CODES = ("212", "718", "917", "347", "646", "201", "973", "914")

FIRST_NAMES = (
    "James", "Maria", "Robert", "Aisha", "Michael", "Sofia", "David", "Priya", "Daniel", "Keisha", "Carlos", "Emily",
    "Anthony", "Mei", "Kevin", "Olivia", "Luis", "Grace", "Marcus", "Hannah", "Jose", "Fatima", "Brian", "Rachel",
    "Andre", "Yuki", "Victor", "Natalie", "Samuel", "Chloe", "Ahmed", "Laura", "Patrick", "Elena", "Tyrone", "Nina",
    "Omar", "Julia", "Dmitri", "Gabriela", "Hector", "Zoe",
)
LAST_NAMES = (
    "Smith", "Johnson", "Rodriguez", "Nguyen", "Williams", "Garcia", "Brown", "Patel", "Jones", "Kim", "Miller",
    "Davis", "Martinez", "Chen", "Wilson", "Lopez", "Anderson", "Thomas", "Jackson", "Rivera", "Murphy", "O'Brien",
    "Cohen", "Khan", "Okafor", "Rossi", "Kowalski", "Singh", "Torres", "Baker", "Ramirez", "Flores", "Greene",
    "Sullivan", "Ivanov", "Haddad", "Morales", "Park", "Reyes", "Walsh",
)

COMPANY_PREFIXES = (
    "Hudson", "Empire", "Liberty", "Harbor", "Metro", "Skyline", "Greenpoint", "Riverside", "Bayview", "Union Square",
    "Atlantic", "Park Slope", "Crown Heights", "Astoria", "Gotham", "Palisades", "Bronxdale", "Tribeca", "Chelsea",
    "Flatiron", "Cobble Hill", "Harlem", "Midtown", "Battery", "Prospect",
)
COMPANY_KINDS = (
    "Property Management", "Dental Group", "Bakery", "Apartments", "Fitness Club", "Law Offices", "Realty",
    "Medical Center", "Cafe", "Hotel", "Self Storage", "Auto Care", "Day School", "Brewing Co.", "Pharmacy",
    "Co-op Board", "Coworking", "Animal Hospital", "Deli & Grocery", "Logistics",
)

PROJECT_KINDS = (
    ("Office Renovation", ("Electrical", "Carpentry", "HVAC")), ("HVAC Retrofit", ("HVAC",)),
    ("Solar Rollout", ("Solar", "Electrical")), ("Security Upgrade", ("Security Systems", "Electrical")),
    ("Electrical Modernization", ("Electrical",)), ("Plumbing Overhaul", ("Plumbing",)),
    ("Roof Replacement", ("Roofing", "Carpentry")), ("Kitchen Remodel", ("Plumbing", "Carpentry", "Appliance Repair")),
    ("Tenant Fit-out", ("Carpentry", "Electrical", "Plumbing")), ("Annual Maintenance Contract", SKILLS),
)
PROJECT_STATUSES = (("active", 50), ("planning", 20), ("on_hold", 10), ("completed", 15), ("cancelled", 5))

PRIORITIES = (("low", 25), ("medium", 45), ("high", 22), ("urgent", 8))

# Job status weights by how the scheduled date relates to today (local time).
STATUS_WEIGHTS = {
    "past": (("completed", 74), ("cancelled", 9), ("on_hold", 5), ("assigned", 4), ("pending", 5), ("scheduled", 3)),
    "today": (("completed", 30), ("in_progress", 7), ("en_route", 4), ("assigned", 32), ("on_hold", 6),
              ("cancelled", 5), ("pending", 10), ("scheduled", 6)),
    "soon": (("assigned", 45), ("scheduled", 25), ("pending", 22), ("on_hold", 3), ("cancelled", 5)),
    "later": (("pending", 38), ("scheduled", 32), ("assigned", 22), ("on_hold", 3), ("cancelled", 5)),
}
# Technicians without a job under way, in turn (technician order is random already).
IDLE_TECHNICIAN_STATUSES = ("available", "on_break", "offline", "available", "available", "offline", "on_break")
