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

    class SpeakerInvitation(Model):
        event = ForeignKeyField(Event, on_delete="CASCADE")
        email = CharField(index=True, max_length=254)
        name = CharField(max_length=200)
        message = TextField(default="")
        nonce = CharField(max_length=64)
        status = CharField(index=True, max_length=8, default="invited")
        user = ForeignKeyField(User, null=True, on_delete="SET NULL")
        invited_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        sent_at = DateTimeField()
        reminder_count = IntegerField(default=0)
        answered_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "speaker_invitation"

    db.create_tables([SpeakerInvitation])

    class SessionSpeaker(Model):
        invitation = ForeignKeyField(SpeakerInvitation, on_delete="CASCADE")
        session = ForeignKeyField(Session)
        role = CharField(max_length=10)
        uploads_reopened = BooleanField(default=False)
        share_slides = BooleanField(default=False)
        slides_published_at = DateTimeField(null=True)
        slides_reminded_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "session_speaker"
            indexes = ((("invitation", "session"), True),)

    db.create_tables([SessionSpeaker])

    class SlideVersion(Model):
        assignment = ForeignKeyField(SessionSpeaker, on_delete="CASCADE")
        number = IntegerField()
        file = ForeignKeyField(StoredFile, unique=True, on_delete="CASCADE")
        uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        uploaded_at = DateTimeField()

        class Meta:
            database = db
            table_name = "slide_version"
            indexes = ((("assignment", "number"), True),)

    db.create_tables([SlideVersion])

    class SpeakerProfile(Model):
        user = ForeignKeyField(User, unique=True, on_delete="CASCADE")
        academic_title = CharField(max_length=50, default="")
        given_name = CharField(max_length=100, default="")
        family_name = CharField(max_length=100, default="")
        position = CharField(max_length=200, default="")
        organisation = CharField(max_length=200, default="")
        bio = TextField(default="")
        photo = ForeignKeyField(StoredFile, null=True, on_delete="SET NULL")
        show_public = BooleanField(default=False)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "speaker_profile"

    db.create_tables([SpeakerProfile])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("speaker_profile"))
    migrator.migrate(migrator.drop_table("slide_version"))
    migrator.migrate(migrator.drop_table("session_speaker"))
    migrator.migrate(migrator.drop_table("speaker_invitation"))
