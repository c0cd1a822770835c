import os
import time

from billing.domain.calendar import timestamp
from billing.domain.ids import has_prefix, new_id
from billing.domain.modes import Mode


def test_ids_are_prefixed_unique_and_time_ordered():
    first = new_id("cus")
    time.sleep(0.002)
    later = [new_id("cus") for _ in range(500)]
    assert has_prefix(first, "cus") and len(first) == 30
    assert len(set(later)) == 500
    assert all(first < other for other in later)
    assert not has_prefix(first, "inv")
    assert not has_prefix("cus_short", "cus")


def test_mode_of_key():
    assert Mode.of_key("sk_test_abc") is Mode.TEST
    assert Mode.of_key("sk_live_abc") is Mode.LIVE
    assert Mode.of_key("pk_test_abc") is None
    assert Mode.TEST.arca_environment == "homologation"
    assert Mode.LIVE.arca_environment == "production"


def test_timestamps_carry_the_argentine_offset():
    assert timestamp().endswith("-03:00")


def test_ids_made_in_the_same_millisecond_keep_their_order():
    ids = [new_id("inv") for _ in range(2000)]
    assert ids == sorted(ids) and len(set(ids)) == 2000


def test_a_forked_process_does_not_make_its_parents_ids():
    def random_part(made: str) -> str:  # the 80 random bits, apart from the milliseconds
        return made[-16:]

    new_id("inv")  # the parent holds random bytes drawn ahead and a last id
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through the pipe)
        time.sleep(0.002)
        os.write(writer, new_id("inv").encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        made_by_child = pipe.read()
    os.waitpid(child, 0)
    time.sleep(0.002)
    made_by_parent = new_id("inv")
    assert has_prefix(made_by_child, "inv") and random_part(made_by_child) != random_part(made_by_parent)
