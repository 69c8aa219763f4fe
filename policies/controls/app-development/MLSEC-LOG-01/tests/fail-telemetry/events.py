import os

import posthog
import segment.analytics as analytics
import sentry_sdk
from sentry_sdk import capture_exception, set_user
from mixpanel import Mixpanel

mp = Mixpanel(os.environ["MIXPANEL_PROJECT"])


def on_signup(user):
    # ruleid: personal-data-to-telemetry
    analytics.identify(user.id, {"email": user.email, "plan": user.plan})
    # ruleid: personal-data-to-telemetry
    posthog.capture(distinct_id=user.email, event="signed_up")


def on_error(request):
    # ruleid: personal-data-to-telemetry
    sentry_sdk.set_user({"id": request.user.id, "ip_address": request.client.host})


def on_purchase(user_id, phone_number):
    # ruleid: personal-data-to-telemetry
    mp.people_set(user_id, {"$phone": phone_number})


def capture_error(exception, account=None, address=None):
    # the SDK's functions imported by name, the user cleared first and then set
    set_user({"email": None})
    if account is not None:
        # ruleid: personal-data-to-telemetry
        set_user({"email": account.email})
    if address:
        # ruleid: personal-data-to-telemetry
        set_user({"email": address})
    capture_exception(exception)
