"""Real threads racing on PostgreSQL, for the concurrency tests.

Tests using this need ``pytest.mark.django_db(transaction=True)`` so that the
threads' commits are visible to each other and row locks really contend.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import connection
from django_fsm import ConcurrentTransition

from inventory.services import InsufficientStock
from salesadmin.errors import ApplicationError, ConflictError


def run_together(
    work: Callable[[int], object], n: int = 16, *, join_timeout: float = 90
) -> list[tuple[str, object]]:
    """Run ``work(i)`` in ``n`` threads released together; return each outcome.

    ("ok", result), ("conflict", exc) for a lost race (ConflictError or
    django_fsm.ConcurrentTransition), ("insufficient", exc), ("refused", exc)
    for another domain error, ("denied", exc), or ("error", exc) for anything
    unexpected (a deadlock, a constraint violation).
    """
    barrier = threading.Barrier(n)
    outcomes: list[tuple[str, object]] = [("not run", None)] * n

    def runner(i: int) -> None:
        try:
            connection.ensure_connection()  # connect before the start line
            barrier.wait(timeout=30)
            outcomes[i] = ("ok", work(i))
        except (ConflictError, ConcurrentTransition) as exc:
            outcomes[i] = ("conflict", exc)
        except InsufficientStock as exc:
            outcomes[i] = ("insufficient", exc)
        except ApplicationError as exc:
            outcomes[i] = ("refused", exc)
        except PermissionDenied as exc:
            outcomes[i] = ("denied", exc)
        except Exception as exc:  # noqa: BLE001 - reported by the test's assertion
            outcomes[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=join_timeout)
    assert not any(t.is_alive() for t in threads), "a thread hung (lock wait?)"
    return outcomes


def tally(outcomes) -> Counter:
    return Counter(kind for kind, _ in outcomes)


def errors(outcomes) -> list:
    """Outcomes no concurrency test expects: crashes, threads that never ran, 403s."""
    return [exc for kind, exc in outcomes if kind in ("error", "not run", "denied")]
