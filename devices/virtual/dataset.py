"""The default contents of the virtual phone: enough of everything that lists scroll.

Used for every state key a seed leaves out, so a bare ``VirtualPhone()`` looks lived-in.
"""

from __future__ import annotations

_NAMES = (
    "Aaron Brooks", "Alice Johnson", "Amy Chen", "Ben Carter", "Bob Smith", "Carla Diaz",
    "Chris Morgan", "Daniel Kim", "Diana Park", "Emma Wilson", "Ethan Wright", "Fatima Khan",
    "George Miller", "Grace Lee", "Hannah Scott", "Ivan Petrov", "Jack Turner", "Julia Fischer",
    "Kevin Nguyen", "Laura Martinez", "Maya Patel", "Mom", "Noah Davis", "Olivia Brown",
    "Pablo Garcia", "Priya Sharma", "Quinn Taylor", "Rachel Adams", "Sofia Rossi", "Tom Baker",
    "Victor Lang", "Zoe Walker",
)  # fmt: skip


def _contacts() -> list[dict]:
    out = []
    for number, name in enumerate(_NAMES, start=101):
        email = name.lower().replace(" ", ".") + "@example.com" if " " in name else ""
        out.append({"name": name, "phone": f"+1 555 0{number}", "email": email})
    out[4]["phone"] = "+1 555 0102"  # Bob Smith: the number the docs and tests use
    out[1]["phone"] = "+1 555 0177"
    out[21]["favorite"] = True
    return out


def _pictures() -> list[dict]:
    return [
        {
            "name": f"IMG_202405{day:02d}_{9 + day % 9:02d}{day * 7 % 60:02d}00.jpg",
            "folder": "Pictures",
            "size_kb": 1800 + day * 137 % 900,
            "modified": f"2024-05-{day:02d}T{9 + day % 9:02d}:{day * 7 % 60:02d}:00",
        }
        for day in range(1, 14)
    ]


def _readable_pictures() -> list[dict]:
    """Pictures whose text is only in their pixels: a receipt, a poster and a note screenshot."""
    return [
        {"name": "IMG_20240513_191204.jpg", "folder": "DCIM", "size_kb": 2210,
         "modified": "2024-05-13T19:12:04", "look": "receipt",
         "content": "LUIGI'S TRATTORIA\n2 Margherita  $24.00\n1 Tiramisu  $8.50\n"
                    "Tip  $6.20\nTOTAL  $38.70"},
        {"name": "IMG_20240511_083010.jpg", "folder": "DCIM", "size_kb": 1930,
         "modified": "2024-05-11T08:30:10", "look": "poster",
         "content": "FARMERS MARKET\nSaturday May 18\n8 AM - 1 PM\nPier 39"},
        {"name": "Screenshot_20240512-101500.png", "folder": "Screenshots", "size_kb": 310,
         "modified": "2024-05-12T10:15:00", "look": "note",
         "content": "Locker code\n7391\nGym, 2nd floor"},
    ]


