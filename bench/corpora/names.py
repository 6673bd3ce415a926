"""Name facts a generator needs: accent folding, nicknames, gendered Polish surnames.

The nickname table is hand-made across the eight languages (Robert/Bob, Katharina/Kathi,
José/Pepe, Giuseppe/Beppe, Małgorzata/Gosia, Cornelis/Kees...): nicknames are cultural,
and an English-only list would leave every other locale without the variation.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_SPECIAL = str.maketrans(
    {"ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe",
     "Œ": "Oe", "đ": "d", "ı": "i"}
)  # fmt: skip
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@lru_cache(maxsize=200_000)
def strip_accents(text: str) -> str:
    """Müller -> Muller, Łódź -> Lodz, Straße -> Strasse."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def transliterate(text: str) -> str:
    """German transliteration: Müller -> Mueller, Jürgen -> Juergen."""
    return strip_accents(text.translate(_GERMAN))


def has_accents(text: str) -> bool:
    return not text.isascii()


@lru_cache(maxsize=200_000)
def email_token(text: str, german: bool) -> str:
    """A name as it appears in an e-mail local part: folded, lower case, no blanks."""
    folded = transliterate(text) if german else strip_accents(text)
    return "".join(c for c in folded.lower() if c.isalnum() or c == "-").strip("-")


def feminine_surname(surname: str) -> str:
    """Polish surnames agree in gender: Kowalski -> Kowalska, Nowacki -> Nowacka."""
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


def masculine_surname(surname: str) -> str:
    for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if surname.endswith(female):
            return surname[: -len(female)] + male
    return surname


