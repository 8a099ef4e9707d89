"""Paper for a table: the sheet of a player without a phone, and the kit for a room with a
bad connection. A4 PDFs made with the summary's fpdf2 set-up and fonts (game/exports/pdf.py).

Both are pure renderers. The sheet renders `views.paper_sheet` (the engine's view: only the
secrets dealt to that player); the kit renders the public scenario (`views.scenario_public`:
no secret at all) with a session plan's timetable. Nothing here chooses what may be seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from game.engine.plans import Plan
from game.engine.roles import Role
from game.engine.wording import role_name
from game.exports.pdf import FAMILY, MARGIN, SummaryPDF, printable
from game.languages import language
from game.words import N_, gettext

JSON = dict[str, Any]

# Large type: the sheet is read by people who may read with difficulty, at arm's length.
BIG = 14  # pt, body text of the sheet
KIT = 11.5  # pt, body text of the kit
ICON = 11  # mm, the role pictogram

# The role pictograms of the game's screens (static/js/roles.js), in the role's colour.
PICTOGRAMS = {
    Role.INWONER: ("M12 3 2 11.5h3V21h5.5v-6h3v6H19v-9.5h3z", "#1e6b34"),
    Role.RAADSLID: (
        "M12 2 2 7v2h20V7zM4 10v8h2.5v-8zm4.5 0v8H11v-8zm4.5 0v8h2.5v-8zm4.5 0v8H20v-8zM2 "
        "19v3h20v-3z",
        "#6b3fa0",
    ),
    Role.AMBTENAAR: ("M4 4h6l2 2h8v3H4zm-1 6h18l-1.5 10h-15z", "#a04500"),
}

# The labels of the paper, by key: English msgids, translated through game.words.
LABELS: dict[str, str] = {
    "sheet_title": N_("Player sheet of {name}"),
    "sheet_intro": N_(
        "You play on paper. Tell the workshop leader what you want to say: the workshop leader "
        "types your cards, your reflection and your vote for you. The game marks these 'via "
        "the workshop leader'."
    ),
    "printed_at_round": N_(
        "Printed in round {round}. Ask for a new sheet in every new round: your new secret "
        "will be on it."
    ),
    "printed_in_lobby": N_(
        "Printed before the start. Ask for a new sheet at the start: your roles and your first "
        "secret will be on it."
    ),
    "case": N_("The case"),
    "round": N_("Round {number}: {lens}"),
    "your_role": N_("Your role: {role}"),
    "own_role": N_("Your own role: {role}"),
    "no_role_yet": N_("You hear your role when the game starts."),
    "question": N_("The question"),
    "card_prompt": N_("On a card"),
    "who": N_("Who you are"),
    "values": N_("What you value"),
    "wants": N_("What you want"),
    "fears": N_("What you fear"),
    "you_know": N_("What only you know"),
    "not_dealt_yet": N_("You get your secret for this round when the round starts."),
    "no_secret": N_("You have no secret in this round."),
    "notes": N_("Your notes"),
    "kit_title": N_("Table kit: {title}"),
    "kit_intro": N_(
        "This kit is for a table that plays on paper, or for people who prefer paper. It holds "
        "no secrets: each player gets theirs from the workshop leader."
    ),
    "roles": N_("The three roles"),
    "rounds": N_("The four rounds"),
    "minutes": N_("{minutes} minutes"),
    "timetable": N_("The timetable ({minutes} minutes)"),
    "step": N_("Step"),
    "time": N_("Time"),
    "vote": N_("How to vote"),
    "vote_eens": N_("Agree: you support the proposal."),
    "vote_bedenkingen": N_(
        "Agree with reservations: you support the proposal, but you have a concern. Write it "
        "down briefly."
    ),
    "vote_bezwaar": N_(
        "Objection: you cannot carry the proposal. Write down why, and what would be needed "
        "for you to agree."
    ),
    "vote_rule": N_(
        "The proposal is carried when no objection remains, and in every group ({groups}) at "
        "least {threshold} agree or agree with reservations. Not voting is not support."
    ),
    "ballots": N_("Ballots"),
    "ballot": N_("Ballot"),
    "ballot_name": N_(
        "Name: ________________________   Group: resident / council member / civil servant"
    ),
    "ballot_choice": N_("[  ] agree     [  ] agree with reservations     [  ] objection"),
    "ballot_reason": N_("My reservation or objection: "),
    "ballot_needed": N_("Needed for me to agree: "),
    "debrief": N_("The debrief"),
}

BALLOTS_PER_KIT = 6


def label(key: str, lang: str, **values: object) -> str:
    """A label of the paper in a language, with `{values}` filled in."""
    text = gettext(LABELS[key], lang)
    return text.format(**values) if values else text


def _text(value: JSON, lang: str) -> str:
    return str(value.get(language(lang)) or value["nl"])


class _Paper:
    """Writing on one PDF in one language and one type size."""

    def __init__(self, lang: str, title: str, size: float) -> None:
        self.lang = language(lang)
        self.size = size
        self.line = size * 0.52
        self.pdf = SummaryPDF(self.lang, printable(title))
        self.pdf.add_page()

    def heading(self, text: str, size: float | None = None, new_page: bool = False) -> None:
        pdf = self.pdf
        if new_page or pdf.get_y() > pdf.h - MARGIN - 45:
            pdf.add_page()
        else:
            pdf.ln(self.line * 0.6)
        size = size or self.size * 1.3
        pdf.set_font(FAMILY, "B", size)
        pdf.multi_cell(0, size * 0.5, printable(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def text(self, text: str, style: str = "") -> None:
        self.pdf.set_font(FAMILY, style, self.size)
        for line in text.splitlines() or [""]:
            if line.strip():
                self.pdf.multi_cell(
                    0, self.line, printable(line.strip()), new_x="LMARGIN", new_y="NEXT"
                )
        self.pdf.ln(1.5)

    def field(self, name: str, value: str) -> None:
        self.text(name, "B")
        self.text(value)

    def items(self, texts: Sequence[str]) -> None:
        self.pdf.set_font(FAMILY, "", self.size)
        for text in texts:
            self.pdf.set_x(MARGIN)
            self.pdf.cell(7, self.line, "•")
            self.pdf.set_left_margin(MARGIN + 7)
            self.pdf.multi_cell(0, self.line, printable(text), new_x="LMARGIN", new_y="NEXT")
            self.pdf.set_left_margin(MARGIN)
            self.pdf.ln(1)
        self.pdf.ln(1)

    def role(self, role: Role, words: str) -> None:
        """The role's pictogram with a sentence beside it (never the colour alone)."""
        path, colour = PICTOGRAMS[role]
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" '
            f'height="24"><path d="{path}" fill="{colour}"/></svg>'
        )
        top = self.pdf.get_y()
        self.pdf.image(BytesIO(svg.encode()), x=MARGIN, y=top, w=ICON, h=ICON)
        self.pdf.set_xy(MARGIN + ICON + 3, top + (ICON - self.size * 0.5) / 2)
        self.pdf.set_font(FAMILY, "B", self.size * 1.15)
        self.pdf.cell(0, self.size * 0.5, printable(words))
        self.pdf.set_xy(MARGIN, top + ICON + 2)

    def lines(self, count: int) -> None:
        """Empty lines to write on."""
        pdf = self.pdf
        for _ in range(count):
            pdf.ln(self.line * 1.6)
            y = pdf.get_y()
            pdf.set_draw_color(150)
            pdf.line(MARGIN, y, pdf.w - MARGIN, y)
        pdf.set_draw_color(0)
        pdf.ln(3)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def sheet_pdf(sheet: JSON, lang: str = "nl") -> bytes:
    """The printed sheet of a player on paper (from `views.paper_sheet`), in large type."""
    lang = language(lang)
    scenario = sheet["scenario"]
    name = sheet["player"]["name"]
    paper = _Paper(lang, label("sheet_title", lang, name=name), BIG)
    paper.heading(label("sheet_title", lang, name=name), BIG * 1.6)
    paper.text(label("sheet_intro", lang))
    if sheet["round"] >= 1:
        paper.text(label("printed_at_round", lang, round=sheet["round"]), "I")
    else:
        paper.text(label("printed_in_lobby", lang), "I")
    paper.heading(f"{label('case', lang)}: {_text(scenario['title'], lang)}")
    paper.text(_text(scenario["summary"], lang), "B")
    paper.text(_text(scenario["situation"], lang))
    for spec in sheet["rounds"]:
        number = spec["number"]
        paper.heading(
            label("round", lang, number=number, lens=_text(spec["lens"], lang)), new_page=True
        )
        role, card = spec["role"], spec["card"]
        if role is None or card is None:
            paper.text(label("no_role_yet", lang), "I")
        else:
            words = "own_role" if number == 4 else "your_role"
            paper.role(Role(role), label(words, lang, role=role_name(role, lang)))
        paper.field(label("question", lang), _text(spec["question"], lang))
        paper.field(label("card_prompt", lang), _text(spec["card_prompt"], lang))
        if card is not None:
            for part in ("who", "values", "wants", "fears"):
                paper.field(label(part, lang), _text(card[part], lang))
            if number <= 3:
                paper.text(label("you_know", lang), "B")
                if card["secrets"]:
                    paper.items([_text(s["text"], lang) for s in card["secrets"]])
                elif spec["dealt"] or sheet["round"] > number:
                    paper.text(label("no_secret", lang), "I")
                else:
                    paper.text(label("not_dealt_yet", lang), "I")
        paper.text(label("notes", lang), "B")
        paper.lines(4)
    return paper.output()


