"""The base of every API and queue model."""

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Its validator and serializer are built the first time a model is used, not at import: a function pays only
    for the models its requests use (building all of them at import was most of the schemas' cold start)."""

    model_config = ConfigDict(defer_build=True)
