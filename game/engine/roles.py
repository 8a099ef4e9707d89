"""The three role families of the game."""

from enum import StrEnum


class Role(StrEnum):
    """A role a player can hold; the values are the stable codes used everywhere."""

    INWONER = "inwoner"  # resident, often the initiator of the plan
    RAADSLID = "raadslid"  # council member
    AMBTENAAR = "ambtenaar"  # civil servant


# The order of the cyclic rotation in rounds 1-3.
ROLE_ORDER: tuple[Role, Role, Role] = (Role.INWONER, Role.RAADSLID, Role.AMBTENAAR)
