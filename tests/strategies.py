"""All hypothesis strategies of the test suite."""

from hypothesis import strategies as st

from game.engine.roles import Role
from game.engine.state import VoteChoice

home_roles = st.sampled_from(list(Role))
home_role_mixes = st.lists(home_roles, min_size=3, max_size=60)
vote_choices = st.sampled_from(list(VoteChoice))
# Texts that players type: anything printable, including markup and Dutch characters.
typed_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60
)
