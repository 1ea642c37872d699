"""Generated from the models on 2026-11-21; never edit once applied."""

from peewee import *


def up(migrator, db):
    class Registration(Model):
        class Meta:
            database = db
            table_name = "registration"

    class Session(Model):
        class Meta:
            database = db
            table_name = "session"

    class Preference(Model):
        registration = ForeignKeyField(Registration, on_delete="CASCADE")
        session = ForeignKeyField(Session)
        slot_key = CharField(max_length=20)
        rank = IntegerField()

        class Meta:
            database = db
            table_name = "preference"
            indexes = (
                (("registration", "session"), True),
                (("registration", "slot_key", "rank"), True),
                (("session", "rank"), False),
            )

    db.create_tables([Preference])

    class Ranking(Model):
        registration = ForeignKeyField(Registration, unique=True, on_delete="CASCADE")
        version = IntegerField(default=0)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "ranking"

    db.create_tables([Ranking])

    class SlotOptOut(Model):
        registration = ForeignKeyField(Registration, on_delete="CASCADE")
        slot_key = CharField(max_length=20)

        class Meta:
            database = db
            table_name = "slot_opt_out"
            indexes = ((("registration", "slot_key"), True),)

    db.create_tables([SlotOptOut])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("slot_opt_out"))
    migrator.migrate(migrator.drop_table("ranking"))
    migrator.migrate(migrator.drop_table("preference"))
