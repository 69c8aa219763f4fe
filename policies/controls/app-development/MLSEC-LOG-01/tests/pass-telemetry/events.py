import os

import posthog
import segment.analytics as analytics
import sentry_sdk
from mixpanel import Mixpanel

from .privacy import hash_email

mp = Mixpanel(os.environ["MIXPANEL_PROJECT"])


def on_signup(user):
    # ok: personal-data-to-telemetry
    analytics.identify(user.id, {"plan": user.plan})
    # ok: personal-data-to-telemetry
    posthog.capture(distinct_id=str(user.id), event="signed_up")
    # ok: personal-data-to-telemetry
    analytics.track(user.id, "email_opened", {"count": 3})


def on_error(request):
    # ok: personal-data-to-telemetry
    sentry_sdk.set_user({"id": hash_email(request.user.email)})


def on_purchase(user_id):
    # ok: personal-data-to-telemetry
    mp.track(user_id, "phone verified")


def on_logout():
    # ok: personal-data-to-telemetry
    sentry_sdk.set_user({"email": None})
    # ok: personal-data-to-telemetry
    sentry_sdk.set_user({"email": None, "ip_address": None})
    # ok: personal-data-to-telemetry
    sentry_sdk.set_user(None)
