"""Background work of accounts: the notice an old address gets when a person's sign-in
email changes, sent once the change commits, the password reset email and a sign-up's
email; each retried while the mail server refuses it."""

from datetime import datetime
from functools import partial

from django_tasks import task

from slotlink.accounts.emails import email_changed_email, sign_up_email
from slotlink.accounts.models import User
from slotlink.accounts.passwords import password_reset_email, password_reset_recipients
from slotlink.core.mail import mail_task_run
from slotlink.core.tasks import MAIL_ATTEMPTS

NOTICE_ATTEMPTS = MAIL_ATTEMPTS


@task()
def send_email_changed_notice(
    user_id: int,
    old_email: str,
    new_email: str,
    changed_at: str,
    organization_id: int | None = None,
    attempt: int = 1,
) -> None:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return  # the account is gone, and with it what the notice was about
    message = email_changed_email(
        name=user.get_full_name() or new_email,
        old_email=old_email,
        new_email=new_email,
        changed_at=datetime.fromisoformat(changed_at),
        organization_id=organization_id,
        time_zone=user.time_zone,
        clock=user.clock,
    )
    mail_task_run(
        send_email_changed_notice,
        attempt,
        user_id,
        old_email,
        new_email,
        changed_at,
        organization_id,
        send=message.send,
    )


@task()
def send_password_reset(email: str, attempt: int = 1) -> None:
    """The reset email for the accounts of `email` (none, for an address without one), sent
    from the worker so the page answers every address in the same time."""
    for user in password_reset_recipients(email):
        mail_task_run(
            send_password_reset,
            attempt,
            email,
            send=password_reset_email(user).send,
            refused=partial(_reset_unsent, user.pk),
        )


def _reset_unsent(user_id: int) -> None:
    """The mailbox pause counts only emails the server took."""
    User.objects.filter(pk=user_id).update(password_reset_sent_at=None)


@task()
def send_sign_up_email(pending_id: int, attempt: int = 1) -> None:
    """A sign-up's email, from the worker: the link's token is made here and lives only in
    the email (a task's arguments are stored), and the page answers every address alike."""
    # Here, not at the top: signups.py builds on services.py, which imports this module.
    from slotlink.accounts.signups import sign_up_email_prepare

    prepared = sign_up_email_prepare(pending_id=pending_id)
    if prepared is None:
        return  # finished meanwhile
    mail_task_run(
        send_sign_up_email, attempt, pending_id, send=sign_up_email(prepared=prepared).send
    )
