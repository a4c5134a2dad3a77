import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.services import record

pytestmark = pytest.mark.django_db


def test_it_records_who_did_what(django_user_model, rf):
    user = django_user_model.objects.create_user("auditor-test")
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    request.user = user
    event = record(event="export", request=request, detail={"rows": 3})
    assert (event.username, event.client_address, event.event, event.detail) == (
        "auditor-test",
        "10.1.2.3",
        "export",
        {"rows": 3},
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)
def test_it_refuses_to_change_an_audit_row_on_postgresql():
    event = record(event="login", username="someone")
    with pytest.raises(DatabaseError, match="不可修改"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(event="tampered")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)
def test_it_refuses_to_delete_a_young_audit_row_on_postgresql():
    event = record(event="login", username="someone")
    with pytest.raises(DatabaseError, match="不足180天"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()
