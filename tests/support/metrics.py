"""The CloudWatch metrics a function printed (Powertools writes them to stdout in the embedded metric format)."""

import json


def emitted_metrics(output: str) -> dict[str, float]:
    """The CloudWatch metrics (EMF records) a function printed, by name."""
    found = {}
    for line in output.splitlines():
        if '"_aws"' in line:
            record = json.loads(line)
            for directive in record["_aws"]["CloudWatchMetrics"]:
                for metric in directive["Metrics"]:
                    value = record[metric["Name"]]  # a list when a name was added more than once
                    found[metric["Name"]] = sum(value) if isinstance(value, list) else value
    return found
