"""Pydantic models of the API: they validate requests and describe responses in OpenAPI."""
