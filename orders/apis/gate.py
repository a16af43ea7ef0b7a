"""The gate API (门卫): check an exit pass, let the truck out."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from orders.apis.common import QTY
from orders.selectors.delivery_notes import gate_goods
from orders.services.exit_pass import STOP_REASONS, GateResult, exit_pass_check, exit_pass_use
from salesadmin.api import JSONInputParser, StrictInput, error_responses, validated_input

# --- The gate (门卫) ----------------------------------------------------------------------
# What the gate sees is whitelisted here field by field: vehicle and goods, never
# the customer, unit prices, amounts or the note's value (commercial secrets).


class ExitPassCheckInput(StrictInput):
    code = serializers.CharField(
        max_length=300, help_text="The scanned QR token, or the 8-character short code."
    )


class ExitPassExitInput(ExitPassCheckInput):
    vehicle_plate = serializers.CharField(
        max_length=20,
        allow_blank=True,
        default="",
        help_text="The truck's plate as the guard reads it (a blank plate is a STOP).",
    )


class GoodsOutput(serializers.Serializer):
    product = serializers.CharField()
    specification = serializers.CharField()
    quantity = serializers.DecimalField(**QTY, help_text="As loaded (or as on the note).")
    unit = serializers.CharField()
    batches = serializers.ListField(child=serializers.CharField())


class ExitPassCheckOutput(serializers.Serializer):
    passed = serializers.BooleanField(help_text="PASS (true) or STOP (false).")
    reason = serializers.ChoiceField(
        choices=list(STOP_REASONS.items()),
        allow_blank=True,
        help_text="Why the pass is refused; empty on PASS.",
    )
    message = serializers.CharField(help_text="What to tell the driver, in the user's language.")
    note_number = serializers.CharField(allow_null=True)
    vehicle_plate = serializers.CharField(allow_null=True)
    goods = GoodsOutput(many=True)


class ExitPassExitOutput(ExitPassCheckOutput):
    exited_at = serializers.DateTimeField(allow_null=True, help_text="Null on STOP.")


def _gate_answer(result: GateResult, *, with_exit: bool = False) -> dict:
    note = result.note
    gate_exit = getattr(note, "gate_exit", None) if note is not None else None
    if gate_exit is not None:
        plate = gate_exit.vehicle_plate
    else:
        plate = note.vehicle_plate if note is not None else None
    answer = {
        "passed": result.passed,
        "reason": result.reason,
        "message": result.message,
        "note_number": note.number if note is not None else None,
        "vehicle_plate": plate,
        "goods": gate_goods(note, batches=True) if note is not None else [],
    }
    if with_exit:
        answer["exited_at"] = gate_exit.exited_at if (gate_exit and result.passed) else None
    return answer


_GATE_DESCRIPTION = (
    "A STOP is a normal answer: **200 with `passed: false`** and the `reason` "
    "(forged, unknown, used, other_day, not_stamped, not_loaded, awaiting_topup, cancelled, "
    "expired, plate_required). The scan worked and is recorded; the pass is refused. "
    "4xx means the request itself failed: 400 bad input, 401/403 not the gate. "
    "The answer never contains the customer, prices, amounts or value."
)


class ExitPassCheckApi(generics.GenericAPIView):
    """The guard scans a pass: PASS or STOP. Nobody leaves yet."""

    parser_classes = [JSONInputParser]
    required_perms = ("orders.exit_deliverynote",)
    serializer_class = ExitPassCheckInput

    @extend_schema(
        summary="Check an exit pass (门卫)",
        description=_GATE_DESCRIPTION,
        request=ExitPassCheckInput,
        responses={
            200: OpenApiResponse(ExitPassCheckOutput, description="PASS or STOP."),
            **error_responses(400, 401, 403),
        },
    )
    def post(self, request):
        data = validated_input(ExitPassCheckInput, request.data)
        result = exit_pass_check(raw=data["code"], user=request.user)
        return Response(ExitPassCheckOutput(_gate_answer(result)).data)


class ExitPassExitApi(generics.GenericAPIView):
    """The guard lets the truck out: exit time and plate recorded, once."""

    parser_classes = [JSONInputParser]
    required_perms = ("orders.exit_deliverynote",)
    serializer_class = ExitPassExitInput

    @extend_schema(
        summary="Let the truck out on its exit pass (门卫放行)",
        description=_GATE_DESCRIPTION + " On PASS the note is `exited`; the pass cannot be "
        "used again.",
        request=ExitPassExitInput,
        responses={
            200: OpenApiResponse(ExitPassExitOutput, description="PASS (left) or STOP."),
            **error_responses(400, 401, 403),
        },
    )
    def post(self, request):
        data = validated_input(ExitPassExitInput, request.data)
        result = exit_pass_use(
            raw=data["code"], user=request.user, vehicle_plate=data["vehicle_plate"]
        )
        return Response(ExitPassExitOutput(_gate_answer(result, with_exit=True)).data)
