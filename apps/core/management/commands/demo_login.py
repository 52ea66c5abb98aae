import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.curation.auth import ensure_totp_device
from apps.curation.models import StaffProfile

USERNAME = "demo-coordinator"


class Command(BaseCommand):
    help = "Demo only: give the demo staff account a fresh random password and print it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_login is for the laptop demo only.")
        password = secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"email": "demo-coordinator@example.org"}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        StaffProfile.objects.get_or_create(
            user=user, defaults={"role": StaffProfile.Role.COORDINATOR}
        )
        _device, uri = ensure_totp_device(user)
        base = f"http://{host}:{port}"
        self.stdout.write(
            "\n"
            f"  Waymark demo:  {base}/\n"
            f"  Staff area:    {base}/en/staff/\n"
            f"  Staff login:   {USERNAME} / {password}   (new password on every start)\n"
            "  One-time code: add this link to an authenticator app once,\n"
            f"                 {uri}\n"
            f"                 or run `.venv/bin/python manage.py totp_code {USERNAME}`.\n"
            "  All listings are fictional demonstration data.\n"
        )
