"""Generated from the models on 2026-11-21; never edit once applied."""

from peewee import *


def up(migrator, db):
    class User(Model):
        email = CharField(unique=True, max_length=254)
        name = CharField(max_length=200)
        password_hash = CharField()
        email_confirmed_at = DateTimeField(null=True)
        pending_email = CharField(null=True, max_length=254)
        session_version = IntegerField(default=1)
        is_active = BooleanField(default=True)
        created_at = DateTimeField()
        last_login_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "user"

    db.create_tables([User])

    class AuditEntry(Model):
        at = DateTimeField(index=True)
        actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
        action = CharField(max_length=80)
        object_type = CharField(max_length=40)
        object_id = IntegerField(null=True)
        details = TextField(default="{}")

        class Meta:
            database = db
            table_name = "audit_entry"
            indexes = ((("object_type", "object_id"), False),)

    db.create_tables([AuditEntry])

    class Event(Model):
        slug = CharField(unique=True, max_length=80)
        title = CharField(max_length=200)
        motto = CharField(max_length=200, default="")
        starts_on = DateField()
        ends_on = DateField()
        venue = CharField(max_length=200, default="")
        address = CharField(max_length=300, default="")
        description = TextField(default="")
        contact_name = CharField(max_length=200, default="")
        contact_email = CharField(max_length=254, default="")
        contact_phone = CharField(max_length=60, default="")
        service_hours = CharField(max_length=200, default="")
        registration_opens_at = DateTimeField(null=True)
        status = CharField(max_length=9, default="draft")
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "event"

    db.create_tables([Event])

    class Deadline(Model):
        event = ForeignKeyField(Event, on_delete="CASCADE")
        kind = CharField(max_length=12)
        due_at = DateTimeField()
        original_due_at = DateTimeField()

        class Meta:
            database = db
            table_name = "deadline"
            indexes = ((("event", "kind"), True),)

    db.create_tables([Deadline])

    class DeadlineChange(Model):
        deadline = ForeignKeyField(Deadline, on_delete="CASCADE")
        previous_due_at = DateTimeField()
        new_due_at = DateTimeField()
        changed_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        changed_at = DateTimeField()

        class Meta:
            database = db
            table_name = "deadline_change"

    db.create_tables([DeadlineChange])

    class LoginFailure(Model):
        key = CharField(index=True, max_length=80)
        at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "login_failure"

    db.create_tables([LoginFailure])

    class OutboxMail(Model):
        to_addr = CharField(max_length=254)
        subject = CharField(max_length=300)
        body_text = TextField()
        body_html = TextField()
        message_id = CharField(unique=True, max_length=200)
        status = CharField(index=True, max_length=7, default="pending")
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(index=True)
        last_error = CharField(max_length=300, default="")
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "outbox_mail"

    db.create_tables([OutboxMail])

    class OutboxAttachment(Model):
        mail = ForeignKeyField(OutboxMail, on_delete="CASCADE")
        filename = CharField(max_length=200)
        content_type = CharField(max_length=100)
        content = BlobField()

        class Meta:
            database = db
            table_name = "outbox_attachment"

    db.create_tables([OutboxAttachment])

    class RoleGrant(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        role = CharField(max_length=9)
        granted_at = DateTimeField()
        granted_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        event = ForeignKeyField(Event, null=True, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "role_grant"
            indexes = ((("user", "role", "event"), True),)

    db.create_tables([RoleGrant])

    class Session(Model):
        event = ForeignKeyField(Event, on_delete="CASCADE")
        code = CharField(null=True, max_length=20)
        kind = CharField(max_length=8)
        title = CharField(max_length=300)
        description = TextField(default="")
        starts_at = DateTimeField()
        ends_at = DateTimeField()
        room = CharField(max_length=120, default="")
        capacity = IntegerField(null=True)
        is_breakout = BooleanField(default=False)
        requires = ForeignKeyField("self", null=True, on_delete="SET NULL")
        table_size = IntegerField(null=True)
        presenters = TextField(default="")
        assumptions = TextField(default="")

        class Meta:
            database = db
            table_name = "session"
            indexes = ((("event", "code"), True), (("event", "starts_at"), False))

    db.create_tables([Session])

    db.execute_sql(
        'CREATE UNIQUE INDEX IF NOT EXISTS "role_grant_global" ON "role_grant" ("user_id", "role") WHERE "event_id" IS NULL'
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_table("session"))
    migrator.migrate(migrator.drop_table("role_grant"))
    migrator.migrate(migrator.drop_table("outbox_attachment"))
    migrator.migrate(migrator.drop_table("outbox_mail"))
    migrator.migrate(migrator.drop_table("login_failure"))
    migrator.migrate(migrator.drop_table("deadline_change"))
    migrator.migrate(migrator.drop_table("deadline"))
    migrator.migrate(migrator.drop_table("event"))
    migrator.migrate(migrator.drop_table("audit_entry"))
    migrator.migrate(migrator.drop_table("user"))
