"""History records deletes; a record of sharing stays even against whoever sets pgtrigger.ignore.

The model's Protect triggers keep a referral that shared information (the provision record, APPI)
from being deleted or unmarked, but pgtrigger's triggers step aside for any role that sets
`pgtrigger.ignore`, and the app's role may delete and update referrals: privileges cannot tell
these rows from the others. A plain trigger, which nothing but the owner can switch off, holds
the same rule.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


KEEP_PROVISION_RECORDS = """
CREATE FUNCTION kokona_keep_provision_records() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.shares_information THEN
        RAISE EXCEPTION 'kokona: a provision record (a referral that shared information) cannot be deleted (%)', OLD.id;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.shares_information AND NOT NEW.shares_information THEN
        RAISE EXCEPTION 'kokona: a provision record (a referral that shared information) must stay shared (%)', OLD.id;
    END IF;
    RETURN COALESCE(NEW, OLD);
END;
$$;
CREATE TRIGGER kokona_keep_provision_records
    BEFORE DELETE OR UPDATE OF shares_information ON consultations_referral
    FOR EACH ROW EXECUTE FUNCTION kokona_keep_provision_records();
"""

DROP_KEEP_PROVISION_RECORDS = """
DROP TRIGGER kokona_keep_provision_records ON consultations_referral;
DROP FUNCTION kokona_keep_provision_records();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0005_encrypt_area_and_role_taken'),
    ]

    operations = [
        migrations.RunSQL(KEEP_PROVISION_RECORDS, DROP_KEEP_PROVISION_RECORDS),
        pgtrigger.migrations.AddTrigger(
            model_name='case',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "consultations_caseevent" ("assigned_to_id", "client_id", "closed_on", "closing_reason", "created_at", "follow_up_due", "id", "opened_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "primary_concern_id", "restricted", "risk", "status", "updated_at", "version") VALUES (OLD."assigned_to_id", OLD."client_id", OLD."closed_on", OLD."closing_reason", OLD."created_at", OLD."follow_up_due", OLD."id", OLD."opened_on", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."primary_concern_id", OLD."restricted", OLD."risk", OLD."status", OLD."updated_at", OLD."version"); RETURN NULL;', hash='c9fd67e668b83df7df6fc90d9dc311471afac8e2', operation='DELETE', pgid='pgtrigger_delete_delete_ec674', table='consultations_case', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='client',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "consultations_clientevent" ("age_band_id", "area", "created_at", "created_by_id", "email", "email_hash", "household_notes", "id", "import_ref", "interests", "line_hash", "line_id", "may_contact_by_email", "may_contact_by_line", "may_contact_by_phone", "nickname", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "phone_hash", "strengths", "under_18", "version") VALUES (OLD."age_band_id", OLD."area", OLD."created_at", OLD."created_by_id", OLD."email", OLD."email_hash", OLD."household_notes", OLD."id", OLD."import_ref", OLD."interests", OLD."line_hash", OLD."line_id", OLD."may_contact_by_email", OLD."may_contact_by_line", OLD."may_contact_by_phone", OLD."nickname", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."phone", OLD."phone_hash", OLD."strengths", OLD."under_18", OLD."version"); RETURN NULL;', hash='19dc16ade60389b8723365fe1fcc64185b1a9fd5', operation='DELETE', pgid='pgtrigger_delete_delete_a61f7', table='consultations_client', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='contact',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "consultations_contactevent" ("case_id", "channel_id", "client_id", "counselor_id", "created_at", "created_by_id", "direction", "duration_minutes", "id", "import_key", "next_step", "occurred_at", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "summary", "urgency") VALUES (OLD."case_id", OLD."channel_id", OLD."client_id", OLD."counselor_id", OLD."created_at", OLD."created_by_id", OLD."direction", OLD."duration_minutes", OLD."id", OLD."import_key", OLD."next_step", OLD."occurred_at", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."summary", OLD."urgency"); RETURN NULL;', hash='3fe8e0cf42e3ae78cf09a16444856f1ce1740cda', operation='DELETE', pgid='pgtrigger_delete_delete_3819a', table='consultations_contact', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='referral',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "consultations_referralevent" ("agency_id", "case_id", "consent_recorded", "created_at", "created_by_id", "id", "notes", "override_by_id", "override_reason", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "referred_on", "shares_information", "stage") VALUES (OLD."agency_id", OLD."case_id", OLD."consent_recorded", OLD."created_at", OLD."created_by_id", OLD."id", OLD."notes", OLD."override_by_id", OLD."override_reason", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."referred_on", OLD."shares_information", OLD."stage"); RETURN NULL;', hash='88f53ef9de3a52638ef5a4acb2ef236949c1e777', operation='DELETE', pgid='pgtrigger_delete_delete_f73d8', table='consultations_referral', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='supportactivity',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "consultations_supportactivityevent" ("case_id", "created_at", "done_on", "id", "kind", "notes", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role_taken", "staff_id") VALUES (OLD."case_id", OLD."created_at", OLD."done_on", OLD."id", OLD."kind", OLD."notes", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."role_taken", OLD."staff_id"); RETURN NULL;', hash='5154b8a6405b848d4a3e161af7bb730fa9e453f6', operation='DELETE', pgid='pgtrigger_delete_delete_1b40d', table='consultations_supportactivity', when='AFTER')),
        ),
    ]
