from finance.credit import credit_holds_review
from salesadmin.commands import DayCommand


class Command(DayCommand):
    help = (
        "Put on credit hold every customer with an invoice more than one month overdue; "
        "lift the holds this job set where nothing is overdue that long any more."
    )

    def handle(self, *args, **options):
        held, lifted = credit_holds_review(today=options.get("today"))
        self.stdout.write(f"{held} put on hold, {lifted} released.")
