"""The result of a vote and its threshold said in words, in Dutch (B1) and English. Pure.

Views, the summary and its downloads all use these functions, so the room, the big screen
and the printed summary say the same thing in the same words.
"""

from fractions import Fraction

from game.engine.decision import DecisionResult, GroupSupport
from game.engine.roles import ROLE_ORDER, Role
from game.languages import language

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


def fraction_text(value: Fraction) -> str:
    """A fraction as data: '2/3'; a whole number keeps its denominator ('1/1'), so every
    reader parses one form."""
    return f"{value.numerator}/{value.denominator}"


def threshold_text(threshold: Fraction, lang: str = "nl") -> str:
    """The threshold as people say it: '2 van de 3' / '2 out of 3' (everyone: '1 van de 1')."""
    if language(lang) == "en":
        return f"{threshold.numerator} out of {threshold.denominator}"
    return f"{threshold.numerator} van de {threshold.denominator}"


def join_words(words: list[str], lang: str) -> str:
    """'a', 'a en b', 'a, b en c' (English: 'a, b and c')."""
    last = " and " if language(lang) == "en" else " en "
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + last + words[-1]


def _objections(count: int, lang: str) -> str:
    if lang == "en":
        return f"{count} objection remains" if count == 1 else f"{count} objections remain"
    return f"{count} bezwaar staat nog" if count == 1 else f"{count} bezwaren staan nog"


def _too_little(below: list[GroupSupport], lang: str) -> str:
    # Naming three groups would make the sentence too long; all three is "every group".
    if len(below) == len(ROLE_ORDER):
        if lang == "en":
            return "too little support in every group"
        return "te weinig steun in elke groep"
    names = join_words([role_name(g.role, lang, plural=True) for g in below], lang)
    return f"too little support among {names}" if lang == "en" else f"te weinig steun bij {names}"


def result_sentence(result: DecisionResult, lang: str = "nl") -> str:
    """The result in one short sentence (at most 15 words); the counts per group go beside
    it as data. "Gedragen: geen bezwaar, en in elke groep genoeg steun." """
    lang = language(lang)
    if not result.groups:
        if lang == "en":
            return "Not carried: there was nobody left to vote."
        return "Niet gedragen: er was niemand meer om te stemmen."
    if result.gedragen:
        if lang == "en":
            return "Carried: no objection, and enough support in every group."
        return "Gedragen: geen bezwaar, en in elke groep genoeg steun."
    reasons = []
    if result.objections:
        reasons.append(_objections(result.objections, lang))
    below = [g for g in result.groups if not g.passes]
    if below:
        reasons.append(_too_little(below, lang))
    why = ", and ".join(reasons) if lang == "en" else ", en ".join(reasons)
    head = "Not carried" if lang == "en" else "Niet gedragen"
    return f"{head}: {why}."


def gedragen_label(gedragen: bool, lang: str = "nl") -> str:
    """One word for the outcome, for headings and table cells."""
    if language(lang) == "en":
        return "Carried" if gedragen else "Not carried"
    return "Gedragen" if gedragen else "Niet gedragen"
