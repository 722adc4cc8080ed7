"""What the demo trust's ideas and concerns say, by theme: a title and a description each."""

IDEAS = {
    "Staffing and workload": [
        (
            "Float nurse for the twilight shift",
            "The 6pm to midnight gap leaves us short when admissions peak.",
        ),
        (
            "Shared rota app for swaps",
            "Swapping shifts takes days of emails; a shared rota would let us agree swaps directly.",
        ),
    ],
    "Equipment and environment": [
        (
            "Second bladder scanner",
            "We borrow the scanner from the next ward most nights and wait up to an hour.",
        ),
        ("Quiet room for breaks", "There is nowhere to sit away from the ward during breaks."),
        (
            "Better lighting in the sluice",
            "Two of the four lights have been out for weeks; it is hard to check equipment.",
        ),
    ],
    "Processes and systems": [
        (
            "Handover template on the electronic record",
            "A structured template would make handovers shorter and safer.",
        ),
        (
            "Discharge letters started the day before",
            "Starting letters the evening before would free beds earlier.",
        ),
        (
            "Pharmacy round before 11am",
            "Take-home medicines arrive after 3pm and delay discharges.",
        ),
    ],
    "Training and development": [
        (
            "Monthly simulation on the ward",
            "Short in-situ simulations would keep emergency skills fresh.",
        ),
        (
            "Buddy scheme for new starters",
            "Pair each new starter with an experienced colleague for their first month.",
        ),
    ],
    "Worker safety and wellbeing": [
        ("Hot food for night staff", "The canteen closes at 7pm; night staff have no hot food."),
        (
            "Water fountain on the corridor",
            "Staff do not drink enough on long shifts because water is far away.",
        ),
    ],
    "Patient safety and quality": [
        (
            "Falls sensors on high-risk beds",
            "Bed sensors would alert us before high-risk patients get up alone.",
        ),
        (
            "Red trays for patients needing help to eat",
            "Red trays would show who needs help at mealtimes.",
        ),
    ],
}
CONCERNS = {
    "Staffing and workload": [
        (
            "Unsafe staffing on nights",
            "Two registered nurses for 28 patients on most nights this month.",
        )
    ],
    "Bullying or harassment": [
        (
            "Shouting at handover",
            "A senior colleague regularly shouts at junior staff during handover.",
        )
    ],
    "Inappropriate attitudes and behaviours": [
        (
            "Dismissive comments about patients",
            "Some staff make dismissive comments about patients with dementia.",
        )
    ],
    "Worker safety and wellbeing": [
        (
            "Violence from visitors",
            "Visitors have threatened staff twice this week and security took 20 minutes.",
        )
    ],
    "Patient safety and quality": [
        (
            "Medication rounds interrupted",
            "Rounds are interrupted so often that doses are late or missed.",
        )
    ],
    "Equipment and environment": [
        (
            "Broken hoist",
            "The hoist in bay 3 has been broken for a fortnight; we lift patients manually.",
        )
    ],
}
