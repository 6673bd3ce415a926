"""Name tables: nicknames, and the common names that head each locale's pool.

Faker weights US names by real frequency but draws German, French and Spanish
names uniformly, so without a head of genuinely common names the "most common"
German would be whoever Faker happened to draw most (a Gretl Stumpf). The heads
make Thomas Müller and María García as common as they are in real lists.
"""

from __future__ import annotations

# Tables read better packed than one word per line.
# fmt: off

# Formal first name -> the short forms people put on badges and web forms.
ENGLISH_NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "Katherine": ("Kate", "Katie", "Kathy"),
    "Catherine": ("Cathy", "Kate", "Cat"),
    "Elizabeth": ("Liz", "Beth", "Betty", "Lisa"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Richard": ("Rick", "Dick", "Rich"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "John": ("Jack", "Johnny"),
    "Michael": ("Mike", "Mikey"),
    "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris", "Kit"),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Joseph": ("Joe", "Joey"),
    "Charles": ("Charlie", "Chuck"),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Andrew": ("Andy", "Drew"),
    "Benjamin": ("Ben", "Benny"),
    "Samuel": ("Sam",),
    "Alexander": ("Alex", "Sasha"),
    "Nicholas": ("Nick",),
    "Jonathan": ("Jon",),
    "Timothy": ("Tim",),
    "Steven": ("Steve",),
    "Stephen": ("Steve",),
    "Patrick": ("Pat", "Paddy"),
    "Peter": ("Pete",),
    "Gregory": ("Greg",),
    "Jennifer": ("Jen", "Jenny"),
    "Jessica": ("Jess",),
    "Rebecca": ("Becky", "Becca"),
    "Susan": ("Sue", "Susie"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Deborah": ("Debbie", "Deb"),
    "Victoria": ("Vicky", "Tori"),
    "Alexandra": ("Alex", "Sandra"),
    "Christine": ("Chris",),
    "Christina": ("Tina", "Chris"),
    "Kimberly": ("Kim",),
    "Samantha": ("Sam",),
    "Abigail": ("Abby",),
    "Jacqueline": ("Jackie",),
    "Theodore": ("Ted", "Theo"),
    "Frederick": ("Fred",),
    "Lawrence": ("Larry",),
    "Kenneth": ("Ken", "Kenny"),
    "Ronald": ("Ron",),
    "Donald": ("Don",),
    "Raymond": ("Ray",),
    "Gerald": ("Jerry",),
    "Henry": ("Hank", "Harry"),
}
OTHER_NICKNAMES: dict[str, tuple[str, ...]] = {
    "Johannes": ("Hans", "Jo"),
    "Katharina": ("Kathi", "Katja"),
    "Friedrich": ("Fritz",),
    "Wolfgang": ("Wolf",),
    "Maximilian": ("Max",),
    "Franziska": ("Franzi",),
    "Magdalena": ("Lena",),
    "Susanne": ("Susi",),
    "Andreas": ("Andi",),
    "Sebastian": ("Basti",),
    "Tobias": ("Tobi",),
    "Florian": ("Flo",),
    "Gabriele": ("Gabi",),
    "Stefanie": ("Steffi",),
    "Daniela": ("Dani",),
    "Alexandre": ("Alex",),
    "Christophe": ("Chris",),
    "Frédéric": ("Fred",),
    "Nicolas": ("Nico",),
    "Isabelle": ("Isa",),
    "Francisco": ("Paco", "Pancho"),
    "José": ("Pepe",),
    "Ignacio": ("Nacho",),
    "Manuel": ("Manolo",),
    "Dolores": ("Lola",),
    "Enrique": ("Quique",),
    "Fernando": ("Nando",),
    "Eduardo": ("Lalo",),
    "Alejandro": ("Alex",),
    "Mercedes": ("Merche",),
    "Rosario": ("Charo",),
}
NICKNAMES: dict[str, tuple[str, ...]] = ENGLISH_NICKNAMES | OTHER_NICKNAMES

# Most common first: (male first names, female first names, last names).
COMMON_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "en_US": ((), (), ()),  # Faker's US lists are already frequency-weighted
    "en_GB": (
        (
            "David", "John", "Michael", "Paul", "Andrew", "James", "Peter", "Robert", "Richard",
            "Mark", "Stephen", "Christopher", "William", "Thomas", "Daniel",
        ),
        (
            "Susan", "Sarah", "Margaret", "Elizabeth", "Helen", "Emma", "Claire", "Jennifer",
            "Catherine", "Rebecca", "Victoria", "Patricia",
        ),
        (
            "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
            "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker",
        ),
    ),
    "de_DE": (
        (
            "Thomas", "Michael", "Andreas", "Stefan", "Peter", "Christian", "Frank", "Markus",
            "Wolfgang", "Matthias", "Alexander", "Sebastian", "Tobias", "Florian", "Johannes",
            "Maximilian", "Friedrich",
        ),
        (
            "Sabine", "Susanne", "Petra", "Claudia", "Andrea", "Stefanie", "Katharina", "Julia",
            "Anna", "Nicole", "Gabriele", "Daniela", "Franziska", "Magdalena",
        ),
        (
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
            "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
        ),
    ),
    "fr_FR": (
        (
            "Jean", "Philippe", "Michel", "Alain", "Nicolas", "Christophe", "Pierre", "Frédéric",
            "Laurent", "Stéphane", "Alexandre", "Julien",
        ),
        (
            "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sophie", "Christine",
            "Valérie", "Sandrine", "Céline",
        ),
        (
            "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel",
        ),
    ),
    "es_ES": (
        (
            "Antonio", "José", "Manuel", "Francisco", "David", "Juan", "Javier", "Daniel",
            "Carlos", "Alejandro", "Fernando", "Eduardo", "Ignacio", "Enrique",
        ),
        (
            "María", "Carmen", "Ana", "Isabel", "Laura", "Cristina", "Marta", "Lucía", "Dolores",
            "Mercedes", "Rosario", "Pilar",
        ),
        (
            "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez",
            "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz",
        ),
    ),
}
FEMALE_NICKNAME_KEYS = frozenset({
    "Katherine", "Catherine", "Elizabeth", "Margaret", "Jennifer", "Jessica", "Rebecca",
    "Susan", "Patricia", "Deborah", "Victoria", "Alexandra", "Christine", "Christina",
    "Kimberly", "Samantha", "Abigail", "Jacqueline",
})  # fmt: skip
# fmt: on
