"""The admin page's forms. The rules (email format, password length, expiry bounds, label
length, the last active admin) are the user administration service's (``app.workflow.users``);
these forms carry the CSRF token, parse numbers, and bound the name to its column (the service
leaves that to its callers)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.models import Role

ROLE_NAMES = {Role.FACT_CHECKER: "fact-checker", Role.EDITOR: "editor", Role.ADMIN: "admin"}


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, ROLE_NAMES[role]) for role in Role]


class NewUserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired()])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", choices=role_choices(), validators=[InputRequired()])
    password = PasswordField(
        "Password",
        validators=[Optional()],
        description="optional; without one: API only",
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=role_choices(), validators=[InputRequired()])


class TokenForm(FlaskForm):
    label = StringField("Token label", validators=[Optional()])
    expires_days = IntegerField(
        "Expires after (days)",
        validators=[Optional()],
        description="optional: empty means it never expires",
    )
