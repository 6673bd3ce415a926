"""Word lists the demo population draws from: titles, company words, e-mail domains.

Kept apart from the generator so a reviewer can see at a glance which real-world
variations the entity-resolution benchmark exercises.
"""

from __future__ import annotations

# Tables read better packed than one word per line.
# fmt: off

TITLES: dict[str, tuple[str, ...]] = {
    "en": (
        "Sales Manager", "Account Executive", "Marketing Manager", "CEO", "Founder",
        "Managing Director", "Head of Sales", "VP Sales", "Business Development Manager",
        "Procurement Manager", "Operations Manager", "Software Engineer", "Product Manager", "CTO",
        "CFO", "Office Manager", "Project Manager", "Head of Marketing", "Purchasing Agent",
        "IT Manager", "Consultant", "Director of Operations", "Key Account Manager",
        "Customer Success Manager", "HR Manager", "Data Analyst", "Engineering Manager", "COO",
        "Partner", "Executive Assistant",
    ),
    "de": (
        "Geschäftsführer", "Vertriebsleiter", "Einkaufsleiter", "Key Account Manager",
        "Projektleiter", "Leiter Marketing", "Technischer Leiter", "Vertriebsmitarbeiter",
        "Prokurist", "Inhaber", "Assistenz der Geschäftsführung", "Leiter IT", "Produktmanager",
        "Sachbearbeiter Einkauf", "Bereichsleiter", "Teamleiter Vertrieb", "Ingenieur", "Berater",
        "Leiterin Personal", "Außendienstmitarbeiter",
    ),
    "fr": (
        "Directeur commercial", "Responsable achats", "Chef de projet", "Directeur général",
        "Responsable marketing", "Ingénieur commercial", "Directeur technique",
        "Chargé d'affaires", "Gérant", "Responsable des ventes", "Assistante de direction",
        "Consultant", "Directrice financière", "Chef de produit", "Responsable informatique",
    ),
    "es": (
        "Director comercial", "Jefe de compras", "Gerente", "Director general",
        "Responsable de marketing", "Jefe de proyecto", "Ingeniero de ventas", "Consultor",
        "Director técnico", "Directora financiera", "Responsable de IT", "Key Account Manager",
        "Delegado comercial", "Administrativo", "Socio",
    ),
}

COMPANY_NOUNS: dict[str, tuple[str, ...]] = {
    "en": (
        "Systems", "Solutions", "Technologies", "Logistics", "Consulting", "Partners", "Labs",
        "Analytics", "Software", "Industries", "Group", "Holdings", "Capital", "Networks", "Media",
        "Energy", "Foods", "Robotics", "Health", "Dynamics",
    ),
    "de": (
        "Maschinenbau", "Logistik", "Consulting", "Systemtechnik", "Elektronik", "Handel", "Bau",
        "Medizintechnik", "Software", "Automation", "Verpackung", "Metallbau", "Immobilien",
        "Versicherungen", "Solartechnik", "Werkzeugbau", "Kunststofftechnik", "Druckerei",
    ),
    "fr": (
        "Conseil", "Logistique", "Technologies", "Industries", "Solutions", "Ingénierie",
        "Distribution", "Services", "Énergie", "Systèmes", "Bâtiment", "Informatique",
    ),
    "es": (
        "Consultores", "Logística", "Tecnologías", "Industrias", "Soluciones", "Ingeniería",
        "Distribución", "Servicios", "Energía", "Sistemas", "Construcciones", "Alimentación",
    ),
}

BRAND_HEADS = (
    "Acu", "Alt", "Ax", "Bri", "Cel", "Cor", "Dyn", "El", "Ev", "Flu", "Gen", "Hel", "Inno", "Kin",
    "Lum", "Max", "Nex", "Nov", "Omn", "Opt", "Pro", "Quan", "Sol", "Syn", "Tec", "Ter", "Ultr",
    "Ver", "Vir", "Zen", "Glo", "Int", "Sig", "Stra", "Xy", "Tri", "Mer", "Pyr", "Aer", "Bel",
    "Cyr", "Dat", "Fin", "Hyp", "Ion", "Jun", "Kor", "Lex", "Mag", "Orb", "Pax", "Rho",
)
BRAND_TAILS = (
    "ex", "ix", "on", "ia", "ara", "ant", "ora", "ica", "ify", "ly", "ium", "ent", "iq", "wise",
    "base", "ware", "tek", "tron", "gen", "era", "io", "ova", "lux", "aro", "ence", "um",
)

