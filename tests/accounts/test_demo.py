import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from slotlink.accounts.models import Membership, Organization, User
from slotlink.shell.demo import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mode(settings):
    settings.DEMO = True


def test_demo_seed_creates_acme_with_an_admin_and_a_member(demo_mode):
    """The demo has Acme, an admin and a member who can sign in with the printed password."""
    accounts = demo_seed(password=None)
    assert accounts.organization.name == "Acme"
    assert len(accounts.password) >= 12
    roles = {m.user.email: m.role for m in Membership.objects.select_related("user")}
    assert roles == {"admin@acme.test": "admin", "member@acme.test": "member"}
    admin = User.objects.get(email="admin@acme.test")
    assert admin.check_password(accounts.password)


def test_the_demo_admin_runs_acme_and_separate_staff_run_the_installation(demo_mode):
    """Acme's admin is not Django staff, so the Django admin (every organization's data) is
    closed to them; the demo's platform staff account is in no organization and opens it."""
    accounts = demo_seed(password="demo-password-123")
    assert not accounts.admin.is_staff
    assert not accounts.admin.is_superuser
    client = Client()
    client.force_login(accounts.admin)
    assert client.get("/django-admin/").status_code == 302  # to the admin's own sign-in
    assert accounts.staff is not None
    assert accounts.staff.email == "staff@slotlink.test"
    assert accounts.staff.is_staff
    assert accounts.staff.is_superuser
    assert accounts.staff.check_password("demo-password-123")
    assert not Membership.objects.filter(user=accounts.staff).exists()
    staff = Client()
    staff.force_login(accounts.staff)
    assert staff.get("/django-admin/").status_code == 200


def test_a_demo_admin_made_superuser_by_an_older_seed_is_made_an_admin_of_acme_only(demo_mode):
    """Seeding a demo whose Acme admin was a superuser takes that away."""
    accounts = demo_seed(password=None)
    User.objects.filter(pk=accounts.admin.pk).update(is_staff=True, is_superuser=True)
    demo_seed(password=None)
    admin = User.objects.get(pk=accounts.admin.pk)
    assert not admin.is_staff
    assert not admin.is_superuser


def test_demo_seed_is_idempotent(demo_mode):
    """Seeding again keeps the same people, organization and password."""
    first = demo_seed(password=None)
    second = demo_seed(password=None)
    assert Organization.objects.count() == 1
    assert User.objects.count() == 3
    assert Membership.objects.count() == 2
    assert second.password == ""  # nothing new to print: the first password still works
    assert User.objects.get(email="member@acme.test").check_password(first.password)


def test_demo_seed_takes_the_password_from_the_environment_setting(demo_mode):
    """SLOTLINK_DEMO_PASSWORD sets the password, also for a demo that already exists."""
    demo_seed(password="first-password-123")
    demo_seed(password="second-password-456")
    assert User.objects.get(email="admin@acme.test").check_password("second-password-456")
    assert User.objects.get(email="member@acme.test").check_password("second-password-456")
    assert User.objects.get(email="staff@slotlink.test").check_password("second-password-456")


def test_demo_data_is_never_created_outside_demo_mode(settings):
    """Outside demo mode, demo data is refused."""
    settings.DEMO = False
    with pytest.raises(ImproperlyConfigured):
        demo_seed(password="x-password-123")
    assert not User.objects.exists()
