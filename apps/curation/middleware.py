"""A staff session ends 12 hours after sign-in, however busy it is (SR-14).

The 30-minute idle limit is Django's own (SESSION_COOKIE_AGE with
SESSION_SAVE_EVERY_REQUEST); this adds the absolute one. Sits after
AuthenticationMiddleware and before django_otp's OTPMiddleware, so a session ended
here reaches the views as an anonymous, unverified visitor.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout

from .auth import SIGNED_IN_AT


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only a request carrying a session cookie can be signed in; leaving the session
        # untouched otherwise keeps public responses free of "Vary: Cookie".
        if settings.SESSION_COOKIE_NAME in request.COOKIES and SESSION_KEY in request.session:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            too_old = (
                not isinstance(signed_in_at, (int, float))
                or time.time() - signed_in_at > settings.SESSION_ABSOLUTE_LIMIT_SECONDS
            )
            if too_old:
                # Deletes the session row too, so the old cookie is worth nothing.
                logout(request)
        return self.get_response(request)
