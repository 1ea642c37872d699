"""Generated from the models on 2026-11-21; never edit once applied."""

from peewee import *


def up(migrator, db):
    class Event(Model):
        class Meta:
            database = db
            table_name = "event"

    class Session(Model):
        class Meta:
            database = db
            table_name = "session"

    class StoredFile(Model):
        class Meta:
            database = db
            table_name = "stored_file"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class BoothPlace(Model):
        event = ForeignKeyField(Event, on_delete="CASCADE")
        number = IntegerField()
        label = CharField(max_length=80, default="")
        x = IntegerField()
        y = IntegerField()
        width = IntegerField(default=1)
        height = IntegerField(default=1)
        has_power = BooleanField(default=False)

        class Meta:
            database = db
            table_name = "booth_place"
            indexes = ((("event", "number"), True),)

    db.create_tables([BoothPlace])

    class Booth(Model):
        event = ForeignKeyField(Event, on_delete="CASCADE")
        owner = ForeignKeyField(User, on_delete="CASCADE")
        state = CharField(index=True, max_length=10, default="submitted")
        organisation = CharField(max_length=200)
        organisation_key = CharField(index=True, max_length=200)
        organisation_type = CharField(max_length=21)
        federal_state = CharField(max_length=2)
        contact_name = CharField(max_length=200)
        contact_email = CharField(max_length=254)
        contact_phone = CharField(max_length=60, default="")
        topic = CharField(max_length=200)
        description = TextField(default="")
        session = ForeignKeyField(Session, null=True, on_delete="SET NULL")
        tables = IntegerField(default=0)
        chairs = IntegerField(default=0)
        needs_power = BooleanField(default=False)
        poster_walls = IntegerField(default=0)
        needs_network = BooleanField(default=False)
        floor_space = IntegerField(null=True)
        setup_at = DateTimeField()
        teardown_at = DateTimeField()
        staff_privacy_confirmed_at = DateTimeField(null=True)
        logo = ForeignKeyField(StoredFile, null=True, on_delete="SET NULL")
        flyer = ForeignKeyField(StoredFile, null=True, on_delete="SET NULL")
        place = ForeignKeyField(BoothPlace, unique=True, null=True)
        decision_message = TextField(default="")
        decided_at = DateTimeField(null=True)
        decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "booth"
            indexes = ((("event", "owner", "organisation_key"), True),)

    db.create_tables([Booth])

    class BoothStaff(Model):
        booth = ForeignKeyField(Booth, on_delete="CASCADE")
        first_name = CharField(max_length=100)
        last_name = CharField(max_length=100)
        email = CharField(max_length=254)
        position = IntegerField(default=0)
        registered_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "booth_staff"
            indexes = ((("booth", "email"), True),)

    db.create_tables([BoothStaff])

    class ExhibitionSettings(Model):
        event = ForeignKeyField(Event, unique=True, on_delete="CASCADE")
        places = IntegerField(default=0)
        approved = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "exhibition_settings"

    db.create_tables([ExhibitionSettings])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("exhibition_settings"))
    migrator.migrate(migrator.drop_table("booth_staff"))
    migrator.migrate(migrator.drop_table("booth"))
    migrator.migrate(migrator.drop_table("booth_place"))
