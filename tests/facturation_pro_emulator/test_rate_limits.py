"""Quotas per account: X-RateLimit-* headers, 429 "Retry later" with Retry-After, two windows."""


def test_every_answer_counts_down_the_quota(atelier):
    first = atelier.get("/account.json")
    second = atelier.get("/firms/FIRM_ID/invoices/1.json")  # a 404 counts too

    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == (
        "600", "599")
    assert (second.status_code, second.headers["X-RateLimit-Remaining"]) == (404, "598")


def test_past_the_window_quota_the_answer_is_429_retry_later(atelier, fpro):
    fpro.configure(per_window=3, window_seconds=3600)
    for _ in range(3):
        assert atelier.get("/account.json").status_code == 200

    refused = atelier.get("/account.json")

    assert (refused.status_code, refused.text) == (429, "Retry later\n")
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 3600
    fpro.advance(wait)
    assert atelier.get("/account.json").headers["X-RateLimit-Remaining"] == "2"


def test_the_daily_quota_holds_across_windows_until_midnight(atelier, fpro):
    fpro.configure(per_window=600, window_seconds=1, per_day=2)
    atelier.get("/account.json")
    fpro.advance(5)
    response = atelier.get("/account.json")
    assert response.headers["X-RateLimit-Limit"] == "2"  # the tighter quota is shown
    fpro.advance(5)

    refused = atelier.get("/account.json")

    assert refused.status_code == 429
    fpro.advance(int(refused.headers["Retry-After"]))
    assert atelier.get("/account.json").status_code == 200


def test_each_account_has_its_own_quota(atelier, bureau, fpro):
    fpro.configure(per_window=1, window_seconds=3600)
    atelier.get("/account.json")

    assert atelier.get("/account.json").status_code == 429
    assert bureau.get("/account.json").status_code == 200


def test_unauthenticated_calls_do_not_spend_anyones_quota(atelier, fpro):
    fpro.configure(per_window=1, window_seconds=3600)
    atelier.get("/account.json", auth=("demo-atelier-numerique", "wrong"))

    assert atelier.get("/account.json").status_code == 200


def test_reset_restores_the_documented_quotas(atelier, fpro):
    fpro.configure(per_window=1, per_day=1)
    fpro.reset()

    assert fpro.configure()["rate_limits"] == {"per_window": 600, "window_seconds": 300,
                                               "per_day": 10_000}
    assert atelier.get("/account.json").headers["X-RateLimit-Remaining"] == "599"
