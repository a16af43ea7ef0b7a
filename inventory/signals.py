"""What the stock ledger tells the apps above it (inventory imports only the core).

``production_received(move=, user=)`` is sent by production_receipt_record in
its own transaction, after the receipt's move is written: the contracts app
links the receipt to the production task it answers (contracts/services/
production_tasks.py), in the same transaction, so a failed link undoes the
receipt too.
"""

from django.dispatch import Signal

production_received = Signal()
