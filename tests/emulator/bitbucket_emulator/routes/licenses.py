"""The instance licence (seed 003; spec get_2, updateLicense; API-MAP 3.14).

Licences are the test licences of ``license_codec.py`` (docs/emulator.md "Licences"). There is no
DELETE in the API, so an instance that has a licence keeps one until the emulator is reset.
"""

from __future__ import annotations

from .. import license_codec
from ..errors import ApiError, bad_request
from ..permissions import require_global
from ..system_settings import SERVER_ID, License, licensed_users
from ..web import Route

DAY_MS = license_codec.DAY_MS
LICENSE_EXCEPTION = "com.atlassian.bitbucket.license.LicenseException"


def _days_until(state, when):
    return None if when is None else int((when - state.now_ms()) // DAY_MS)


def to_rest(state, licence):
    """RestBitbucketLicense (spec schema, seed 003 example): dates in epoch ms, the text as installed."""
    body = {}
    for name, value in (("creationDate", licence.creation_date), ("purchaseDate", licence.purchase_date),
                        ("expiryDate", licence.expiry_date), ("gracePeriodEndDate", licence.expiry_date),
                        ("maintenanceExpiryDate", licence.maintenance_expiry_date)):
        if value is not None:
            body[name] = value
    for name, value in (("daysBeforeExpiry", _days_until(state, licence.expiry_date)),
                        ("numberOfDaysBeforeExpiry", _days_until(state, licence.expiry_date)),
                        ("numberOfDaysBeforeGracePeriodExpiry", _days_until(state, licence.expiry_date)),
                        ("numberOfDaysBeforeMaintenanceExpiry", _days_until(state, licence.maintenance_expiry_date))):
        if value is not None:
            body[name] = value
    unlimited = licence.maximum_number_of_users is None
    body.update({
        "license": licence.text,
        "maximumNumberOfUsers": -1 if unlimited else licence.maximum_number_of_users,
        "unlimitedNumberOfUsers": unlimited,
        "status": {"serverId": SERVER_ID, "currentNumberOfUsers": licensed_users(state)},
    })
    if licence.server_id is not None:
        body["serverId"] = licence.server_id
    if licence.support_entitlement_number is not None:
        body["supportEntitlementNumber"] = licence.support_entitlement_number
    return body


def get_license(ctx):
    # spec get_2: ADMIN ("non-administrators are not permitted to access license details"); 404 "No license has been installed".
    require_global(ctx.state, ctx.principal, "ADMIN")
    if ctx.state.license is None:
        raise ApiError(404, "No license has been installed.", "com.atlassian.bitbucket.license.NoSuchLicenseException")
    return 200, to_rest(ctx.state, ctx.state.license)


def _refused(reason):
    # spec updateLicense: 409 "could not be decoded, or it is not valid for use on this server".
    return ApiError(409, f"The license could not be applied: {reason}.", LICENSE_EXCEPTION)


def decode_license(state, text):
    """A :class:`License` from its text, or the documented 409 (malformed, another product, expired)."""
    try:
        properties = license_codec.decode(text)
    except license_codec.LicenseDecodeError as exc:
        raise _refused(f"it cannot be decoded ({exc})") from None
    # spec updateLicense: "It is for a different product".
    if properties.get(f"{license_codec.PRODUCT}.active", "").lower() != "true":
        raise _refused("it is not a Bitbucket license")
    users = properties.get(f"{license_codec.PRODUCT}.NumberOfUsers", "-1")
    try:
        users = int(users)
    except ValueError:
        raise _refused(f"its user count {users!r} is not a number") from None
    expiry = license_codec.parse_date(properties.get("LicenseExpiryDate"))
    # spec updateLicense: "It is already expired".
    if expiry is not None and expiry <= state.now_ms():
        raise _refused("it has already expired")
    return License(
        text=text,
        maximum_number_of_users=None if users < 0 else users,
        creation_date=license_codec.parse_date(properties.get("CreationDate")),
        purchase_date=license_codec.parse_date(properties.get("PurchaseDate")),
        expiry_date=expiry,
        maintenance_expiry_date=license_codec.parse_date(properties.get("MaintenanceExpiryDate")),
        server_id=properties.get("ServerID"),
        support_entitlement_number=properties.get("SEN"),
    )


def update_license(ctx):
    # spec updateLicense: SYS_ADMIN; 400 "No encoded license was provided"; 200 with the new licence. A licence
    # for fewer users than are licensed now is accepted: pushing is then disabled (system_settings.dump).
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    body = ctx.json_object()
    text = body.get("license")
    if not isinstance(text, str) or not text.strip():
        raise bad_request("No encoded license was provided.", "license")
    ctx.state.license = decode_license(ctx.state, text)
    # The installed licence's user limit is the one licensing.py enforces on user creation, group joins
    # and global grants (the /_emulator/license control sets the same value without a licence).
    ctx.state.licensed_user_limit = ctx.state.license.maximum_number_of_users
    return 200, to_rest(ctx.state, ctx.state.license)


ROUTES = [
    Route("GET", "/api/latest/admin/license", get_license),
    Route("POST", "/api/latest/admin/license", update_license),
]
