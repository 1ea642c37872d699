"""Migrations: peewee's runner over migrations/, and a generator for new files."""

import re
from datetime import date

from peewee import ModelIndex, SqliteDatabase
from playhouse.migrations import Runner, template
from playhouse.schema_diff import diff_models

from portal.config import ROOT

MIGRATIONS = ROOT / "migrations"


def runner(database) -> Runner:
    return Runner(database, str(MIGRATIONS))


def pending_diff(database=None, modules=None):
    """Diff between the models (of `modules`, default all) and every migration applied."""
    from portal.extensions import db
    from portal.models import ALL_MODELS, collect_models

    models = collect_models(modules) if modules else ALL_MODELS

    scratch = database or SqliteDatabase(":memory:", pragmas={"foreign_keys": 1})
    previous = db.obj
    db.initialize(scratch)
    try:
        runner(scratch).up()
        return diff_models(scratch, models)
    finally:
        db.initialize(previous)


def _partial_index_sql(diff) -> list[str]:
    """SQL for index objects (partial indexes) that peewee's template leaves to us."""
    models = list(diff.create_tables)
    wanted = {idx.name for idx in diff.add_indexes if idx.columns is None}
    models += [_model_for(idx.table) for idx in diff.add_indexes if idx.columns is None]
    sql = []
    for model in dict.fromkeys(models):
        for index in model._meta.indexes:
            if isinstance(index, ModelIndex) and (
                model in diff.create_tables or index._name in wanted
            ):
                sql.append(model._schema._create_index(index, safe=True).query()[0])
    return sql


def _model_for(table):
    from portal.models import ALL_MODELS

    return next(m for m in ALL_MODELS if m._meta.table_name == table)


def render_migration(diff) -> str:
    """peewee's template, made self-contained: no portal imports, no TODO noise."""
    body = template(diff)
    body = body.replace("from portal.db import EnumField\n", "")
    body = body.replace("EnumField(", "CharField(")
    body = re.sub(r"^# TODO: .*default <function .*\n", "", body, flags=re.M)
    body = re.sub(r"^# TODO: .* index .* must be added by hand\n", "", body, flags=re.M)
    body = re.sub(r"^# Generated from a schema diff on .*\n", "", body, flags=re.M)
    extra = _partial_index_sql(diff)
    if extra:
        lines = "".join(f"    db.execute_sql({stmt!r})\n" for stmt in extra)
        body = body.replace("\n\ndef down(", "\n" + lines + "\n\ndef down(", 1)
    header = (
        f'"""Generated from the models on {date.today():%Y-%m-%d}; never edit once applied."""\n'
    )
    return header + body.lstrip()


def make_migration(name: str, modules=None, number: int | None = None) -> str | None:
    """Write migrations/NNNN_name.py for what the models add; None when nothing changed.

    `modules` limits the diff to some areas' models, `number` fixes NNNN: both let several
    areas be developed side by side without their migrations colliding.
    """
    diff = pending_diff(modules=modules)
    if not diff:
        return None
    body = render_migration(diff)
    if number is None:
        return runner(SqliteDatabase(":memory:")).create(name, body=body)
    slug = re.sub(r"[^\w]+", "_", name.strip()).strip("_").lower()
    path = MIGRATIONS / f"{number:04d}_{slug}.py"
    if path.exists() or list(MIGRATIONS.glob(f"{number:04d}_*.py")):
        raise FileExistsError(f"migration number {number:04d} is taken")
    path.write_text(body)
    return str(path)
