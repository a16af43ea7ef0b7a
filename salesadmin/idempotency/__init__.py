"""Safe retries: an ``Idempotency-Key`` makes a write happen once, however often
it is sent. See services.py for the rules and middleware.py for where they apply."""
