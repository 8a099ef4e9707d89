"""The result of a vote said in words, in Dutch (B1) and English. Pure: no Flask, no clock.

Views, the summary and its downloads all use these functions, so the room, the big screen
and the printed summary say the same thing in the same words.
"""

from fractions import Fraction

from game.engine.decision import DecisionResult, GroupSupport
from game.engine.roles import Role
from game.languages import language

LANGS = ("nl", "en")

# One person of a group, and the group as a whole.
ROLE_SINGULAR = {
    "nl": {Role.INWONER: "inwoner", Role.RAADSLID: "raadslid", Role.AMBTENAAR: "ambtenaar"},
    "en": {
        Role.INWONER: "resident",
        Role.RAADSLID: "council member",
        Role.AMBTENAAR: "civil servant",
    },
}
ROLE_PLURAL = {
    "nl": {Role.INWONER: "inwoners", Role.RAADSLID: "raadsleden", Role.AMBTENAAR: "ambtenaren"},
    "en": {
        Role.INWONER: "residents",
        Role.RAADSLID: "council members",
        Role.AMBTENAAR: "civil servants",
    },
}


def role_name(role: Role | str, lang: str, *, plural: bool = False) -> str:
    """A role as a word: 'raadslid' / 'raadsleden', 'council member' / 'council members'."""
    table = ROLE_PLURAL if plural else ROLE_SINGULAR
    return table[language(lang)][Role(role)]


def threshold_text(threshold: Fraction) -> str:
    """A threshold as people write it: '2/3'; everyone is '1/1', not '1'."""
    return f"{threshold.numerator}/{threshold.denominator}"


def join_words(words: list[str], lang: str) -> str:
    """'a', 'a en b', 'a, b en c' (English: 'a, b and c')."""
    last = " and " if language(lang) == "en" else " en "
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + last + words[-1]


def _group_counts(groups: tuple[GroupSupport, ...], lang: str) -> str:
    of = "of" if lang == "en" else "van"
    return ", ".join(
        f"{role_name(g.role, lang, plural=True)} {g.support} {of} {g.members}" for g in groups
    )


def _objections(count: int, lang: str) -> str:
    if lang == "en":
        return f"{count} objection stands" if count == 1 else f"{count} objections stand"
    return f"er staat {count} bezwaar" if count == 1 else f"er staan {count} bezwaren"


def _below(groups: list[GroupSupport], lang: str) -> str:
    names = join_words([role_name(g.role, lang, plural=True) for g in groups], lang)
    if lang == "en":
        return f"{names} are below the threshold"
    return f"{names} blijven onder de drempel"


def result_sentence(result: DecisionResult, lang: str = "nl") -> str:
    """The result in one sentence, with why it is (not) gedragen and the support per group.

    "Gedragen: geen bezwaar; inwoners 3 van 3, raadsleden 4 van 5, ambtenaren 2 van 2 eens of
    eens met bedenkingen (drempel 2/3)."
    """
    lang = language(lang)
    threshold = threshold_text(result.threshold)
    if not result.groups:
        if lang == "en":
            return "Not carried: there was nobody left to vote."
        return "Niet gedragen: er was niemand meer om te stemmen."
    counts = _group_counts(result.groups, lang)
    if lang == "en":
        tail = f"{counts} agree or agree with reservations (threshold {threshold})."
    else:
        tail = f"{counts} eens of eens met bedenkingen (drempel {threshold})."
    if result.gedragen:
        head = "Carried: no objection" if lang == "en" else "Gedragen: geen bezwaar"
        return f"{head}; {tail}"
    reasons = []
    if result.objections:
        reasons.append(_objections(result.objections, lang))
    below = [g for g in result.groups if not g.passes]
    if below:
        reasons.append(_below(below, lang))
    why = " and ".join(reasons) if lang == "en" else " en ".join(reasons)
    head = "Not carried" if lang == "en" else "Niet gedragen"
    return f"{head}: {why}; {tail}"


def gedragen_label(gedragen: bool, lang: str = "nl") -> str:
    """One word for the outcome, for headings and table cells."""
    if language(lang) == "en":
        return "Carried" if gedragen else "Not carried"
    return "Gedragen" if gedragen else "Niet gedragen"
