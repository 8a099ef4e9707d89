"""The result of a vote and its threshold said in words, in Dutch (B1) and English. Pure:
the words come from the compiled catalogues through game.words, fixed data like the scenarios.

Views, the summary and its downloads all use these functions, so the room, the big screen
and the printed summary say the same thing in the same words.
"""

from fractions import Fraction

from game.engine.decision import DecisionResult, GroupSupport
from game.engine.roles import ROLE_ORDER, Role
from game.words import N_, gettext, ngettext

# One person of a group, and the group as a whole (the msgids; the words are in the .po files).
ROLE_SINGULAR = {
    Role.INWONER: N_("resident"),
    Role.RAADSLID: N_("council member"),
    Role.AMBTENAAR: N_("civil servant"),
}
ROLE_PLURAL = {
    Role.INWONER: N_("residents"),
    Role.RAADSLID: N_("council members"),
    Role.AMBTENAAR: N_("civil servants"),
}


def role_name(role: Role | str, lang: str, *, plural: bool = False) -> str:
    """A role as a word: 'raadslid' / 'raadsleden', 'council member' / 'council members'."""
    table = ROLE_PLURAL if plural else ROLE_SINGULAR
    return gettext(table[Role(role)], lang)


def fraction_text(value: Fraction) -> str:
    """A fraction as data: '2/3'; a whole number keeps its denominator ('1/1'), so every
    reader parses one form."""
    return f"{value.numerator}/{value.denominator}"


def threshold_text(threshold: Fraction, lang: str = "nl") -> str:
    """The threshold as people say it: '2 van de 3' / '2 out of 3' (everyone: '1 van de 1')."""
    return gettext("{numerator} out of {denominator}", lang).format(
        numerator=threshold.numerator, denominator=threshold.denominator
    )


def join_words(words: list[str], lang: str) -> str:
    """'a', 'a en b', 'a, b en c' (English: 'a, b and c')."""
    if len(words) <= 1:
        return "".join(words)
    # i18n: the end of a list: "inwoners, raadsleden and ambtenaren".
    return gettext("{items} and {last}", lang).format(items=", ".join(words[:-1]), last=words[-1])


def _objections(count: int, lang: str) -> str:
    return ngettext("{count} objection remains", "{count} objections remain", count, lang).format(
        count=count
    )


def _too_little(below: list[GroupSupport], lang: str) -> str:
    # Naming three groups would make the sentence too long; all three is "every group".
    if len(below) == len(ROLE_ORDER):
        return gettext("too little support in every group", lang)
    names = join_words([role_name(g.role, lang, plural=True) for g in below], lang)
    return gettext("too little support among {names}", lang).format(names=names)


def result_sentence(result: DecisionResult, lang: str = "nl") -> str:
    """The result in one short sentence (at most 15 words); the counts per group go beside
    it as data. "Gedragen: geen bezwaar, en in elke groep genoeg steun." """
    if not result.groups:
        return gettext("Not carried: there was nobody left to vote.", lang)
    if result.gedragen:
        return gettext("Carried: no objection, and enough support in every group.", lang)
    reasons = []
    if result.objections:
        reasons.append(_objections(result.objections, lang))
    below = [g for g in result.groups if not g.passes]
    if below:
        reasons.append(_too_little(below, lang))
    # i18n: two reasons why a proposal is not carried, in one sentence.
    why = (
        reasons[0]
        if len(reasons) == 1
        else gettext("{first}, and {second}", lang).format(first=reasons[0], second=reasons[1])
    )
    return gettext("Not carried: {reasons}.", lang).format(reasons=why)


def gedragen_label(gedragen: bool, lang: str = "nl") -> str:
    """One word for the outcome, for headings and table cells."""
    return gettext("Carried", lang) if gedragen else gettext("Not carried", lang)
