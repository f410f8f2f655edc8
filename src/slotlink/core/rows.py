"""A new model row written with one INSERT of its own, for the rows a booking writes under
its host's lock (its history entry; with Zoom, its meeting and the meeting's link to it).

`save()` of a new row builds its INSERT with the ORM's compiler each time: about 300 Python
calls for a history entry and 650 for a Zoom meeting, while other bookings of the host
wait (docs/benchmarks.md, issue 20). This writes the same row: the same columns, each
value through its field's own `pre_save` and `get_db_prep_save` as the compiler does, the
statement kept per model and database vendor. tests/core/test_rows.py compares rows made
both ways. A model this can't write the same way (a save() of its own, signal receivers,
database defaults, inheritance, a primary key set already) is saved as ever.
"""

from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model
from django.db.models.fields import NOT_PROVIDED
from django.db.models.signals import post_save, pre_save

# (model, vendor) -> (fields written, INSERT ... RETURNING pk); None: save() instead.
_statements: dict[tuple[type[Model], str], tuple[list[Any], str] | None] = {}


def row_insert(instance: Model) -> None:
    """Write the unsaved `instance` as `instance.save()` does, and set its primary key."""
    model = type(instance)
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    key = (model, connection.vendor)
    if key not in _statements:
        _statements[key] = _statement(model, connection)
    statement = _statements[key]
    if (
        statement is None
        or instance.pk is not None
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
    ):
        instance.save(using=alias)
        return
    fields, sql = statement
    # save()'s own check: a related object unsaved is an error, not a NULL written.
    instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    values = [field.pre_save(instance, True) for field in fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        instance.save(using=alias)  # an expression (F(), a function) is the compiler's
        return
    values = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values, strict=True)
    ]
    with transaction.mark_for_rollback_on_error(using=alias), connection.cursor() as cursor:
        cursor.execute(sql, values)
        (pk,) = cursor.fetchone()
    setattr(instance, model._meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = alias


def _statement(model: type[Model], connection: Any) -> tuple[list[Any], str] | None:
    meta = model._meta
    if (
        model.save is not Model.save
        or meta.parents
        or meta.auto_field is None
        or meta.pk is not meta.auto_field
        or not connection.features.can_return_columns_from_insert
        or meta.db_returning_fields != [meta.auto_field]
    ):
        return None
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    if not fields or any(
        field.db_default is not NOT_PROVIDED or field.generated for field in fields
    ):
        return None
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        f" RETURNING {quote(meta.pk.column)}"
    )
    return fields, sql
