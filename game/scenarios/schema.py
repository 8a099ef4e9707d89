"""The shape of a scenario file, checked field by field.

A scenario is data, not code: a workshop leader writes one in YAML. This model is the one
place that says what a valid scenario is; the loader turns its errors into plain sentences.
"""

import re
from fractions import Fraction
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from game.engine.roles import Role
from game.languages import LANGUAGES, Lang

# The longest text a scenario field may hold (a situation of 250 words is about 1,700).
MAX_TEXT = 4000
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
# A threshold as written in a file: "2/3", "3/4", "1/2" or "1" (everyone).
_FRACTION = re.compile(r"\s*\d+(/\d+)?\s*")
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A text in the languages of the game: Dutch always, English when the writer gave it."""

    nl: Line
    en: Line | None = None

    def get(self, lang: str) -> str:
        """The text in `lang`; a text without English is read in Dutch."""
        if lang == "en" and self.en is not None:
            return self.en
        return self.nl


# The rounds in which a role's secrets are dealt: the three rounds with a rotated role.
SECRET_ROUNDS = (1, 2, 3)


class Secret(_Frozen):
    """Information dealt to whoever holds the role in one round (1, 2 or 3)."""

    id: Slug
    # Required: a secret without a round would be dealt to nobody, or to everyone in turn.
    round: int
    text: Text
    # Whether the summary may show it after the game, at the debrief.
    revealed_at_debrief: bool = False

    @field_validator("round", mode="before")
    @classmethod
    def _round_is_one_two_or_three(cls, value: object) -> object:
        # YAML reads `yes` as true, which is an int; "2" in quotes is text, 2.0 a float.
        if type(value) is not int or value not in SECRET_ROUNDS:
            raise PydanticCustomError(
                "secret_round",
                "the round of a secret must be 1, 2 or 3: the round in which whoever holds "
                "this role is dealt it",
            )
        return value


class RoleCard(_Frozen):
    """Who you are in a role, and what drives you."""

    title: Text
    who: Text
    values: Text
    wants: Text
    fears: Text
    secrets: tuple[Secret, ...] = Field(min_length=1)


class RoundSpec(_Frozen):
    """One of the four rounds: its lens, its question and what a card holds."""

    lens: Text
    question: Text
    card_prompt: Text
    minutes: int = Field(ge=1, le=120)


class DecisionOption(_Frozen):
    """A fixed option players score in round 4 before the proposal is drafted."""

    id: Slug
    title: Text
    description: Text


class Scenario(_Frozen):
    """A whole fictional case (casus) for one game."""

    id: Slug
    title: Text
    summary: Text
    situation: Text
    roles: dict[Role, RoleCard]
    rounds: tuple[RoundSpec, RoundSpec, RoundSpec, RoundSpec]
    options: tuple[DecisionOption, ...] = ()
    # The share of each home-role group that must be (mostly) in favour; an exact fraction.
    threshold: Fraction = Fraction(2, 3)
    debrief_questions: tuple[Text, ...] = Field(min_length=1)

    @field_validator("threshold", mode="before")
    @classmethod
    def _parse_threshold(cls, value: object) -> object:
        # "2/3" in a file must stay exactly two thirds. A float (0.67) or a decimal string
        # ("0.67") would silently become 67/100, and YAML reads `yes` as a bool, which is an int.
        if isinstance(value, (bool, float)) or (
            isinstance(value, str) and not _FRACTION.fullmatch(value)
        ):
            raise PydanticCustomError(
                "threshold_format", "write the threshold as a fraction in quotes, for example '2/3'"
            )
        return value

    @field_validator("threshold")
    @classmethod
    def _threshold_in_range(cls, value: Fraction) -> Fraction:
        if not (0 < value <= 1):
            raise PydanticCustomError(
                "threshold_range",
                "the threshold must be more than 0 and at most 1, for example '2/3'",
            )
        return value

    # The checks below raise errors on the field they are about, with `at` in the context naming
    # the place below that field, so the loader can point a workshop leader at the exact line.
    @field_validator("roles")
    @classmethod
    def _roles_complete(cls, roles: dict[Role, RoleCard]) -> dict[Role, RoleCard]:
        missing = [role.value for role in Role if role not in roles]
        if missing:
            raise PydanticCustomError(
                "missing_role",
                "the role card for {roles} is missing; every scenario needs inwoner, raadslid "
                "and ambtenaar",
                {
                    "roles": " and ".join(missing),
                    "missing": missing,
                    "at": missing[0] if len(missing) == 1 else "",
                },
            )
        seen: dict[str, str] = {}
        for role, card in roles.items():
            for index, secret in enumerate(card.secrets):
                where = f"{role.value}.secrets[{index}].id"
                if secret.id in seen:
                    raise PydanticCustomError(
                        "duplicate_secret_id",
                        "the secret id '{id}' is used twice (also at roles.{first}); "
                        "every secret needs its own id",
                        {"id": secret.id, "first": seen[secret.id], "at": where},
                    )
                seen[secret.id] = where
        return roles

    @field_validator("options")
    @classmethod
    def _options_unique(cls, options: tuple[DecisionOption, ...]) -> tuple[DecisionOption, ...]:
        seen: set[str] = set()
        for index, option in enumerate(options):
            if option.id in seen:
                raise PydanticCustomError(
                    "duplicate_option_id",
                    "the option id '{id}' is used twice; every decision option needs its own id",
                    {"id": option.id, "at": f"[{index}].id"},
                )
            seen.add(option.id)
        return options

    @model_validator(mode="after")
    def _secrets_stay_secret(self) -> "Scenario":
        # A secret that also stands in a text everyone sees would leak by construction.
        public = [text.get(lang) for text in self._public_texts() for lang in LANGUAGES]
        for role, card in self.roles.items():
            for index, secret in enumerate(card.secrets):
                for lang in LANGUAGES:
                    words = secret.text.get(lang)
                    if any(words in other for other in public):
                        raise PydanticCustomError(
                            "secret_in_public_text",
                            "this secret also appears word for word in a text everyone sees; "
                            "rewrite one of them",
                            {"at": f"roles.{role.value}.secrets[{index}].text.{lang}"},
                        )
        return self

    def _public_texts(self) -> list[Text]:
        texts = [self.title, self.summary, self.situation, *self.debrief_questions]
        for card in self.roles.values():
            texts += [card.title, card.who, card.values, card.wants, card.fears]
        for spec in self.rounds:
            texts += [spec.lens, spec.question, spec.card_prompt]
        for option in self.options:
            texts += [option.title, option.description]
        return texts

    @property
    def languages(self) -> tuple[Lang, ...]:
        """The languages every text of the scenario is written in: Dutch, and English when
        no text lacks it (a case without English plays in Dutch)."""
        texts = [*self._public_texts()]
        texts += [secret.text for card in self.roles.values() for secret in card.secrets]
        if all(text.en is not None for text in texts):
            return LANGUAGES
        return ("nl",)
