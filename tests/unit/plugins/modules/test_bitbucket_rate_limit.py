"""bitbucket_rate_limit and bitbucket_rate_limit_info: the exact HTTP calls of every scenario, in order, each also
in check mode (API-MAP 3.16)."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_rate_limit, bitbucket_rate_limit_info
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.scenarios import CHECK_MODES, expect, runner

SETTINGS = "/rest/api/latest/admin/rate-limit/settings"
USERS = SETTINGS + "/users"
HISTORY = "/rest/api/latest/admin/rate-limit/history"


def settings(enabled=False, capacity=60, fill_rate=5):
    return {"enabled": enabled, "defaultSettings": {"capacity": capacity, "fillRate": fill_rate}}


def user(name, slug=None):
    return {"name": name, "slug": slug or name.lower(), "id": sum(map(ord, name)), "displayName": name, "type": "NORMAL", "active": True}


def override(name, whitelisted=False, capacity=None, fill_rate=None, slug=None, both=False):
    """RestUserRateLimitSettings; ``both``: the seed example's shape, a whitelisted user with settings too."""
    entry = {"user": user(name, slug), "whitelisted": whitelisted}
    if not whitelisted or both:
        entry["settings"] = {"capacity": capacity or 1, "fillRate": fill_rate or 1}
    return entry


def fields(name, whitelisted=False, capacity=None, fill_rate=None):
    """An override as bitbucket_rate_limit returns it (no slug: a new user's is not known)."""
    item = {"name": name, "whitelisted": whitelisted}
    if not whitelisted:
        item.update(capacity=capacity, fill_rate=fill_rate)
    return item


def info_fields(name, whitelisted=False, capacity=None, fill_rate=None, slug=None):
    """An override as bitbucket_rate_limit_info returns it, with the slug Bitbucket listed."""
    return dict(fields(name, whitelisted, capacity, fill_rate), slug=slug or name.lower())


def get_settings(body):
    return Call("GET", SETTINGS, body=body)


def put_settings(body):
    return Call("PUT", SETTINGS, json=body, body=body)


def get_overrides(*entries):
    return Call("GET", USERS, query=FIRST_PAGE, body=page(entries))


def bulk(names, whitelisted=False, capacity=None, fill_rate=None, status=200):
    body = {"usernames": list(names)}
    if whitelisted:
        body["whitelisted"] = True
    else:
        body["settings"] = {"capacity": capacity, "fillRate": fill_rate}
    return Call("POST", USERS, json=body, status=status, body=override(names[0], whitelisted, capacity, fill_rate) if status == 200 else errors("boom"))


def delete(slug, status=204):
    return Call("DELETE", USERS + "/" + slug, status=status, body=None if status == 204 else errors("no settings"))


@pytest.fixture
def run_module(http, make_context):
    return runner(bitbucket_rate_limit, http, make_context)


# -- the instance's settings ------------------------------------------------------------------------


