import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission


@pytest.fixture
def support_user(demo_world):
    return get_user_model().objects.get(username="support")


@pytest.fixture
def support_client(client, support_user):
    """The demo's support agent, logged in (second factor passed) in the back-office."""
    client.force_login(support_user)
    return client


def support_group() -> Group:
    """Support staff as the portal sets them up: every permission of the business apps but
    deleting (portal/demo/world.py), and the support console's own."""
    group, _ = Group.objects.get_or_create(name="Support")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=[
                "invoices",
                "structures",
                "accounts",
                "facturation_pro",
                "support",
                "reference_lists",
                "api",
                "webhooks",
            ]
        ).exclude(codename__startswith="delete_")
    )
    return group


@pytest.fixture
def agent(make_user):
    user = make_user(username="agent", first_name="Sam", last_name="Martin", is_staff=True)
    user.groups.add(support_group())
    return user


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client
