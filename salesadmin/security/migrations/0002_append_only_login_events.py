from django.db import migrations

from salesadmin.db import append_only


class Migration(migrations.Migration):
    dependencies = [("security", "0001_login_event")]

    operations = [append_only("security_loginevent")]
