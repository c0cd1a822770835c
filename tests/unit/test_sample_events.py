"""events/ holds a sample event for every function of the template (named after its code directory)."""

import json
from pathlib import Path

from local.template import load_stack

EVENTS = Path(__file__).resolve().parents[2] / "events"


def test_every_function_has_a_sample_event():
    for function in load_stack().functions.values():
        prefix = function.code_dir.name.replace("_", "-")
        samples = sorted(EVENTS.glob(f"{prefix}-*.json"))
        assert samples, f"no events/{prefix}-*.json for {function.logical_id}"
        for sample in samples:
            assert isinstance(json.loads(sample.read_text()), dict)
