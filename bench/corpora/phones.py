"""Telephone numbers as each country writes them, generated valid and rendered many ways.

A number is kept as "CC AREA SUBSCRIBER" (country, area or mobile prefix, subscriber) so
one person's number can be rendered in several national and international styles: the
`phone_format` variation re-renders it in another style, the way the same number looks
after passing through a different person's spreadsheet.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Render = Callable[[str, str], str]


def _pairs(s: str, sep: str = " ") -> str:
    return sep.join(s[i : i + 2] for i in range(0, len(s), 2))


def _threes(s: str, sep: str = " ") -> str:
    return sep.join(s[i : i + 3] for i in range(0, len(s), 3))


def _half(s: str, sep: str = " ") -> str:
    cut = len(s) - 4 if len(s) > 6 else len(s)
    return s[:cut] + (sep + s[cut:] if cut < len(s) else "")


def _trunk_styles(cc: str, group: Callable[[str], str]) -> tuple[Render, ...]:
    """Countries that dial a trunk 0 nationally (DE, FR, NL, GB)."""
    return (
        lambda a, s: f"+{cc} {a} {group(s)}",
        lambda a, s: f"+{cc}{a}{s}",
        lambda a, s: f"0{a} {group(s)}",
        lambda a, s: f"0{a}/{s}",
        lambda a, s: f"0{a}-{s}",
        lambda a, s: f"(0{a}) {group(s)}",
        lambda a, s: f"+{cc} (0){a} {group(s)}",
        lambda a, s: f"00{cc} {a} {s}",
        lambda a, s: f"0{a}{s}",
    )


STYLES: dict[str, tuple[Render, ...]] = {
    "DE": _trunk_styles("49", lambda s: s),
    "FR": (
        lambda a, s: f"0{a} {_pairs(s)}",
        lambda a, s: f"0{a}.{_pairs(s, '.')}",
        lambda a, s: f"0{a}{s}",
        lambda a, s: f"+33 {a} {_pairs(s)}",
        lambda a, s: f"+33{a}{s}",
        lambda a, s: f"+33 (0){a} {_pairs(s)}",
        lambda a, s: f"0033 {a} {_pairs(s)}",
    ),
    "NL": _trunk_styles("31", lambda s: s) + (lambda a, s: f"0{a} {_pairs(s)}",),
    "GB": _trunk_styles("44", _half),
    "ES": (
        lambda a, s: _threes(a + s),
        lambda a, s: f"+34 {_threes(a + s)}",
        lambda a, s: f"+34{a}{s}",
        lambda a, s: a + s,
        lambda a, s: f"0034 {(a + s)[:3]} {_pairs((a + s)[3:])}",
        lambda a, s: _threes(a + s, "-"),
    ),
    "PL": (
        lambda a, s: _threes(a + s),
        lambda a, s: _threes(a + s, "-"),
        lambda a, s: a + s,
        lambda a, s: f"+48 {_threes(a + s)}",
        lambda a, s: f"+48{a}{s}",
        lambda a, s: f"0048 {_threes(a + s)}",
        lambda a, s: f"({a}) {s}",
    ),
    "IT": (
        lambda a, s: f"{a} {s}",
        lambda a, s: f"{a}{s}",
        lambda a, s: f"{a}/{s}",
        lambda a, s: f"+39 {a} {s}",
        lambda a, s: f"+39{a}{s}",
        lambda a, s: f"0039 {a} {s}",
        lambda a, s: f"{a} {_half(s)}",
    ),
    "US": (
        lambda a, s: f"({a}) {s[:3]}-{s[3:]}",
        lambda a, s: f"{a}-{s[:3]}-{s[3:]}",
        lambda a, s: f"{a}.{s[:3]}.{s[3:]}",
        lambda a, s: f"+1 {a}-{s[:3]}-{s[3:]}",
        lambda a, s: f"+1 ({a}) {s[:3]}-{s[3:]}",
        lambda a, s: f"+1{a}{s}",
        lambda a, s: f"1-{a}-{s[:3]}-{s[3:]}",
        lambda a, s: f"{a}{s}",
    ),
    "BR": (
        lambda a, s: f"({a}) {_half(s, '-')}",
        lambda a, s: f"{a} {_half(s, '-')}",
        lambda a, s: f"+55 {a} {_half(s, '-')}",
        lambda a, s: f"+55{a}{s}",
        lambda a, s: f"({a}) {s}",
        lambda a, s: f"0{a} {_half(s)}",
        lambda a, s: f"+55 ({a}) {_half(s, '-')}",
    ),
}

# Mobile prefixes (without trunk 0) and subscriber lengths, from national numbering plans.
MOBILE: dict[str, tuple[tuple[str, ...], int]] = {
    "DE": (("151", "152", "157", "159", "160", "162", "170", "171", "172", "175", "176"), 8),
    "FR": (("6", "6", "6", "7"), 8),
    "NL": (("6",), 8),
    "GB": (("74", "75", "77", "78", "79"), 8),
    "ES": (("6", "6", "6", "7"), 8),
    "PL": (("50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"), 7),
    "IT": (
        (
            "320",
            "328",
            "329",
            "333",
            "335",
            "338",
            "339",
            "340",
            "347",
            "348",
            "349",
            "366",
            "380",
            "388",
            "389",
            "392",
            "393",
        ),
        7,
    ),
    "US": ((), 7),
    "BR": ((), 9),
}
LANDLINE_LENGTH: dict[str, int] = {  # area + subscriber digits (NSN length)
    "DE": 10,
    "FR": 9,
    "NL": 9,
    "GB": 10,
    "ES": 9,
    "PL": 9,
    "IT": 10,
    "US": 10,
    "BR": 10,
}
_FIRST_DIGIT = {
    "FR1": "12345678",
    "FR2": "12345678",
    "FR3": "12345678",
    "FR4": "12345678",
    "FR5": "12345678",
    "FR6": "01245678",
    "FR7": "345678",
    "NL6": "12345",
    "ES7": "1234",
    "BR": "6789",
    "GB20": "3478",
    "GB121": "234",
    "GB113": "234",
    "GB117": "234",
    "GB131": "234",
    "GB141": "234",
    "GB161": "234",
}


def _digits(rng: np.random.Generator, n: int, length: int) -> list[str]:
    """n random digit strings of a length, first digit 2-9 (no service or trunk codes)."""
    if length <= 0:
        return [""] * n
    first = rng.integers(2, 10, size=n)
    rest = rng.integers(0, 10 ** max(length - 1, 0), size=n) if length > 1 else np.zeros(n)
    width = length - 1
    return [f"{f}{int(r):0{width}d}" if width else str(f) for f, r in zip(first, rest, strict=True)]


def mobiles(country: str, areas: list[str], rng: np.random.Generator) -> list[str]:
    """Mobile numbers; `areas` (the person's city area codes) matter only where mobiles
    carry the area code (US, BR)."""
    n = len(areas)
    prefixes, sub_len = MOBILE[country]
    if country == "US":
        return [f"US {a} {s}" for a, s in zip(areas, _digits(rng, n, 7), strict=True)]
    if country == "BR":
        nine = rng.integers(0, 10**7, size=n)
        lead = rng.choice(list(_FIRST_DIGIT["BR"]), size=n)
        return [f"BR {a} 9{d}{int(x):07d}" for a, d, x in zip(areas, lead, nine, strict=True)]
    pre = rng.choice(np.array(prefixes), size=n)
    subs = [d.zfill(sub_len) for d in _digits(rng, n, sub_len)]
    out = []
    for p, s in zip(pre, subs, strict=True):
        p = str(p)
        if country == "GB":
            p, s = p + s[:2], s[2:]
        elif country == "DE" and p[1] != "5":
            s = s[:7]
        else:
            allowed = _FIRST_DIGIT.get(country + p, "")
            if allowed and s[0] not in allowed:
                s = allowed[int(s[1]) % len(allowed)] + s[1:]
        out.append(f"{country} {p} {s}")
    return out


def landlines(country: str, areas: list[str], rng: np.random.Generator) -> list[str]:
    """Office/switchboard numbers in the given area codes."""
    total = LANDLINE_LENGTH[country]
    if country == "US":
        subs = _digits(rng, len(areas), 7)
        return [f"US {a} {s}" for a, s in zip(areas, subs, strict=True)]
    out = []
    for a, s in zip(areas, _digits(rng, len(areas), 8), strict=True):
        need = total - len(a.lstrip("0")) if country != "IT" else total - len(a)
        if country == "BR":
            s = str(2 + int(s[0]) % 4) + s[1:]
        allowed = _FIRST_DIGIT.get(country + a, "")
        if allowed:
            s = allowed[int(s[1]) % len(allowed)] + s[1:]
        out.append(f"{country} {a} {s[:need]}")
    return out


def direct_line(switchboard: str, r: float) -> str:
    """A colleague's direct dial: the switchboard with its last two digits replaced."""
    return f"{switchboard[:-2]}{10 + int(r * 90)}"


def n_styles(country: str) -> int:
    return len(STYLES[country])


def render(number: str, style: int) -> str:
    """'DE 151 23456789' in style k of its country (k wraps around)."""
    country, area, sub = number.split(" ")
    styles = STYLES[country]
    return styles[style % len(styles)](area, sub)
