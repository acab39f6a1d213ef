from django.db import migrations

from kam.search import index


def create(apps, schema_editor):
    index.create_index(schema_editor.connection)


def drop(apps, schema_editor):
    index.drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
