"""The pages' forms (Flask-WTF: every POST form carries a CSRF token).

Labels here are the accessible names the pages promise (the web UI issue lists them): a
screen reader user, and the browser tests, find each control by them.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional

from app.models import Stance
from app.workflow.notes import MAX_NOTE_LENGTH

MAX_TITLE = 500
MAX_URL = 2048


class VersionedForm(FlaskForm):
    """A write to a claim names the version it was made against (the page's If-Match)."""

    version = HiddenField()


class IngestForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=MAX_TITLE)])
    url = URLField(
        "Article URL", validators=[Optional(), URL(require_tld=False), Length(max=MAX_URL)]
    )
    published_at = DateField("Published on", validators=[Optional()])
    text = TextAreaField("Text", validators=[Optional()])
    file = FileField(
        "Or upload a file (.txt)",
        validators=[FileAllowed(["txt", "text", "md"], "Upload a plain text file (.txt).")],
    )


class EvidenceForm(FlaskForm):
    url = URLField("Source URL", validators=[DataRequired(), Length(max=MAX_URL)])
    stance = SelectField(
        "Stance",
        choices=[SelectChoice(s.value) for s in Stance],
        default=Stance.SUPPORTS.value,
        validators=[InputRequired()],
    )
    quote = TextAreaField(
        "Quote", validators=[Optional(), Length(max=5000)], description="optional"
    )


class VerdictForm(VersionedForm):
    rating = SelectField("Rating", validators=[InputRequired()])
    rationale = TextAreaField("Summary", validators=[DataRequired(), Length(max=20_000)])


class ApproveForm(VersionedForm):
    note = TextAreaField("Note for the record", validators=[Optional(), Length(max=5000)])


class RejectForm(VersionedForm):
    note = TextAreaField("Why reject it", validators=[DataRequired(), Length(max=5000)])
    close = BooleanField("Close the claim (no verdict for it)")


class CorrectionForm(VersionedForm):
    """A correction of the published verdict: a proposal another editor approves."""

    rating = SelectField("Rating", validators=[InputRequired()])
    rationale = TextAreaField("Summary", validators=[DataRequired(), Length(max=20_000)])
    correction_note = TextAreaField(
        "Correction note", validators=[DataRequired(), Length(max=5000)]
    )


class ClosingForm(VersionedForm):
    """Withdraw or reopen a claim: the note goes to the claim's history."""

    note = TextAreaField("Note for the record", validators=[Optional(), Length(max=5000)])


class EditForm(VersionedForm):
    text = TextAreaField("Wording", validators=[DataRequired(), Length(max=5000)])
    speaker = StringField("Speaker", validators=[Optional(), Length(max=300)])
    tags = StringField("Tags", validators=[Optional(), Length(max=1000)])


class LeaseForm(VersionedForm):
    pass


class AssignForm(VersionedForm):
    user_id = SelectField("Assign to", validators=[Optional()])


class NoteForm(FlaskForm):
    body = TextAreaField("Add a note", validators=[DataRequired(), Length(max=MAX_NOTE_LENGTH)])


class BulkForm(FlaskForm):
    """The queue's selection: which claims, and one of assign / tag / export."""

    # The views check these against the desk's users and formats themselves.
    assignee = SelectField("Assignee", validators=[Optional()], validate_choice=False)
    tag = StringField("Tag", validators=[Optional(), Length(max=100)])
    export_format = SelectField("Format", validators=[Optional()], validate_choice=False)


def first_error(form: FlaskForm) -> str:
    """The first problem of a form that did not validate, named by its field's label."""
    for name, messages in form.errors.items():
        field = getattr(form, name, None)
        label = field.label.text if field is not None and hasattr(field, "label") else name
        return f"{label}: {messages[0]}"
    return "The form is not complete."


def split_tags(raw: str | None) -> list[str]:
    """``"health, Budget ,health"`` -> ``["health", "Budget"]``: comma-separated, deduplicated."""
    seen: dict[str, None] = {}
    for part in (raw or "").split(","):
        tag = " ".join(part.split())
        if tag:
            seen.setdefault(tag[:100], None)
    return list(seen)


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
