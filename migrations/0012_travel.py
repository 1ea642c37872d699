"""Generated from the models on 2026-11-21; never edit once applied."""

from peewee import *


def up(migrator, db):
    class Event(Model):
        class Meta:
            database = db
            table_name = "event"

    class Registration(Model):
        class Meta:
            database = db
            table_name = "registration"

    class StoredFile(Model):
        class Meta:
            database = db
            table_name = "stored_file"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class PaymentExport(Model):
        event = ForeignKeyField(Event)
        message_id = CharField(unique=True, max_length=35)
        execution_date = DateField()
        claim_count = IntegerField()
        total_cents = IntegerField()
        sepa_encrypted = TextField()
        created_at = DateTimeField()
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        paid_at = DateTimeField(null=True)
        paid_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        cancelled_at = DateTimeField(null=True)
        cancelled_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "payment_export"

    db.create_tables([PaymentExport])

    class TravelClaim(Model):
        registration = ForeignKeyField(Registration, unique=True)
        event = ForeignKeyField(Event)
        user = ForeignKeyField(User)
        state = CharField(index=True, max_length=15, default="draft")
        origin = CharField(max_length=200, default="")
        destination = CharField(max_length=200, default="")
        departs_on = DateField(null=True)
        returns_on = DateField(null=True)
        account_holder = CharField(max_length=70, default="")
        iban_encrypted = TextField(default="")
        iban_masked = CharField(max_length=60, default="")
        bic = CharField(max_length=11, default="")
        total_cents = IntegerField(default=0)
        approved_cents = IntegerField(null=True)
        question = TextField(default="")
        answer = TextField(default="")
        decision_note = TextField(default="")
        declared_at = DateTimeField(null=True)
        submitted_at = DateTimeField(null=True)
        first_approver = ForeignKeyField(User, null=True, on_delete="SET NULL")
        first_approved_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        decided_at = DateTimeField(null=True)
        export = ForeignKeyField(PaymentExport, null=True, on_delete="SET NULL")
        paid_at = DateTimeField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "travel_claim"
            indexes = ((("event", "state"), False),)

    db.create_tables([TravelClaim])

    class ClaimItem(Model):
        claim = ForeignKeyField(TravelClaim, on_delete="CASCADE")
        kind = CharField(max_length=6)
        spent_on = DateField()
        description = CharField(max_length=200, default="")
        amount_cents = IntegerField()
        rail_class = CharField(null=True, max_length=6)
        kilometres = IntegerField(null=True)
        car_rate_cents = IntegerField(null=True)
        nights = IntegerField(null=True)
        reason = TextField(default="")
        approved_cents = IntegerField(null=True)
        review_note = TextField(default="")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "claim_item"

    db.create_tables([ClaimItem])

    class ClaimReceipt(Model):
        item = ForeignKeyField(ClaimItem, on_delete="CASCADE")
        file = ForeignKeyField(StoredFile, unique=True, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "claim_receipt"

    db.create_tables([ClaimReceipt])

    class ClaimSettings(Model):
        event = ForeignKeyField(Event, unique=True, on_delete="CASCADE")
        car_rate_cents = IntegerField(default=20)
        car_cap_cents = IntegerField(default=13000)
        hotel_night_cents = IntegerField(default=7000)
        second_approval_cents = IntegerField(null=True)
        debtor_name = CharField(max_length=70, default="")
        debtor_iban = CharField(max_length=34, default="")
        debtor_bic = CharField(max_length=11, default="")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "claim_settings"

    db.create_tables([ClaimSettings])

    class PaymentExportLine(Model):
        export = ForeignKeyField(PaymentExport, on_delete="CASCADE")
        claim = ForeignKeyField(TravelClaim)
        amount_cents = IntegerField()
        end_to_end_id = CharField(max_length=35)

        class Meta:
            database = db
            table_name = "payment_export_line"
            indexes = ((("export", "claim"), True),)

    db.create_tables([PaymentExportLine])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("payment_export_line"))
    migrator.migrate(migrator.drop_table("claim_settings"))
    migrator.migrate(migrator.drop_table("claim_receipt"))
    migrator.migrate(migrator.drop_table("claim_item"))
    migrator.migrate(migrator.drop_table("travel_claim"))
    migrator.migrate(migrator.drop_table("payment_export"))
