from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (alone, on the last line)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options) -> None:
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user called {username!r}") from None
        row, token = api_token_create(actor=user, name=name)
        self.stderr.write(
            f"Token {row.prefix}… for {username}. Keep it secret: it is shown only once. "
            "Send it as: Authorization: Bearer <token>"
        )
        self.stdout.write(token)
