"""A labelled set for similar-idea matching: ideas a ward might really share, in groups of
three that say the same thing in different words, and ideas that only look alike ("Handover
template" begins like "Hand gel"). Each query is a new idea as someone might type it, with the
keys of the three ideas it duplicates; precision at 3 is the share of the first three
suggestions that are among them. Written before the matching was tuned, and not changed to
suit it: where a duplicate shares no word or spelling with the query, the matcher is
expected to miss it.
"""

from __future__ import annotations

# key: (title, description)
IDEAS: dict[str, tuple[str, str]] = {
    # Hand gel
    "gel-bedside": (
        "Hand gel dispensers at every bed space",
        "Staff walk to the end of the bay to gel their hands between patients.",
    ),
    "gel-refill": (
        "Refill empty hand gel dispensers daily",
        "Dispensers by the doors are often empty by the afternoon.",
    ),
    "gel-pocket": (
        "Pocket-sized alcohol gel for every nurse",
        "Clip-on bottles of hand sanitiser would mean no walking to the wall dispenser.",
    ),
    # Handover
    "handover-template": (
        "Handover template for the night shift",
        "A printed SBAR sheet so nothing is missed at 8pm.",
    ),
    "handover-bedside": (
        "Bedside handover instead of the office",
        "Patients hear their plan and can correct us at shift change.",
    ),
    "handover-shorter": (
        "Shorter nursing handover at shift change",
        "Handover takes 45 minutes; a structured handover sheet would halve it.",
    ),
    # Parking
    "parking-night": (
        "Staff parking for night shifts",
        "Arriving at 7pm there are no spaces left near the main entrance.",
    ),
    "parking-permits": (
        "Car park permits for part-time staff",
        "Part-time staff pay daily parking charges because permits are full-time only.",
    ),
    "parking-safe": (
        "Safe parking close to the hospital after late shifts",
        "Walking to the far car park in the dark after a late shift feels unsafe.",
    ),
    # Breaks
    "break-room": (
        "A quiet staff room for breaks on Ward 12",
        "We eat at the nurses' station because there is nowhere else to go.",
    ),
    "break-protected": (
        "Protected break times for nurses",
        "Breaks are skipped on busy days; a break rota would make sure everyone gets one.",
    ),
    "break-cover": (
        "Break cover from the bank team",
        "Someone to cover the bay so that staff can take their break away from the ward.",
    ),
    # Falls
    "falls-sensor": (
        "Sensor mats to prevent falls at night",
        "A pressure mat by the bed alerts staff when a patient at risk gets up.",
    ),
    "falls-beds": (
        "Low-rise beds for patients at risk of falling",
        "Fewer injuries when a confused patient climbs out of bed.",
    ),
    "falls-bays": (
        "Cohort bay for patients who fall",
        "Patients at high risk of falls together in one bay with a member of staff always present.",
    ),
    # Discharge
    "discharge-lounge": (
        "Open the discharge lounge at 8am",
        "Beds would be free earlier if patients could wait in the lounge for transport.",
    ),
    "discharge-planning": (
        "Start discharge planning on admission",
        "Set an expected date of discharge on day one and plan towards it.",
    ),
    "discharge-medicines": (
        "Discharge medicines ready the day before",
        "Patients wait hours for pharmacy to prepare their medicines to take home.",
    ),
    # Rota
    "rota-early": (
        "Publish the rota six weeks ahead",
        "The rota comes out two weeks before it starts, so childcare is hard to arrange.",
    ),
    "rota-weekends": (
        "Fairer share of weekends on the rota",
        "Some staff work three weekends in four while others rarely do.",
    ),
    "rota-requests": (
        "Let staff request shifts before the rota is written",
        "An online form for shift requests would save swaps later.",
    ),
    # Medicine rounds
    "meds-tabard": (
        "Do not disturb tabards during medicine rounds",
        "Nurses are interrupted many times on the drug round, which leads to errors.",
    ),
    "meds-quiet": (
        "Quiet medicine rounds to cut drug errors",
        "No phone calls or questions to the nurse giving medicines.",
    ),
    "meds-second": (
        "Second checker for the insulin round",
        "Insulin doses on the medicine round are checked by two nurses.",
    ),
    # Food at night
    "food-hot": (
        "Hot food for night staff",
        "The canteen closes at 7pm; the night shift has only vending machines.",
    ),
    "food-canteen": (
        "Keep the canteen open overnight",
        "Even a small counter serving food from midnight to 2am would help.",
    ),
    "food-fridge": (
        "A fridge and microwave for night shift meals",
        "Staff could bring proper food from home for a night shift.",
    ),
    # Observation machines
    "obs-spare": (
        "Spare blood pressure machines on each ward",
        "We borrow machines from the next ward when ours are broken.",
    ),
    "obs-repair": (
        "Faster repair of broken observation machines",
        "Broken blood pressure machines wait weeks for medical engineering.",
    ),
    "obs-cuffs": (
        "Large blood pressure cuffs on every machine",
        "Readings are wrong when the cuff is too small for the patient.",
    ),
    # Unrelated ideas that share words or beginnings with the groups above.
    "handheld": (
        "Handheld devices for recording observations",
        "Recording observations at the bedside instead of on paper.",
    ),
    "handbook": (
        "Welcome handbook for new starters",
        "A short guide to the ward for new staff and students.",
    ),
    "pressure-ulcers": (
        "Turning charts to prevent pressure ulcers",
        "Two-hourly turns recorded at the bed end.",
    ),
    "night-lighting": (
        "Dimmer lighting at night so patients sleep",
        "Bay lights could be dimmed after 10pm.",
    ),
    "parkinsons": (
        "Parkinson's medicines on time",
        "Time-critical medicines given within 30 minutes of the prescribed time.",
    ),
    "staff-awards": (
        "Monthly staff awards",
        "Colleagues nominate someone who went the extra mile.",
    ),
    "gelato": (
        "Ice cream for patients on hot days",
        "A freezer of ice lollies helps patients drink more in a heatwave.",
    ),
    "chaplain": (
        "Chaplaincy visits on request",
        "Patients can ask for the chaplain through the ward clerk.",
    ),
}

