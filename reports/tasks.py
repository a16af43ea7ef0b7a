from celery import shared_task

from reports.services import sales_summaries_run


@shared_task
def send_sales_summaries() -> int:
    """5th, 15th and 25th: the sales since the last summary, to the managers."""
    return sales_summaries_run()


@shared_task
def rollup_daily_sales() -> int:
    """Just after midnight: yesterday's sales into the dashboard's day tables."""
    from reports.rollup import sales_rollup

    return sales_rollup()
