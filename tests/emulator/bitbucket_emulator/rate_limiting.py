"""Rate limiting of authenticated requests, as the settings of seed 003 describe it.

Seed 003 "rate-limit settings": every user has a token bucket of ``capacity`` requests refilled at
``fillRate`` tokens a second (``defaultSettings``), unless a per-user override gives them their own
bucket or whitelists them. A request that finds the bucket empty is rejected with 429 and a
``Retry-After`` (API-MAP 3.16; DESIGN "retries ... on 429 (honouring Retry-After)"), and counted in
the reject history (``GET /admin/rate-limit/history``: ``rejectCount``, ``lastRejectTime``).
Nothing is limited while the settings say ``enabled: false``, the state of a fresh instance.

Time is the state's clock (``/_emulator/clock``); a frozen clock refills nothing, so a test can
empty a bucket and read the same history in every run.
"""

from __future__ import annotations

import math

from .errors import RATE_LIMIT_EXCEPTION, ApiError
from .system_settings import RejectCounter


def limits_for(rate, user_id):
    """``(capacity, fill rate)`` that apply to a user, or None when the user is not limited."""
    override = rate.overrides.get(user_id)
    if override is not None:
        if override.whitelisted:
            return None
        return override.capacity, override.fill_rate
    return rate.capacity, rate.fill_rate


def admit(state, user):
    """Take one token from the user's bucket; raise the 429 when there is none."""
    rate = state.rate_limits
    if not rate.enabled:
        return
    limits = limits_for(rate, user.id)
    if limits is None:
        return
    capacity, fill_rate = limits
    now = state.now_ms()
    tokens, at = rate.buckets.get(user.id, (float(capacity), now))
    tokens = min(float(capacity), tokens + max(0, now - at) / 1000.0 * fill_rate)
    if tokens >= 1.0:
        rate.buckets[user.id] = (tokens - 1.0, now)
        return
    rate.buckets[user.id] = (tokens, now)
    counter = rate.history.setdefault(user.id, RejectCounter())
    counter.count += 1
    counter.last_reject_time = now
    wait = max(1, math.ceil((1.0 - tokens) / fill_rate))
    raise ApiError(429, f"You have exceeded the rate limit of {capacity} requests, refilled at {fill_rate} a second. Try again in {wait} seconds.",
                   RATE_LIMIT_EXCEPTION, headers={"Retry-After": str(wait)})
