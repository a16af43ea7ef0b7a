from finance.invoicing import invoices_issue_due
from salesadmin.commands import DayCommand


class Command(DayCommand):
    help = (
        "Invoice dispatched delivery notes by terms: monthly customers for last month, "
        "quarterly customers for last quarter, prepaid notes not yet invoiced. Idempotent."
    )

    def handle(self, *args, **options):
        invoices = invoices_issue_due(today=options.get("today"))
        self.stdout.write(f"{len(invoices)} invoice(s) issued.")
