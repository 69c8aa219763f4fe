"""Schema and content checks every training batch must pass before it is used."""

import pandera as pa

REVIEWS = pa.DataFrameSchema(
    {
        "review_id": pa.Column(str, unique=True),
        "text": pa.Column(str, pa.Check.str_length(1, 5000)),
        "label": pa.Column(int, pa.Check.isin([0, 1])),
    },
    strict=True,
)


def validate(frame):
    """Return the frame if it passes the schema; raise pandera.errors.SchemaErrors otherwise."""
    return REVIEWS.validate(frame, lazy=True)
