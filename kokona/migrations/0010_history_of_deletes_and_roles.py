"""History records deletes and role changes; a history context may grow but never be rewritten.

The app's role must be able to UPDATE pghistory_context: pghistory's trigger upserts the
request's context (who, which request) as a request goes on, adding keys. A plain trigger, not a
pgtrigger one, refuses any other change: pgtrigger's triggers step aside for whoever sets
`pgtrigger.ignore`, and any role can set it.
"""

import django.contrib.admin.models
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


CONTEXT_ONLY_GROWS = """
CREATE FUNCTION kokona_history_context_only_grows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- A key may be added, and a null (not yet known, e.g. the user before sign-in) filled in;
    -- a value once written cannot change, nor can the id that history rows point at.
    IF NEW.id IS DISTINCT FROM OLD.id
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR NOT (NEW.metadata @> jsonb_strip_nulls(OLD.metadata)) THEN
        RAISE EXCEPTION 'kokona: a history context may gain keys but never be rewritten (%)', OLD.id;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER kokona_history_context_only_grows BEFORE UPDATE ON pghistory_context
    FOR EACH ROW EXECUTE FUNCTION kokona_history_context_only_grows();
"""

DROP_CONTEXT_ONLY_GROWS = """
DROP TRIGGER kokona_history_context_only_grows ON pghistory_context;
DROP FUNCTION kokona_history_context_only_grows();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('kokona', '0006_user_session_epoch_and_own_password'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        migrations.RunSQL(CONTEXT_ONLY_GROWS, DROP_CONTEXT_ONLY_GROWS),
        migrations.CreateModel(
            name='UserGroupEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='AdminLogEntry',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('admin.logentry',),
            managers=[
                ('objects', django.contrib.admin.models.LogEntryManager()),
            ],
        ),
        migrations.CreateModel(
            name='UserGroup',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('kokona.user_groups',),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='user',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "kokona_userevent" ("date_joined", "display_name", "email", "first_name", "id", "is_active", "is_staff", "is_superuser", "last_name", "must_change_password", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "session_epoch", "username") VALUES (OLD."date_joined", OLD."display_name", OLD."email", OLD."first_name", OLD."id", OLD."is_active", OLD."is_staff", OLD."is_superuser", OLD."last_name", OLD."must_change_password", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."session_epoch", OLD."username"); RETURN NULL;', hash='a5e7d6b476235f15bd314fc5cf168577562045ed', operation='DELETE', pgid='pgtrigger_delete_delete_76d63', table='kokona_user', when='AFTER')),
        ),
        migrations.AddField(
            model_name='usergroupevent',
            name='group',
            field=models.ForeignKey(db_constraint=False, db_tablespace='', on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='auth.group'),
        ),
        migrations.AddField(
            model_name='usergroupevent',
            name='pgh_context',
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
        ),
        migrations.AddField(
            model_name='usergroupevent',
            name='user',
            field=models.ForeignKey(db_constraint=False, db_tablespace='', on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='adminlogentry',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='5aeb288bc4c583a29a87438cd5a9b5f3d9d893e0', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_e4bf3', table='django_admin_log', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='usergroup',
            trigger=pgtrigger.compiler.Trigger(name='group_add_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "kokona_usergroupevent" ("group_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "user_id") VALUES (NEW."group_id", NEW."id", _pgh_attach_context(), NOW(), \'group.add\', NEW."user_id"); RETURN NULL;', hash='a08bcc2bf0830aac0e7c37b130fcc90d37aba8ef', operation='INSERT', pgid='pgtrigger_group_add_insert_65ddd', table='kokona_user_groups', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='usergroup',
            trigger=pgtrigger.compiler.Trigger(name='group_remove_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "kokona_usergroupevent" ("group_id", "id", "pgh_context_id", "pgh_created_at", "pgh_label", "user_id") VALUES (OLD."group_id", OLD."id", _pgh_attach_context(), NOW(), \'group.remove\', OLD."user_id"); RETURN NULL;', hash='9e213bf2511270b8c4f00831b58fe3b728b52637', operation='DELETE', pgid='pgtrigger_group_remove_delete_d7ae7', table='kokona_user_groups', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='usergroupevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='58c8f483dd6f0960d19224118460f3d0383a3fac', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_c2f47', table='kokona_usergroupevent', when='BEFORE')),
        ),
    ]
