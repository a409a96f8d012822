import factory
from django.contrib.auth import get_user_model

from sparkhub.models import WorkerCheck


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class WorkerCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerCheck

    queue = "default"
