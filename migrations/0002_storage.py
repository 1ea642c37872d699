"""Generated from the models on 2026-11-21; never edit once applied."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class StoredFile(Model):
        area = CharField(max_length=40)
        owner = ForeignKeyField(User, on_delete="CASCADE")
        path = CharField(unique=True, max_length=300)
        original_name = CharField()
        content_type = CharField(max_length=120)
        size = IntegerField()
        sha256 = CharField(max_length=64)
        uploaded_at = DateTimeField()

        class Meta:
            database = db
            table_name = "stored_file"

    db.create_tables([StoredFile])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("stored_file"))
