"""Generated from the models on 2026-11-21; never edit once applied."""

from peewee import *


def up(migrator, db):
    class Event(Model):
        class Meta:
            database = db
            table_name = "event"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Registration(Model):
        event = ForeignKeyField(Event, on_delete="CASCADE")
        user = ForeignKeyField(User, null=True, on_delete="CASCADE")
        state = CharField(index=True, max_length=10)
        salutation = CharField(max_length=2, default="")
        academic_title = CharField(max_length=50, default="")
        first_name = CharField(max_length=100)
        last_name = CharField(max_length=100)
        organisation = CharField(max_length=200)
        organisation_type = CharField(max_length=21)
        function = CharField(max_length=200, default="")
        federal_state = CharField(max_length=2)
        email = CharField(max_length=254)
        phone = CharField(max_length=60, default="")
        days = CharField(max_length=400, default="")
        evening = BooleanField(null=True)
        sensitive_consent_at = DateTimeField(null=True)
        dietary_needs = TextField(default="")
        accessibility_needs = TextField(default="")
        sensitive_erased_at = DateTimeField(null=True)
        wants_reimbursement = BooleanField(default=False)
        privacy_accepted_at = DateTimeField()
        participant_list_consent_at = DateTimeField(null=True)
        photo_consent_at = DateTimeField(null=True)
        is_late = BooleanField(default=False)
        decision_message = TextField(default="")
        decided_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        updated_at = DateTimeField()
        waitlisted_at = DateTimeField(null=True)
        cancelled_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "registration"
            indexes = ((("event", "user"), True), (("event", "state", "waitlisted_at"), False))

    db.create_tables([Registration])

    class RegistrationSettings(Model):
        event = ForeignKeyField(Event, unique=True, on_delete="CASCADE")
        capacity = IntegerField(null=True)
        taken = IntegerField(default=0)
        needs_approval = BooleanField(default=False)
        ask_evening = BooleanField(default=True)
        ask_dietary = BooleanField(default=True)
        ask_accessibility = BooleanField(default=True)
        ask_reimbursement = BooleanField(default=True)
        ask_photo_consent = BooleanField(default=True)
        ask_participant_list = BooleanField(default=True)
        reimbursement_types = CharField(max_length=200, default="municipality,district")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "registration_settings"

    db.create_tables([RegistrationSettings])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("registration_settings"))
    migrator.migrate(migrator.drop_table("registration"))
