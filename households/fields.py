"""A text field stored encrypted (households.crypto): the database column only ever holds
Fernet tokens; Python code sees the plaintext."""

from django.db import models

from households import crypto


class EncryptedTextField(models.TextField):
    """Encrypted at rest. Not searchable or sortable in the database, by design: look
    households up by their keyed hashes (`phone_hash`, `address_hash`)."""

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value) if value else ""

    def to_python(self, value):
        return value or ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return crypto.encrypt(value) if value else ""
