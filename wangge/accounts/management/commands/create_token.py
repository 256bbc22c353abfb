"""`wangge create-token USERNAME NAME`: issue an API token and print its key (shown only once)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wangge.accounts.models import User
from wangge.accounts.services import issue_token
from wangge.core.audit import channel_var


class Command(BaseCommand):
    help = "Issue an API token for a user and print the key once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="what the token is for, e.g. 'scanner at point 3'")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        if not user.is_active:
            raise CommandError(f"user {username} is inactive")
        channel_var.set("cli")
        try:
            token, key = issue_token(user, name, actor=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(
            f"token {token.prefix}… issued for {username}; the key is shown only now:"
        )
        self.stdout.write(key)
