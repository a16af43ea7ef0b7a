"""Import a spreadsheet of master data or opening balances from the command line.

    manage.py import_data customers customers.xlsx --user manager --dry-run
    manage.py import_data opening_stock stock.csv --user keeper

The same check and the same services as the import page; the user named must
own the kind (a manager for prices, finance for receivables, ...).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from portal.imports import BY_KEY, import_file
from salesadmin.errors import ApplicationError


class Command(BaseCommand):
    help = "Import customers, products, prices, opening stock or receivables from XLSX/CSV."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(BY_KEY))
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="login of the person importing")
        parser.add_argument("--dry-run", action="store_true", help="check only, import nothing")

    def handle(self, *args, kind, file, user, dry_run, **options):
        person = get_user_model().objects.filter(username=user, is_active=True).first()
        if person is None:
            raise CommandError(f"No active user {user!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file!r}.")
        try:
            result = import_file(
                kind=BY_KEY[kind],
                content=path.read_bytes(),
                filename=path.name,
                user=person,
                dry_run=dry_run,
            )
        except PermissionDenied:
            raise CommandError(f"{user} may not import {kind}.") from None
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        for error in result.errors:
            column = f" [{error.column}]" if error.column else ""
            self.stderr.write(f"row {error.row}{column}: {error.message}")
        summary = (
            f"{result.rows} rows: {result.created} new, {result.updated} changed, "
            f"{result.unchanged} unchanged"
        )
        if not result.ok:
            raise CommandError(f"{len(result.errors)} bad rows; nothing imported.")
        if dry_run:
            self.stdout.write(f"Dry run, nothing imported. {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported. {summary}."))
