"""The ledger never lies because nobody can rewrite it: not the ORM, not raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from inventory.models import StockMovement


def test_a_movement_cannot_be_saved_again_or_deleted_through_the_model(receive):
    receive(10)
    movement = StockMovement.objects.get()
    movement.quantity = 1_000
    with pytest.raises(ValueError, match="append-only"):
        movement.save()
    with pytest.raises(ValueError, match="append-only"):
        movement.delete()
    assert StockMovement.objects.get().quantity == 10


def test_the_database_refuses_update_and_delete(receive):
    receive(10)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        StockMovement.objects.update(quantity=1_000)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        StockMovement.objects.all().delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE inventory_stockmovement SET quantity = 0")
    assert list(StockMovement.objects.values_list("quantity", flat=True)) == [10]
