"""Create the demo superuser and load every app's demo data."""

from __future__ import annotations

import importlib
import os
import secrets

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "Create the 'admin' superuser (password from SPARKHUB_ADMIN_PASSWORD, or generated and "
        "printed once) and load each app's demo data (its demo.load function)."
    )

    def handle(self, *args, **options):
        self._ensure_admin()
        for app in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{app.name}.demo")
            except ModuleNotFoundError as error:
                if error.name == f"{app.name}.demo":
                    continue
                raise
            self.stdout.write(f"Loading demo data for {app.verbose_name}…")
            summary = module.load()
            self.stdout.write(f"  {summary}")

    def _ensure_admin(self) -> None:
        User = get_user_model()
        configured = os.environ.get("SPARKHUB_ADMIN_PASSWORD", "")
        user = User.objects.filter(username=DEMO_USERNAME).first()
        if user and not configured:
            self.stdout.write(
                f"Superuser '{DEMO_USERNAME}' exists (change its password with "
                f"`python manage.py changepassword {DEMO_USERNAME}`)."
            )
            return
        password = configured or secrets.token_urlsafe(12)
        if user is None:
            user = User(username=DEMO_USERNAME, email="admin@localhost")
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        shown = "from SPARKHUB_ADMIN_PASSWORD" if configured else password
        self.stdout.write(
            self.style.SUCCESS(f"Superuser '{DEMO_USERNAME}' ready; password: {shown}")
        )
        if not configured:
            self.stdout.write("This password is shown only once: note it now.")
