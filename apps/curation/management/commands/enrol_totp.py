import io

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.curation.auth import ensure_totp_device, revoke_totp_devices


class Command(BaseCommand):
    help = (
        "Enrol a staff member's authenticator app (SR-11): prints the otpauth:// link and a "
        "QR code to scan. --reset replaces a lost or changed phone; --revoke only removes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--reset",
            action="store_true",
            help="Replace the existing authenticator: the old one stops working at once.",
        )
        action.add_argument(
            "--revoke",
            action="store_true",
            help="Remove every authenticator: the account cannot enter until enrolled again.",
        )
        parser.add_argument("--no-qr", action="store_true", help="Print the link only.")

    def handle(self, *args, username, reset, revoke, no_qr, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

        if revoke:
            removed = revoke_totp_devices(user)
            self.stdout.write(
                f"Removed {removed} authenticator(s) of {username}. Their open sessions lose "
                "access to the staff area now; enrol them again with enrol_totp."
            )
            return

        if not reset and TOTPDevice.objects.filter(user=user).exists():
            raise CommandError(
                f"{username} already has an authenticator. Use --reset to replace it (the old "
                "one stops working at once), or --revoke to remove it."
            )
        _device, uri = ensure_totp_device(user, reset=reset)

        if not (user.is_active and user.is_staff):
            self.stderr.write(
                f"Note: {username} is not an active staff account, so cannot enter the staff "
                "area yet."
            )
        self.stdout.write(
            f"Authenticator enrolled for {username}.\n"
            "Scan the QR code (or type the link) into the staff member's authenticator app, "
            "with them, in person or on a call you trust. The link is a secret: do not send "
            "it by email or chat, and clear this terminal afterwards.\n"
        )
        if not no_qr:
            picture = io.StringIO()
            segno.make(uri, error="m").terminal(out=picture, compact=True)
            # One write: OutputWrapper would add a newline after each of segno's lines.
            self.stdout.write(picture.getvalue(), ending="")
        self.stdout.write(uri)
