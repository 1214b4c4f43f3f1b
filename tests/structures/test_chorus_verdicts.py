"""structures.chorus.error_verdict: what a client error means, and what to do about it."""

import pytest

from chorus_client import (
    ChorusAuthenticationError,
    ChorusProtocolError,
    ChorusRejectedError,
    ChorusTransientError,
)
from structures.chorus import ChorusNotConfiguredError, error_verdict

PISTE_401 = 'Bearer realm="PISTE",error="Unauthorized",error_description="{}"'


@pytest.mark.parametrize("reason", ["read_timeout", "rate_limited", "server_error"])
def test_timeouts_overload_and_server_errors_are_transient(reason):
    verdict = error_verdict(ChorusTransientError("x", reason=reason))
    assert verdict.state == "transient"
    assert "try again" in verdict.advice


def test_a_refused_technical_account_explains_the_424_days():
    error = ChorusAuthenticationError(
        "x",
        http_status=401,
        technical_account=True,
        www_authenticate=PISTE_401.format("login or password incorrects"),
    )
    verdict = error_verdict(error)
    assert verdict.state == "failed"
    assert "login or password incorrect" in verdict.advice
    assert "424 days" in verdict.advice


def test_an_expired_technical_password_says_so():
    error = ChorusAuthenticationError(
        "x",
        http_status=401,
        technical_account=True,
        www_authenticate=PISTE_401.format("technical account password expired"),
    )
    assert error_verdict(error).message == "The technical account password has expired."


@pytest.mark.parametrize(
    "error",
    [
        ChorusAuthenticationError("token refused", operation="oauth/token", http_status=401),
        ChorusNotConfiguredError("no PISTE application"),
        ChorusAuthenticationError("forbidden", http_status=403),
    ],
)
def test_what_only_the_portal_operator_can_fix_points_at_the_operator(error):
    assert "portal operator" in error_verdict(error).advice


def test_rejections_and_odd_answers_point_at_the_technical_detail():
    assert error_verdict(ChorusRejectedError("no", code=20001)).state == "failed"
    assert "support" in error_verdict(ChorusProtocolError("odd")).advice