# Legal forms per country: the canonical suffix (with its separator) and the other
# spellings the same company is entered under.
LEGAL_FORMS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "US": (
        (" Inc.", (", Inc.", ", Inc", " Inc", " Incorporated")),
        (" LLC", (", LLC", " L.L.C.", " llc")),
        (" Corp.", (" Corporation", " Corp", ", Corp.")),
    ),
    "GB": ((" Ltd", (" Ltd.", " Limited", " LTD")), (" PLC", (" plc", " Public Limited Company"))),
    "DE": (
        (" GmbH", (" Gesellschaft mbH", " Gmbh", " G.m.b.H.", " GMBH")),
        (" AG", (" Aktiengesellschaft", " A.G.")),
        (" GmbH & Co. KG", (" GmbH & Co KG", " GmbH u. Co. KG", " Gmbh & Co. Kg")),
    ),
    "AT": ((" GmbH", (" Ges.m.b.H.", " Gesellschaft m.b.H.", " Gmbh")), (" AG", (" A.G.",))),
    "CH": ((" AG", (" A.G.", " SA")), (" GmbH", (" Gmbh", " Sàrl"))),
    "FR": (
        (" SAS", (" S.A.S.", " SAS.", " sas")),
        (" SA", (" S.A.",)),
        (" SARL", (" S.A.R.L.", " Sarl")),
    ),
    "ES": (
        (" S.L.", (", S.L.", " SL", " Sociedad Limitada")),
        (" S.A.", (", S.A.", " SA", " Sociedad Anónima")),
    ),
    "RU": ((" LLC", (" OOO", " Ltd.")), (" JSC", (" AO",))),
    "CN": ((" Co., Ltd.", (" Co. Ltd", " Company Limited")),),
    "JP": ((" K.K.", (" Co., Ltd.", " Kabushiki Kaisha")),),
    "AE": ((" LLC", (" L.L.C.", " FZ-LLC")),),
}

FREE_MAIL: dict[str, tuple[str, ...]] = {
    "US": ("gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com"),
    "GB": (
        "gmail.com", "gmail.com", "hotmail.co.uk", "yahoo.co.uk", "btinternet.com", "outlook.com",
    ),
    "DE": ("gmail.com", "web.de", "gmx.de", "gmx.net", "t-online.de", "outlook.de"),
    "AT": ("gmail.com", "gmx.at", "gmx.at", "aon.at", "outlook.com"),
    "CH": ("gmail.com", "bluewin.ch", "gmx.ch", "outlook.com"),
    "FR": ("gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr"),
    "ES": ("gmail.com", "gmail.com", "hotmail.es", "yahoo.es", "outlook.es"),
    "RU": ("yandex.ru", "mail.ru", "gmail.com"),
    "CN": ("qq.com", "163.com", "gmail.com"),
    "JP": ("gmail.com", "yahoo.co.jp", "docomo.ne.jp"),
    "AE": ("gmail.com", "hotmail.com", "outlook.com"),
}

ROLE_LOCALS = ("info", "sales", "contact", "office", "hello", "kontakt", "vertrieb")

# Work address patterns, each company uses one.
EMAIL_PATTERNS = (
    "first.last", "first.last", "first.last", "flast", "first", "firstlast", "first_last",
    "f.last", "firstl",
)

NAME_PREFIXES = ("Dr.", "Dr.", "Prof.", "Prof. Dr.", "Mr.", "Ms.", "Mrs.")
NAME_SUFFIXES = ("Jr.", "Sr.", "III", "PhD", "MBA")

LEAD_SOURCES = (
    "Web", "Trade Show", "Partner Referral", "Cold Call", "Webinar", "Advertisement",
    "Employee Referral", "Purchased List", "",
)
UTM_SOURCES = ("linkedin", "google", "newsletter", "direct", "partner", "twitter", "bing")
FORMS = ("contact-us", "contact-us", "demo-request", "whitepaper-download", "newsletter")
PARTNER_NOTES = (
    "Met at Web Summit", "Intro via reseller", "Interested in pricing", "Asked for a demo",
    "Warm lead, call in Q2", "Referred by existing customer", "Budget approved for next year",
)
UNUSABLE_NOTES = (
    "Business card unreadable", "Visitor did not leave details", "Stand visitor, no card",
    "Call back - number lost", "Left brochure only", "See attached scan",
)
# fmt: on
