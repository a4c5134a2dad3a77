"""Recompute every ID-number hash after SECRET_KEY changed, so duplicate detection keeps working."""

from django.core.management.base import BaseCommand
from django.db import transaction

from audit.services import record
from beneficiaries.id_numbers import id_number_hash
from beneficiaries.models import Beneficiary


class Command(BaseCommand):
    help = "密钥（SECRET_KEY）更换后，重新计算全部受益对象的身份证号摘要。"

    def handle(self, *args, **options):
        changed = []
        with transaction.atomic():
            for entry in Beneficiary.objects.only("pk", "id_number", "id_hash").iterator(chunk_size=2000):
                new_hash = id_number_hash(entry.id_number)
                if new_hash != entry.id_hash:
                    entry.id_hash = new_hash
                    changed.append(entry)
            # bulk_update writes no history rows: the hash is an index, not a change to the person.
            Beneficiary.objects.bulk_update(changed, ["id_hash"], batch_size=1000)
            record(event="beneficiary.rehash", username="manage.py", detail={"count": len(changed)})
        self.stdout.write(f"已重新计算{len(changed)}条身份证号摘要。")
