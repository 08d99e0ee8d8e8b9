"""Property tests: the envelope parser on anything, and the outbox/inbox as a state machine."""

from __future__ import annotations

import atexit
import json
import shutil
from typing import Any

from hotline_nodes import CI, Clock, Link, befriend, envelope_for, make_node, scratch_dir
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cyberdiplomacy.errors import Rejected
from cyberdiplomacy.hotline import envelope
from cyberdiplomacy.hotline.envelope import Envelope, parse_envelope
from cyberdiplomacy.hotline.worker import Backoff

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)

SAMPLE_NODES = scratch_dir()
atexit.register(shutil.rmtree, SAMPLE_NODES, True)
SENDER, RECEIVER = make_node(SAMPLE_NODES, "EST-CERT"), make_node(SAMPLE_NODES, "FIN-NCSC")
SAMPLE = envelope_for(SENDER, RECEIVER, 1)


@CI
@given(json_values)
def test_the_parser_refuses_or_accepts_any_json_and_never_raises_anything_else(
    value: Any,
) -> None:
    try:
        assert isinstance(parse_envelope(value), Envelope)
    except Rejected as refused:
        assert refused.code == "malformed" and refused.status == 400


@CI
@given(st.sampled_from(sorted(SAMPLE)), json_values)
def test_replacing_any_field_is_refused_by_the_parser_or_by_the_signature(
    field: str, replacement: Any
) -> None:
    forged = {**SAMPLE, field: replacement}
    try:
        parsed = parse_envelope(forged)
    except Rejected:
        return
    assert forged == SAMPLE or not parsed.signed_by(SENDER.card().signing_key)


@CI
@given(st.sampled_from(sorted(SAMPLE)))
def test_a_missing_or_an_extra_field_is_refused(field: str) -> None:
    missing = {k: v for k, v in SAMPLE.items() if k != field}
    for forged in (missing, {**SAMPLE, f"{field}_": SAMPLE[field]}):
        try:
            parse_envelope(forged)
        except Rejected as refused:
            assert refused.code == "malformed"
        else:
            raise AssertionError(f"accepted {forged}")


@CI
@given(st.binary(min_size=1, max_size=300), st.integers(1, 2**53 - 1), st.integers(0, 2**53 - 1))
def test_well_formed_envelopes_round_trip_through_json(ct: bytes, seq: int, ts: int) -> None:
    sealed = envelope.seal_envelope(
        SENDER.keys().current,
        id="0" * 32,
        sender=SENDER.name,
        recipient=RECEIVER.name,
        seq=seq,
        ts=ts,
        ciphertext=ct,
    )
    parsed = parse_envelope(json.loads(json.dumps(sealed)))
    assert (parsed.ciphertext, parsed.seq, parsed.ts) == (ct, seq, ts)
    assert parsed.signed_by(SENDER.card().signing_key)


class OutboxInbox(RuleBasedStateMachine):
    """A sends to B over a link that fails, loses answers and gets replayed; both restart.

    Whatever happens, B's inbox is a prefix of A's outbox in sequence order (nothing invented,
    duplicated or reordered), A calls delivered only what B has, and once the link is healthy
    everything arrives.
    """

    def __init__(self) -> None:
        super().__init__()
        self.root = scratch_dir()
        a, b = make_node(self.root, "EST-CERT"), make_node(self.root, "FIN-NCSC")
        befriend(a, b)
        self.link = Link.open(a, b, Clock(), Backoff(base=1.0, cap=8.0))

    @rule(count=st.integers(1, 40))
    def send(self, count: int) -> None:
        self.link.queue(count)

    @rule(up=st.booleans(), lose_answers=st.booleans())
    def weather(self, up: bool, lose_answers: bool) -> None:
        self.link.network.up, self.link.network.lose_answers = up, lose_answers

    @rule(seconds=st.floats(0.0, 20.0))
    def deliver(self, seconds: float) -> None:
        self.link.clock.now += seconds
        self.link.worker.step()

    @precondition(lambda self: self.link.network.processed)
    @rule(pick=st.integers(0, 10_000))
    def replay(self, pick: int) -> None:
        inbox = self.link.inbox_ids()
        seen = self.link.network.processed
        answer = self.link.network.receiver.handle("envelopes", seen[pick % len(seen)])
        results = answer.body["results"]
        assert all("error" in r for r in results), "a replayed batch changes nothing"
        assert self.link.inbox_ids() == inbox

    @rule()
    def restart(self) -> None:
        self.link.close()
        processed = self.link.network.processed
        self.link = Link.open(self.link.a, self.link.b, self.link.clock, self.link.worker.backoff)
        self.link.network.processed = processed

    @precondition(lambda self: self.link.inbox_ids())
    @rule(pick=st.integers(0, 10_000))
    def read(self, pick: int) -> None:
        inbox = self.link.inbox_ids()
        self.link.receiver.ack(inbox[pick % len(inbox)])

    @invariant()
    def inbox_is_an_ordered_prefix_of_the_outbox(self) -> None:
        inbox, outbox = self.link.inbox_ids(), self.link.outbox_ids()
        assert inbox == outbox[: len(inbox)]
        delivered = {m.id for m in self.link.sender.outbox() if m.status != "queued"}
        assert delivered <= set(inbox)

    def teardown(self) -> None:
        try:
            self.link.network.up, self.link.network.lose_answers = True, False
            for _ in range(50):
                self.link.clock.now += 10.0
                self.link.worker.step()
            assert self.link.inbox_ids() == self.link.outbox_ids()
            assert {m.status for m in self.link.sender.outbox()} <= {"delivered"}
        finally:
            self.link.close()
            shutil.rmtree(self.root, ignore_errors=True)


TestOutboxInbox = OutboxInbox.TestCase
TestOutboxInbox.settings = settings(CI, max_examples=20, stateful_step_count=25)