_GROUPS = {
    "gel": ("gel-bedside", "gel-refill", "gel-pocket"),
    "handover": ("handover-template", "handover-bedside", "handover-shorter"),
    "parking": ("parking-night", "parking-permits", "parking-safe"),
    "break": ("break-room", "break-protected", "break-cover"),
    "falls": ("falls-sensor", "falls-beds", "falls-bays"),
    "discharge": ("discharge-lounge", "discharge-planning", "discharge-medicines"),
    "rota": ("rota-early", "rota-weekends", "rota-requests"),
    "meds": ("meds-tabard", "meds-quiet", "meds-second"),
    "food": ("food-hot", "food-canteen", "food-fridge"),
    "obs": ("obs-spare", "obs-repair", "obs-cuffs"),
}

# (what is typed, the group it duplicates)
QUERIES: list[tuple[str, frozenset[str]]] = [
    (typed, frozenset(_GROUPS[group]))
    for typed, group in (
        ("Hand gel dispensers", "gel"),
        ("More hand sanitiser dispensors", "gel"),
        ("Handover template", "handover"),
        ("Handover takes too long", "handover"),
        ("Parking for night staff", "parking"),
        ("Car parking permits", "parking"),
        ("Nowhere to take a break", "break"),
        ("Preventing falls on the ward", "falls"),
        ("Discharge delays", "discharge"),
        ("Rota published too late", "rota"),
        ("Interruptions on the drug round", "meds"),
        ("Food for the night shift", "food"),
        ("Broken blood pressure machines", "obs"),
    )
]

# Ideas with no duplicate in the set: nothing in it should be suggested for them.
UNMATCHED = ["Bereavement leaflets for families", "Volunteers to help at mealtimes"]
