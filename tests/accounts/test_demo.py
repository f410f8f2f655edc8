import pytest
from django.core.exceptions import ImproperlyConfigured

from slotlink.accounts.models import Membership, Organization, User
from slotlink.core.demo import demo_seed

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
    assert admin.is_staff


def test_demo_seed_is_idempotent(demo_mode):
    """Seeding again keeps the same people, organization and password."""
    first = demo_seed(password=None)
    second = demo_seed(password=None)
    assert Organization.objects.count() == 1
    assert User.objects.count() == 2
    assert Membership.objects.count() == 2
    assert second.password == ""  # nothing new to print: the first password still works
    assert User.objects.get(email="member@acme.test").check_password(first.password)


def test_demo_seed_takes_the_password_from_the_environment_setting(demo_mode):
    """SLOTLINK_DEMO_PASSWORD sets the password, also for a demo that already exists."""
    demo_seed(password="first-password-123")
    demo_seed(password="second-password-456")
    assert User.objects.get(email="admin@acme.test").check_password("second-password-456")
    assert User.objects.get(email="member@acme.test").check_password("second-password-456")


def test_demo_data_is_never_created_outside_demo_mode(settings):
    """Outside demo mode, demo data is refused."""
    settings.DEMO = False
    with pytest.raises(ImproperlyConfigured):
        demo_seed(password="x-password-123")
    assert not User.objects.exists()