@CHECK_MODES
def test_enable_sends_the_whole_settings(http, run_module, check_mode):
    expect(http, [get_settings(settings()), put_settings(settings(enabled=True))], check_mode)

    result = run_module(dict(enabled=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["settings"] == settings(enabled=True)
    assert result["diff"] == {
        "before": {"settings": {"enabled": False, "capacity": 60, "fill_rate": 5}},
        "after": {"settings": {"enabled": True, "capacity": 60, "fill_rate": 5}},
    }
    assert "users" not in result
    http.assert_done()


@CHECK_MODES
def test_change_the_bucket(http, run_module, check_mode):
    expect(http, [get_settings(settings(enabled=True)), put_settings(settings(enabled=True, capacity=120, fill_rate=5))], check_mode)

    assert run_module(dict(capacity=120), check_mode=check_mode)["settings"] == settings(enabled=True, capacity=120)
    http.assert_done()


@CHECK_MODES
def test_settings_no_op_only_reads(http, run_module, check_mode):
    expect(http, [get_settings(settings(enabled=True))], check_mode)

    assert run_module(dict(enabled=True, capacity=60, fill_rate=5), check_mode=check_mode)["changed"] is False
    http.assert_done()


# -- overrides ---------------------------------------------------------------------------------------


@CHECK_MODES
def test_overrides_that_share_a_setting_are_set_in_one_request_by_user_name(http, run_module, check_mode):
    expect(
        http,
        [
            get_overrides(),
            bulk(["jenkins", "Build Bot"], whitelisted=True),
            bulk(["deployer"], capacity=600, fill_rate=50),
        ],
        check_mode,
    )

    result = run_module(
        dict(users=[
            dict(name="jenkins", whitelisted=True),
            dict(name="deployer", capacity=600, fill_rate=50),
            dict(name="Build Bot", whitelisted=True),
        ]),
        check_mode=check_mode,
    )

    assert result["changed"] is True
    assert result["users"] == [
        {"name": "Build Bot", "whitelisted": True},
        {"name": "deployer", "whitelisted": False, "capacity": 600, "fill_rate": 50},
        {"name": "jenkins", "whitelisted": True},
    ]
    assert result["diff"]["before"] == {"users": []}
    assert "settings" not in result
    http.assert_done()


def put_user(slug, body, status=200):
    return Call("PUT", USERS + "/" + slug, json=body, status=status, body=errors("boom") if status >= 400 else {"user": user(slug), **body})


@CHECK_MODES
def test_an_existing_override_is_changed_on_its_own_resource_by_slug(http, run_module, check_mode):
    # API-MAP 3.16: prefer the per-user PUT, which takes the slug Bitbucket listed.
    expect(
        http,
        [
            get_overrides(override("deployer", capacity=100, fill_rate=10), override("Build Bot", whitelisted=True, slug="build_bot")),
            put_user("deployer", {"whitelisted": True}),
            put_user("build_bot", {"settings": {"capacity": 5, "fillRate": 1}}),
        ],
        check_mode,
    )

    result = run_module(dict(users=[dict(name="DEPLOYER", whitelisted=True), dict(name="build bot", capacity=5, fill_rate=1)]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["users"] == [fields("Build Bot", capacity=5, fill_rate=1), fields("deployer", whitelisted=True)]
    assert result["diff"]["before"]["users"] == [fields("Build Bot", whitelisted=True), fields("deployer", capacity=100, fill_rate=10)]
    http.assert_done()


def test_creates_updates_and_removals_in_one_task(http, run_module):
    http.expect(
        get_overrides(override("deployer", capacity=100, fill_rate=10), override("old", whitelisted=True)),
        bulk(["jenkins"], whitelisted=True),
        put_user("deployer", {"settings": {"capacity": 200, "fillRate": 20}}),
        delete("old"),
    )

    result = run_module(dict(users=[dict(name="jenkins", whitelisted=True), dict(name="deployer", capacity=200, fill_rate=20)], purge=True))

    assert result["users"] == [fields("deployer", capacity=200, fill_rate=20), fields("jenkins", whitelisted=True)]
    http.assert_done()


def test_a_change_that_landed_behind_a_500_is_read_again_and_not_repeated(http, run_module):
    http.expect(
        get_overrides(override("deployer", capacity=100, fill_rate=10)),
        put_user("deployer", {"whitelisted": True}, status=500),
        get_overrides(override("deployer", whitelisted=True)),
    )

    result = run_module(dict(users=[dict(name="deployer", whitelisted=True)]))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_overrides_no_op_only_reads(http, run_module, check_mode):
    # The seed's example shape: a whitelisted user that also carries settings, which are not compared.
    expect(http, [get_overrides(override("jenkins", whitelisted=True, both=True), override("deployer", capacity=600, fill_rate=50))], check_mode)

    result = run_module(
        dict(users=[dict(name="Jenkins", whitelisted=True), dict(name="deployer", capacity=600, fill_rate=50)]), check_mode=check_mode
    )

    assert result["changed"] is False
    assert result["users"] == [fields("deployer", capacity=600, fill_rate=50), fields("jenkins", whitelisted=True)]
    http.assert_done()


@CHECK_MODES
def test_purge_removes_every_unlisted_override_by_slug(http, run_module, check_mode):
    expect(
        http,
        [
            get_overrides(
                override("jenkins", whitelisted=True), override("Old Bot", whitelisted=True, slug="old_bot"), override("tmp", capacity=5, fill_rate=1)
            ),
            delete("old_bot"),
            delete("tmp"),
        ],
        check_mode,
    )

    result = run_module(dict(users=[dict(name="jenkins", whitelisted=True)], purge=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["users"] == [fields("jenkins", whitelisted=True)]
    http.assert_done()


@CHECK_MODES
def test_purge_with_no_list_removes_them_all(http, run_module, check_mode):
    expect(http, [get_overrides(override("jenkins", whitelisted=True)), delete("jenkins")], check_mode)

    result = run_module(dict(purge=True), check_mode=check_mode)

    assert result["users"] == []
    http.assert_done()


@CHECK_MODES
def test_absent_removes_one_override(http, run_module, check_mode):
    expect(http, [get_overrides(override("jenkins", whitelisted=True), override("tmp", capacity=5, fill_rate=1)), delete("tmp")], check_mode)

    result = run_module(dict(users=[dict(name="tmp", state="absent")]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["users"] == [fields("jenkins", whitelisted=True)]
    http.assert_done()


@CHECK_MODES
def test_absent_for_a_user_without_an_override_only_reads(http, run_module, check_mode):
    # A name that contains another user's is not that user (Bitbucket's filter is a substring match).
    expect(http, [get_overrides(override("jenkins-old", whitelisted=True))], check_mode)

    assert run_module(dict(users=[dict(name="jenkins", state="absent")]), check_mode=check_mode)["changed"] is False
    http.assert_done()


def test_a_bulk_answer_that_is_a_list_is_as_good_as_one_object(http, run_module):
    # API-MAP 3.16 VERIFY: the spec and the seed answer one RestUserRateLimitSettings, "likely a list"; the answer is not relied on.
    answer = [override("jenkins", whitelisted=True), override("ci", whitelisted=True)]
    http.expect(get_overrides(), Call("POST", USERS, json={"usernames": ["jenkins", "ci"], "whitelisted": True}, body=answer))

    result = run_module(dict(users=[dict(name="jenkins", whitelisted=True), dict(name="ci", whitelisted=True)]))

    assert result["changed"] is True
    assert result["users"] == [fields("ci", whitelisted=True), fields("jenkins", whitelisted=True)]
    http.assert_done()


def test_a_removal_answered_404_is_already_done(http, run_module):
    http.expect(get_overrides(override("tmp", capacity=5, fill_rate=1)), delete("tmp", status=404))

    result = run_module(dict(purge=True))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_settings_and_overrides_in_one_task(http, run_module, check_mode):
    expect(
        http,
        [get_settings(settings()), put_settings(settings(enabled=True, capacity=100, fill_rate=10)), get_overrides(), bulk(["jenkins"], whitelisted=True)],
        check_mode,
    )

    result = run_module(dict(enabled=True, capacity=100, fill_rate=10, users=[dict(name="jenkins", whitelisted=True)]), check_mode=check_mode)

    assert result["changed"] is True
    assert set(result["diff"]["after"]) == {"settings", "users"}
    http.assert_done()


def test_overrides_are_read_across_every_page(http, run_module):
    http.expect(
        Call("GET", USERS, query=FIRST_PAGE, body=page([override("a", whitelisted=True)], next_start=1, limit=1)),
        Call("GET", USERS, query=[("start", 1), ("limit", 1000)], body=page([override("b", whitelisted=True)], start=1, limit=1)),
    )

    result = run_module(dict(users=[dict(name="a", whitelisted=True), dict(name="b", whitelisted=True)]))

    assert result["changed"] is False
    http.assert_done()


# -- bad input and failures ---------------------------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(capacity=0), "capacity", "positive integer"),
        (dict(fill_rate=-1), "fill_rate", "positive integer"),
        (dict(users=[dict(name="ci", whitelisted=True, capacity=5)]), "users", "never both"),
        (dict(users=[dict(name="ci", capacity=5)]), "users", "needs both capacity and fill_rate"),
        (dict(users=[dict(name="ci")]), "users", "needs both capacity and fill_rate, or whitelisted=true"),
        (dict(users=[dict(name="ci", capacity=0, fill_rate=1)]), "users", "positive integer"),
        (dict(users=[dict(name="ci", whitelisted=True), dict(name="CI", whitelisted=True)]), "users", "listed more than once"),
        (dict(users=[dict(name="ci", whitelisted=True, state="absent")]), "users", "go with state=present"),
        (dict(users=[dict(name=" ", whitelisted=True)]), "users", "empty name"),
        (dict(), "enabled", "nothing to manage"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option, words):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert words in result["msg"]
    assert http.calls == []


def test_an_unknown_user_reports_bitbucket_s_answer(http, run_module):
    message = "The user ghost is invalid: no such user."
    http.expect(get_overrides(), Call("POST", USERS, json={"usernames": ["ghost"], "whitelisted": True}, status=400, body=errors(message, context="usernames")))

    result = run_module(dict(users=[dict(name="ghost", whitelisted=True)]))

    assert result["failed"] is True
    assert result["http_status"] == 400
    assert result["msg"] == "POST %s: HTTP 400: usernames: %s" % (USERS, message)
    http.assert_done()


def test_an_override_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(get_overrides(), bulk(["jenkins"], whitelisted=True, status=500), get_overrides(override("jenkins", whitelisted=True)))

    result = run_module(dict(users=[dict(name="jenkins", whitelisted=True)]))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


def test_an_override_post_is_retried_after_a_gateway_error(http, run_module, sleeps):
    http.expect(get_overrides(), Call("POST", USERS, json={"usernames": ["jenkins"], "whitelisted": True}, status=502), bulk(["jenkins"], whitelisted=True))

    assert run_module(dict(users=[dict(name="jenkins", whitelisted=True)]))["changed"] is True
    assert sleeps == [0.5]
    http.assert_done()


def test_main_refuses_an_override_with_both_before_any_call(monkeypatch, capsys, http):
    code, output = main_of(
        bitbucket_rate_limit, monkeypatch, capsys, http,
        dict(url=BASE_URL, token="unit-test-token", users=[dict(name="ci", whitelisted=True, capacity=1, fill_rate=1)]),
    )

    assert code == 1
    assert output["invalid_option"] == "users"
    assert http.calls == []


# -- bitbucket_rate_limit_info ----------------------------------------------------------------------------------


@pytest.fixture
def run_info(http, make_context):
    return runner(bitbucket_rate_limit_info, http, make_context)


def history_entry(name, count, at):
    return {"user": user(name), "rejectCount": count, "lastRejectTime": at}


@CHECK_MODES
def test_info_reads_settings_overrides_and_history(http, run_info, check_mode):
    history = [history_entry("noisy", 12, 1767225600000)]
    http.expect(
        get_overrides(override("jenkins", whitelisted=True), override("deployer", capacity=600, fill_rate=50)),
        get_settings(settings(enabled=True)),
        Call("GET", HISTORY, query=[("order", "NEWEST")] + FIRST_PAGE, body=page(history)),
    )

    result = run_info({}, check_mode=check_mode)

    assert result == {
        "changed": False,
        "settings": settings(enabled=True),
        "users": [info_fields("deployer", capacity=600, fill_rate=50), info_fields("jenkins", whitelisted=True)],
        "history": history,
        "warnings": [],
    }
    http.assert_done()


def test_info_passes_the_filter_and_the_order(http, run_info):
    http.expect(
        Call("GET", USERS, query=[("filter", "jen")] + FIRST_PAGE, body=page([])),
        get_settings(settings()),
        Call("GET", HISTORY, query=[("order", "FREQUENCY")] + FIRST_PAGE, body=page([])),
    )

    result = run_info(dict(user_filter="jen", history_order="FREQUENCY"))

    assert (result["users"], result["history"]) == ([], [])
    http.assert_done()


run_info_main = functools.partial(main_of, bitbucket_rate_limit_info)


def test_info_main_refuses_an_unknown_order(monkeypatch, capsys, http):
    code, output = run_info_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", history_order="OLDEST"))

    assert code == 1
    assert "history_order" in output["msg"]
    assert http.calls == []


@CHECK_MODES
def test_info_reads_one_users_override_by_slug(http, run_info, check_mode):
    http.expect(Call("GET", USERS + "/build_bot", body=override("Build Bot", whitelisted=True, slug="build_bot")), get_settings(settings()))

    result = run_info(dict(user="build_bot"), check_mode=check_mode)

    assert result["users"] == [info_fields("Build Bot", whitelisted=True, slug="build_bot")]
    assert result["settings"] == settings()
    assert "history" not in result
    http.assert_done()


def test_info_of_a_user_without_an_override(http, run_info):
    http.expect(Call("GET", USERS + "/ci", status=404, body=errors("ci has no user-specific rate limit settings.")), get_settings(settings()))

    assert run_info(dict(user="ci"))["users"] == []
    http.assert_done()
