"""POST /api/v1/auth/token/: a token for username, password and, for users who
set up two-factor sign-in, the authenticator code.

The same lockout as the login page (django-axes counts the failures through
authenticate()), plus a stricter throttle per client address.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from salesadmin.api import ErrorOutput, StrictInput, error_responses, validated_input
from salesadmin.errors import ApplicationError
from salesadmin.security.lockout import lockout_response
from salesadmin.security.models import LoginEventKind
from salesadmin.security.services import login_event_record
from salesadmin.security.throttling import AnonThrottle, AuthTokenThrottle
from salesadmin.security.twofactor import check_code


class TokenInput(StrictInput):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp_token = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="The authenticator code, for users who set up two-factor sign-in.",
    )


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


class AuthTokenApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, AuthTokenThrottle]

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenInput,
        responses={
            200: TokenOutput,
            **error_responses(400),
            429: OpenApiResponse(
                response=ErrorOutput, description="Too many attempts: locked out or throttled."
            ),
        },
        auth=[],
    )
    def post(self, request):
        data = validated_input(TokenInput, request.data)
        # DRF's request: axes reads the username from request.data and marks this
        # object (not the Django request underneath) when it locks out.
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request, None, {"username": data["username"]})
            raise ApplicationError(
                _("Unable to sign in with the given username and password."),
                code="invalid_credentials",
            )
        check_code(
            user=user,
            code=data.get("otp_token", ""),
            request=request,
            credentials={"username": data["username"]},
        )
        token, _created = Token.objects.get_or_create(user=user)
        login_event_record(
            kind=LoginEventKind.SUCCEEDED,
            username=user.get_username(),
            ip_address=getattr(request, "axes_ip_address", None),
            path=request.path,
        )
        return Response({"token": token.key})
