import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.curation.auth import totp_code


class Command(BaseCommand):
    help = "Demo only: print the authenticator code a staff account would see now."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "totp_code is for the laptop demo only: in production the code comes from "
                "the staff member's own authenticator app."
            )
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{username!r} has no authenticator; run enrol_totp first.")
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{totp_code(device)}   (valid for about {left} s more)")
