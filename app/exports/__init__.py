"""Exports of the verified claim set: ClaimReview JSON-LD, CSV, JSON Lines, a WARC package."""
