"""Fixtures for the API tests."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.desk import Desk


@pytest.fixture()
def desk(app: Flask, client: FlaskClient, db: Session) -> Desk:
    return Desk(app, client, db)