# formal name -> short forms people use in their own e-mail signatures and badges
NICKNAMES: dict[str, tuple[str, ...]] = {
    # English
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Bill", "Will"), "Richard": ("Rick", "Dick"),
    "Michael": ("Mike", "Micha"), "James": ("Jim", "Jimmy"), "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris",), "Alexander": ("Alex",), "Daniel": ("Dan", "Danny"),
    "Anthony": ("Tony",), "Andrew": ("Andy", "Drew"), "Joseph": ("Joe",), "Edward": ("Ed", "Ted"),
    "Nicholas": ("Nick",), "Stephen": ("Steve",), "Steven": ("Steve",), "Matthew": ("Matt",),
    "Jonathan": ("Jon",), "Benjamin": ("Ben",), "Samuel": ("Sam",), "Patrick": ("Pat",),
    "Elizabeth": ("Liz", "Beth", "Betty"), "Katherine": ("Kate", "Kathy"), "Catherine": ("Cathy", "Kate"),
    "Jennifer": ("Jen", "Jenny"), "Margaret": ("Maggie", "Peggy"), "Rebecca": ("Becky",),
    "Patricia": ("Pat", "Trish"), "Susan": ("Sue",), "Deborah": ("Debbie", "Deb"),
    "Victoria": ("Vicky",), "Jessica": ("Jess",), "Stephanie": ("Steph",), "Samantha": ("Sam",),
    "David": ("Dave",), "John": ("Johnny", "Jack"), "Kenneth": ("Ken",), "Gregory": ("Greg",),
    "Jeffrey": ("Jeff",), "Timothy": ("Tim",), "Zachary": ("Zach",), "Joshua": ("Josh",),
    "Jacob": ("Jake",), "Charles": ("Charlie", "Chuck"), "Kimberly": ("Kim",),
    "Amanda": ("Mandy",), "Michelle": ("Shelly",), "Melissa": ("Mel",), "Christina": ("Tina",),
    "Cynthia": ("Cindy",), "Christine": ("Chris", "Tina"), "Nicole": ("Nikki",),
    "Philip": ("Phil",), "Dominic": ("Dom",), "Francis": ("Frank",), "Joanne": ("Jo",),
    "Nicola": ("Nicky", "Nico"), "Diana": ("Di",), "Emily": ("Em",), "Mary": ("Molly", "Polly"),
    # German
    "Katharina": ("Kathi", "Katja"), "Johannes": ("Hannes", "Jo", "Hans", "Jan"), "Christian": ("Chris",),
    "Stefanie": ("Steffi",), "Franziska": ("Franzi",), "Andreas": ("Andi",),
    "Matthias": ("Matze", "Matthi"), "Elisabeth": ("Lisa", "Sissi", "Elli"), "Susanne": ("Susi",),
    "Maximilian": ("Max",), "Wolfgang": ("Wolf",), "Alexandra": ("Alex",), "Gabriele": ("Gabi",),
    "Friedrich": ("Fritz",), "Joachim": ("Achim",), "Bernhard": ("Bernd",), "Christiane": ("Christa",),
    "Barbara": ("Babsi", "Barbi"), "Angelika": ("Geli",), "Dorothea": ("Doro",),
    "Hans-Jürgen": ("Hajo",), "Magdalena": ("Lena", "Magda"), "Ulrich": ("Ulli",),
    "Dominik": ("Dom",), "Konstantin": ("Konni",), "Bastian": ("Basti",), "Sebastian": ("Basti",),
    "Wilfried": ("Willi",), "Wilhelm": ("Willi",), "Constanze": ("Conny",), "Tobias": ("Tobi",),
    "Benedikt": ("Bene",), "Christoph": ("Chris",), "Ulrike": ("Ulli",), "Gisela": ("Gisi",),
    # French
    "Frédéric": ("Fred",), "Dominique": ("Dom",), "Alexandre": ("Alex",), "Nicolas": ("Nico",),
    "Christophe": ("Chris",), "Philippe": ("Phil",), "Isabelle": ("Isa",), "Frédérique": ("Fred",),
    "Valérie": ("Val",), "Emmanuel": ("Manu",), "Sébastien": ("Seb",), "Mathilde": ("Mathou",),
    "Élisabeth": ("Babette", "Lisa"), "Timothée": ("Tim",), "Anne-Sophie": ("Anso",),
    "Julien": ("Juju",), "Matthieu": ("Matt",), "Raymond": ("Ray",), "Antoine": ("Tony", "Toto"),
    "Emmanuelle": ("Manue",), "Christelle": ("Chris",), "Guillaume": ("Guigui",), "Benoît": ("Ben",),
    # Spanish
    "José": ("Pepe",), "Francisco": ("Paco", "Curro", "Pancho"), "Manuel": ("Manolo", "Manu"),
    "Dolores": ("Lola",), "Jesús": ("Chus", "Chuy"), "Ignacio": ("Nacho",), "Enrique": ("Quique",),
    "Concepción": ("Concha",), "Rosario": ("Charo",), "Guadalupe": ("Lupe",), "Antonio": ("Toño", "Toni"),
    "María del Carmen": ("Mamen", "Maica"), "Fernando": ("Nando",),
    "Pilar": ("Pili",), "Mercedes": ("Merche",), "Josefa": ("Pepa",), "Alejandro": ("Álex",),
    "José Manuel": ("Chema",), "Jose Manuel": ("Chema",), "José María": ("Chema",),
    "Carmelo": ("Melo",), "Ernesto": ("Neto",), "Juana": ("Juani",), "Antonia": ("Toñi",),
    "María Luisa": ("Marisa",), "María José": ("Majo",), "María Teresa": ("Maite",),
    "María Isabel": ("Maribel",), "Buenaventura": ("Ventura",),
    # Portuguese (Brazil)
    "João": ("Joãozinho",), "Eduardo": ("Edu",), "Guilherme": ("Gui",), "Rafael": ("Rafa",),
    "Gabriel": ("Gabi", "Biel"), "Gabriela": ("Gabi",), "Isabela": ("Bela",), "Luiza": ("Lu",),
    "Mariana": ("Mari",), "Vinícius": ("Vini",), "Otávio": ("Tavinho",), "Beatriz": ("Bia",),
    "Antônio": ("Toninho",), "Felipe": ("Lipe",), "Ana Beatriz": ("Bia",), "Maria Luiza": ("Malu",),
    "Maria Julia": ("Maju",), "Isabel": ("Bel",), "Camila": ("Mila",), "Natália": ("Nati",),
    "Luísa": ("Lu",), "João Pedro": ("JP",),
    # Italian
    "Giuseppe": ("Beppe", "Peppe", "Pino"), "Giovanni": ("Gianni", "Nanni"),
    "Francesco": ("Franco", "Checco"), "Alessandro": ("Sandro", "Ale"), "Roberto": ("Robi",),
    "Domenico": ("Mimmo",), "Salvatore": ("Totò", "Salvo"), "Vincenzo": ("Enzo",),
    "Giuseppina": ("Pina",), "Alessandra": ("Ale", "Sandra"), "Francesca": ("Franca", "Fra"),
    "Massimiliano": ("Max",), "Lorenzo": ("Renzo",), "Alessio": ("Ale",), "Filippo": ("Pippo",),
    "Gaetano": ("Tano",), "Federico": ("Fede",), "Raffaele": ("Lello",), "Isabella": ("Isa",),
    "Beatrice": ("Bea",), "Giuliana": ("Giuli",), "Antonietta": ("Tina", "Etta"),
    # Polish
    "Aleksander": ("Olek",), "Małgorzata": ("Gosia", "Małgosia"), "Katarzyna": ("Kasia",),
    "Krzysztof": ("Krzysiek",), "Wojciech": ("Wojtek",), "Agnieszka": ("Aga",), "Joanna": ("Asia",),
    "Tomasz": ("Tomek",), "Piotr": ("Piotrek",), "Aleksandra": ("Ola",), "Jakub": ("Kuba",),
    "Stanisław": ("Staś", "Stasiek"), "Bartłomiej": ("Bartek",), "Elżbieta": ("Ela",),
    "Urszula": ("Ula",), "Marianna": ("Marysia",), "Franciszek": ("Franek",), "Szymon": ("Szymek",),
    "Maciej": ("Maciek",), "Mateusz": ("Mati",), "Radosław": ("Radek",), "Arkadiusz": ("Arek",),
    "Krystyna": ("Krysia",), "Janina": ("Janka",), "Anna": ("Ania", "Anka"), "Maria": ("Marysia",),
    "Julianna": ("Julka",), "Paweł": ("Pawełek",),
    # Dutch
    "Cornelis": ("Kees",), "Jacobus": ("Jaap", "Koos"),
    "Wilhelmus": ("Wim",), "Hendrik": ("Henk",), "Gerardus": ("Gerard", "Gert"),
    "Adrianus": ("Arie",), "Petrus": ("Piet",), "Catharina": ("Karin", "Tineke"),
    "Johanna": ("Joke", "Anneke"), "Cornelia": ("Conny", "Corrie", "Nel"), "Maarten": ("Martin",),
    "Willem": ("Wim", "Pim"), "Gerrit": ("Gert",), "Marinus": ("Rinus",), "Mohammed": ("Mo",),
    "Pieter": ("Piet",),
}  # fmt: skip
# A nickname also maps back to its formal name ("Bob" in one file, "Robert" in another),
# where that is unambiguous ("Chris" is not: Christopher, Christine, Christian...).
_FORMS: dict[str, set[str]] = {}
for _formal, _nicks in NICKNAMES.items():
    for _nick in _nicks:
        _FORMS.setdefault(_nick, set()).add(_formal)
FORMAL: dict[str, str] = {nick: forms.pop() for nick, forms in _FORMS.items() if len(forms) == 1}