DEFAULT_STATE: dict = {
    "clock": "2024-05-14T09:41:00",
    "settings": {},
    "contacts": _contacts(),
    "threads": [
        {"address": "+1 555 0122", "messages": [  # Mom
            {"body": "Call me when you land", "time": "2024-05-13T21:04:00"},
            {"body": "Will do!", "time": "2024-05-13T21:10:00", "outgoing": True},
        ]},
        {"address": "+1 555 0177", "read": False, "messages": [  # Alice Johnson
            {"body": "Lunch tomorrow?", "time": "2024-05-14T08:55:00"},
        ]},
        {"address": "72345", "read": False, "messages": [
            {"body": "Your verification code is 482913. It expires in 10 minutes.",
             "time": "2024-05-14T09:30:00"},
        ]},
        {"address": "+1 555 0102", "messages": [  # Bob Smith
            {"body": "Running 10 min late", "time": "2024-05-12T18:20:00"},
            {"body": "No problem", "time": "2024-05-12T18:21:00", "outgoing": True},
        ]},
    ],
    "alarms": [
        {"time": "06:30", "label": "Work", "enabled": True,
         "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]},
        {"time": "08:00", "label": "Weekend", "enabled": False, "days": ["Sat", "Sun"]},
        {"time": "13:15", "label": "Pills", "enabled": True, "days": []},
    ],
    "timers": [],
    "events": [
        {"title": "Dentist", "date": "2024-05-16", "time": "10:00", "duration_min": 45,
         "location": "Smile Dental, 4 Elm St"},
        {"title": "Team standup", "date": "2024-05-14", "time": "10:30", "duration_min": 15},
        {"title": "Dinner with Alice", "date": "2024-05-17", "time": "19:00",
         "duration_min": 120, "location": "Luigi's"},
        {"title": "Flight to Denver", "date": "2024-05-20", "time": "07:45",
         "duration_min": 180, "location": "SFO Terminal 2"},
        {"title": "Gym", "date": "2024-05-15", "time": "18:00"},
    ],
    "notes": [
        {"title": "Address", "body": "12 Oak St, Springfield", "modified": "2024-05-01T10:00:00"},
        {"title": "Wi-Fi password", "body": "Home network: sunflower42",
         "modified": "2024-04-20T19:12:00"},
        {"title": "Gate code", "body": "Front gate 4821#", "modified": "2024-04-02T08:00:00"},
        {"title": "Groceries", "body": "milk, eggs, spinach, coffee",
         "modified": "2024-05-13T17:30:00"},
        {"title": "Book ideas", "body": "Project Hail Mary; The Overstory",
         "modified": "2024-03-11T22:00:00"},
        {"title": "Parking", "body": "Level 3, spot C14", "modified": "2024-05-14T08:10:00"},
        {"title": "Gift ideas", "body": "Mom: scarf. Bob: board game",
         "modified": "2024-02-28T12:00:00"},
        {"title": "Packing list", "body": "charger, passport, socks",
         "modified": "2024-05-12T20:45:00"},
        {"title": "Recipe", "body": "Pancakes: 2 eggs, 1 cup flour, 1 cup milk",
         "modified": "2024-01-15T09:00:00"},
        {"title": "Meeting notes", "body": "Ship v2 on Friday; Ana owns QA",
         "modified": "2024-05-10T15:00:00"},
        {"title": "Car service", "body": "Due at 60,000 miles", "modified": "2024-03-30T11:00:00"},
        {"title": "Passwords hint", "body": "Ask Bob", "modified": "2024-02-01T10:00:00"},
    ],
    "files": [
        {"name": "boarding_pass.pdf", "folder": "Downloads", "size_kb": 240,
         "modified": "2024-05-13T18:00:00"},
        {"name": "invoice_2024_04.pdf", "folder": "Downloads", "size_kb": 88,
         "modified": "2024-05-02T09:00:00"},
        {"name": "recipe.txt", "folder": "Downloads", "size_kb": 2,
         "modified": "2024-04-11T12:00:00"},
        {"name": "resume.docx", "folder": "Documents", "size_kb": 45,
         "modified": "2024-03-03T14:00:00"},
        {"name": "lease.pdf", "folder": "Documents", "size_kb": 512,
         "modified": "2024-01-20T10:00:00"},
        *_pictures(),
        *_readable_pictures(),
    ],
    "folders": [],
    "shopping": [
        {"name": "Milk", "price": 3.49},
        {"name": "Eggs", "price": 4.99},
        {"name": "Bread", "price": 2.79},
        {"name": "Coffee beans", "price": 8.99, "checked": True},
        {"name": "Bananas", "price": 1.29, "qty": 6},
    ],
    "notifications": [
        {"app": "com.google.android.apps.messaging", "title": "Alice Johnson",
         "text": "Lunch tomorrow?", "time": "2024-05-14T08:55:00"},
        {"app": "com.google.android.apps.messaging", "title": "72345",
         "text": "Your verification code is 482913.", "time": "2024-05-14T09:30:00"},
    ],
}
