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

# A room that needs its roles shared out again: the home roles at the start, the round in
# which people come and go, and who comes (a home role) or goes (an index into the seats).
room_changes = st.lists(
    st.one_of(
        st.tuples(st.just("join"), home_roles), st.tuples(st.just("leave"), st.integers(0, 8))
    ),
    min_size=1,
    max_size=4,
)
small_home_role_mixes = st.lists(home_roles, min_size=3, max_size=6)
rotated_rounds = st.sampled_from([1, 2, 3])
# The votes of up to three home-role groups: (role, members, supporters), one per role.
group_tallies = st.lists(
    st.tuples(home_roles, st.integers(1, 9), st.integers(0, 9)),
    min_size=1,
    max_size=3,
    unique_by=lambda t: t[0],
)
objection_counts = st.integers(0, 40)
# Thresholds as a scenario file writes them, everyone ("1") included.
thresholds = st.sampled_from(["1", "1/2", "2/3", "3/4", "1/3", "3/5"])
# The votes of six players, None for one who did not vote.
vote_lists = st.lists(st.one_of(st.none(), vote_choices), min_size=6, max_size=6)
# Socket.IO packets as a client could send them: a type digit, maybe attachments, a namespace,
# an ack id, then JSON-ish text (valid or not), so the message gate's reading can be compared
# with python-socketio's.
_packet_heads = st.sampled_from(["0", "1", "2", "3", "4", "5", "6", "7", "²", "x", ""])
_packet_tails = st.one_of(
    st.text(alphabet='[]{}",:-/0123456789abcnultre²٣ \\', max_size=40),
    st.builds(
        lambda n, body: f"{n}{body}",
        st.sampled_from(["", "1-", "12-", "/", "/x,", "/x?y=1,", "7", "٣", "0" * 101]),
        st.sampled_from(['["a",1]', '{"a":1}', "[", "NaN", '"x"', "", "[[[[]]]]", "[1e999]"]),
    ),
)
socketio_packets = st.builds(lambda head, tail: head + tail, _packet_heads, _packet_tails)
