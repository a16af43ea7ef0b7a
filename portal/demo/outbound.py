"""Demo samples and non-sale outbound in several states (issue 11), loaded
once through the services: applications waiting for the department head and
for the sales director, an approved sample whose slip waits for the warehouse
today, a sample that left and was followed up, a rejected one; request reports
waiting for the accountant and for approval, and an advertising outbound that
left through the gate today."""

from __future__ import annotations

from decimal import Decimal

from inventory.models import BatchLevel, Product, Warehouse
from orders.models import PriceListItem
from orders.services.dispatch import Allocation, DispatchLine, delivery_note_dispatch
from orders.services.exit_pass import exit_pass_use
from outbound.models import SampleApplication
from outbound.services.common import LineInput
from outbound.services.requests import (
    non_sale_request_approve,
    non_sale_request_check,
    non_sale_request_create,
    non_sale_request_endorse,
    non_sale_request_issue_slip,
    non_sale_request_submit,
)
from outbound.services.samples import (
    sample_application_approve,
    sample_application_create,
    sample_application_issue_slip,
    sample_application_record_outcome,
    sample_application_reject,
    sample_application_submit,
)

MARKER = "演示 demo"  # the purpose of every demo sample application
COST_SHARE = Decimal("0.6")  # a product's demo cost: 60 % of its list price


def _costs() -> None:
    """Products without a cost get 60 % of their list price (the demo's own guess)."""
    for item in PriceListItem.objects.select_related("product").filter(product__standard_cost=0):
        product = item.product
        product.standard_cost = (item.standard_price * COST_SHARE).quantize(Decimal("0.01"))
        product.save(update_fields=["standard_cost"])


def _leave(note, *, keeper, guard, plate: str, exit: bool = True) -> None:
    """Load the slip from the oldest batches and, with ``exit``, let it out."""
    lines = []
    for line in note.lines.select_related("product"):
        left, allocations = line.quantity, []
        for level in BatchLevel.objects.filter(
            product=line.product, warehouse=note.warehouse, on_hand__gt=0
        ).select_related("batch"):
            take = min(left, level.on_hand)
            allocations.append(Allocation(batch=level.batch, quantity=take))
            left -= take
            if not left:
                break
        lines.append(DispatchLine(note_line=line, allocations=allocations))
    note = delivery_note_dispatch(note=note, user=keeper, lines=lines)
    if exit:
        exit_pass_use(raw=note.pass_code, user=guard, vehicle_plate=plate)


def demo_outbound(*, users: dict, warehouse: Warehouse) -> tuple[int, int]:
    """(samples, requests) made; nothing when loaded before."""
    if SampleApplication.objects.filter(reason__startswith=MARKER).exists():
        return 0, 0
    _costs()
    clerk, finance, manager = users["clerk"], users["finance"], users["manager"]
    gm, keeper, guard = users["gm"], users["keeper"], users["guard"]
    products = list(
        Product.objects.filter(
            active=True,
            standard_cost__gt=0,
            stock_levels__warehouse=warehouse,
            stock_levels__on_hand__gte=20,
        ).order_by("sku")[:3]
    )
    if not products:
        return 0, 0

    def lines(*quantities):
        return [
            LineInput(product=p, quantity=Decimal(q))
            for p, q in zip(products, quantities, strict=False)
        ]

    def sample(quantities, *, prospect="", customer=None, submit=True):
        application = sample_application_create(
            user=clerk,
            department="市场部",
            warehouse=warehouse,
            lines=lines(*quantities),
            prospect_name=prospect,
            customer=customer,
            reason=f"{MARKER} 试用",
        )
        if submit:
            application = sample_application_submit(application=application, user=clerk)
        return application

    made = [sample(["2"], prospect="湖州新材料有限公司（意向）", submit=False)]
    made.append(sample(["3", "2"], prospect="德清某化工厂（意向）"))  # waits for the head
    # 12 pieces: beyond the head's 10, so on to the director (the general manager may act).
    made.append(
        sample_application_approve(
            application=sample(["12"], prospect="长兴某焊接厂（意向）"),
            user=manager,
            comment="超出部门权限，报销售厂长",
        )
    )
    approved = sample_application_approve(
        application=sample(["2", "1"], prospect="安吉某气体用户（意向）"),
        user=manager,
        comment="同意",
    )
    made.append(sample_application_issue_slip(application=approved, user=clerk))
    followed = sample_application_issue_slip(
        application=sample_application_approve(
            application=sample(["1"], prospect="孝丰某工厂（意向）"), user=manager
        ),
        user=clerk,
        vehicle_plate="浙E8S001",
    )
    _leave(followed.note, keeper=keeper, guard=guard, plate="浙E8S001")
    made.append(
        sample_application_record_outcome(
            application=followed, user=clerk, outcome="testing", remarks="客户试用中，下周回访"
        )
    )
    made.append(
        sample_application_reject(
            application=sample(["5"], prospect="某贸易公司（意向）"),
            user=manager,
            comment="非目标客户",
        )
    )

    def request(purpose, recipient, reason, quantities):
        report = non_sale_request_create(
            user=clerk,
            purpose=purpose,
            recipient=recipient,
            reason=reason,
            department="市场部",
            warehouse=warehouse,
            lines=lines(*quantities),
        )
        return non_sale_request_submit(request=report, user=clerk)

    requests = [request("gift", "老客户年会", "答谢老客户", ["1"])]  # waits for the accountant
    waiting = request("prize", "安全生产知识竞赛", "一等奖奖品", ["1"])
    waiting = non_sale_request_check(request=waiting, user=finance, opinion="可列入销售费用")
    requests.append(non_sale_request_endorse(request=waiting, user=manager, opinion="同意"))
    advert = request("advertising", "2026 湖州工业气体展", "展会陈列样瓶", ["2", "1"])
    advert = non_sale_request_check(request=advert, user=finance, opinion="可列入广告费")
    advert = non_sale_request_endorse(request=advert, user=manager, opinion="同意")
    advert = non_sale_request_approve(request=advert, user=gm, comment="批准")
    advert = non_sale_request_issue_slip(request=advert, user=clerk, vehicle_plate="浙E8G002")
    _leave(advert.note, keeper=keeper, guard=guard, plate="浙E8G002")
    requests.append(advert)
    return len(made), len(requests)
