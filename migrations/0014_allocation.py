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

    class Session(Model):
        class Meta:
            database = db
            table_name = "session"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class AllocationRun(Model):
        event = ForeignKeyField(Event, on_delete="CASCADE")
        number = IntegerField()
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        status = CharField(max_length=10, default="dry-run")
        objective = IntegerField()
        rank_profile = TextField(default="{}")
        input_hash = CharField(max_length=64)
        attendee_count = IntegerField(default=0)
        attendee_ids = TextField(default="")
        municipal_priority = BooleanField(default=False)
        priority_weight = IntegerField(default=1)
        override_reason = TextField(default="")
        published_at = DateTimeField(null=True)
        published_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "allocation_run"
            indexes = ((("event", "number"), True),)

    db.create_tables([AllocationRun])

    class AllocationSettings(Model):
        event = ForeignKeyField(Event, unique=True, on_delete="CASCADE")
        municipal_priority = BooleanField(default=False)
        priority_weight = IntegerField(default=2)
        offer_hours = IntegerField(default=48)
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "allocation_settings"

    db.create_tables([AllocationSettings])

    class Assignment(Model):
        run = ForeignKeyField(AllocationRun, on_delete="CASCADE")
        registration = ForeignKeyField(Registration, on_delete="CASCADE")
        session = ForeignKeyField(Session, on_delete="CASCADE")
        slot_key = CharField(max_length=20)
        rank = IntegerField(null=True)
        table_number = IntegerField(null=True)
        source = CharField(max_length=10, default="solver")
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "assignment"
            indexes = ((("run", "registration", "slot_key"), True), (("run", "session"), False))

    db.create_tables([Assignment])

    class GameTable(Model):
        run = ForeignKeyField(AllocationRun, on_delete="CASCADE")
        session = ForeignKeyField(Session, on_delete="CASCADE")
        number = IntegerField()
        moderator = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "game_table"
            indexes = ((("run", "session", "number"), True),)

    db.create_tables([GameTable])

    class Pin(Model):
        event = ForeignKeyField(Event, on_delete="CASCADE")
        registration = ForeignKeyField(Registration, on_delete="CASCADE")
        session = ForeignKeyField(Session, on_delete="CASCADE")
        kind = CharField(max_length=6)
        created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "pin"
            indexes = ((("registration", "session"), True),)

    db.create_tables([Pin])

    class SeatOffer(Model):
        run = ForeignKeyField(AllocationRun, on_delete="CASCADE")
        session = ForeignKeyField(Session, on_delete="CASCADE")
        registration = ForeignKeyField(Registration, on_delete="CASCADE")
        slot_key = CharField(max_length=20)
        nonce = CharField(max_length=64)
        state = CharField(index=True, max_length=8, default="offered")
        created_at = DateTimeField()
        expires_at = DateTimeField()
        decided_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "seat_offer"
            indexes = ((("run", "session", "registration"), True),)

    db.create_tables([SeatOffer])

    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS "allocation_run_one_published" ON "allocation_run" ("event_id") WHERE "status" = \'published\''
    )
    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS "game_table_one_per_moderator" ON "game_table" ("run_id", "moderator_id") WHERE "moderator_id" IS NOT NULL'
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_table("seat_offer"))
    migrator.migrate(migrator.drop_table("pin"))
    migrator.migrate(migrator.drop_table("game_table"))
    migrator.migrate(migrator.drop_table("assignment"))
    migrator.migrate(migrator.drop_table("allocation_settings"))
    migrator.migrate(migrator.drop_table("allocation_run"))
