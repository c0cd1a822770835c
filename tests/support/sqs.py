"""SQS reads shared by the tests."""


def queue_counts(sqs, url: str) -> dict[str, str]:
    """A queue's approximate counts: visible, in flight, delayed."""
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