def kit_pdf(scenario: JSON, plan: Plan, lang: str = "nl") -> bytes:
    """The table kit (from `views.scenario_public`, which holds no secret): the case, the
    roles, the four round questions, the timetable of `plan`, the vote explained and empty
    ballots."""
    lang = language(lang)
    title = label("kit_title", lang, title=_text(scenario["title"], lang))
    paper = _Paper(lang, title, KIT)
    paper.heading(title, KIT * 1.7)
    paper.text(label("kit_intro", lang), "I")
    paper.heading(label("case", lang))
    paper.text(_text(scenario["summary"], lang), "B")
    paper.text(_text(scenario["situation"], lang))

    paper.heading(label("roles", lang))
    for role in Role:
        card = scenario["roles"][role.value]
        paper.role(role, f"{role_name(role, lang).capitalize()}: {_text(card['title'], lang)}")
        paper.text(_text(card["who"], lang))

    paper.heading(label("rounds", lang), new_page=True)
    for spec in scenario["rounds"]:
        paper.text(label("round", lang, number=spec["number"], lens=_text(spec["lens"], lang)), "B")
        paper.text(_text(spec["question"], lang))
        paper.text(f"{label('card_prompt', lang)}: {_text(spec['card_prompt'], lang)}", "I")

    paper.heading(label("timetable", lang, minutes=plan.total_minutes))
    clock = 0
    rows = []
    for step in plan.steps(has_options=bool(scenario["options"])):
        rows.append(f"{clock}-{clock + step.minutes} min: {step.title(lang)}")
        clock += step.minutes
    paper.items(rows)

    paper.heading(label("vote", lang))
    paper.items(
        [label("vote_eens", lang), label("vote_bedenkingen", lang), label("vote_bezwaar", lang)]
    )
    groups = ", ".join(role_name(role, lang, plural=True) for role in Role)
    threshold = _text(scenario["threshold_text"], lang)
    paper.text(label("vote_rule", lang, groups=groups, threshold=threshold))

    paper.heading(label("debrief", lang))
    paper.items([_text(q, lang) for q in scenario["debrief_questions"]])

    paper.heading(label("ballots", lang), new_page=True)
    for number in range(1, BALLOTS_PER_KIT + 1):
        if paper.pdf.get_y() > paper.pdf.h - MARGIN - 60:
            paper.pdf.add_page()
        paper.text(f"{label('ballot', lang)} {number} — {_text(scenario['title'], lang)}", "B")
        paper.text(label("ballot_name", lang))
        paper.text(label("ballot_choice", lang))
        paper.text(label("ballot_reason", lang))
        paper.lines(1)
        paper.text(label("ballot_needed", lang))
        paper.lines(1)
    return paper.output()
