"""The event type editor's Questions tab: the booking form's questions, added, edited,
moved up or down and removed, and whether invitees may add guests. Plain forms: it works
without script."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from slotlink.accounts.access import MemberRequest, member_required
from slotlink.scheduling.models import EventType
from slotlink.scheduling.questions.forms import GuestsSettingForm, QuestionForm
from slotlink.scheduling.questions.models import Question
from slotlink.scheduling.questions.selectors import questions_of
from slotlink.scheduling.questions.services import (
    guests_allow,
    question_add,
    question_move,
    question_remove,
    question_update,
)
from slotlink.scheduling.views.event_types import _event_type_or_404, _public_url


def _page(
    request: MemberRequest,
    event_type: EventType,
    form: QuestionForm,
    *,
    editing: Question | None = None,
) -> HttpResponse:
    return render(
        request,
        "scheduling/event_type_questions.html",
        {
            "form": form,
            "editing": editing,
            "guests_form": GuestsSettingForm(initial={"allow_guests": event_type.allow_guests}),
            "event_type": event_type,
            "questions": questions_of(event_type=event_type),
            "public_url": _public_url(request, event_type),
            "tab": "questions",
        },
    )


@member_required
def event_type_questions(request: MemberRequest, event_type_id: int) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = question_add(
                event_type=event_type,
                kind=form.cleaned_data["kind"],
                label=form.cleaned_data["label"],
                required=form.cleaned_data["required"],
                options=form.option_list(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, format_html("Added: “<bdi>{}</bdi>”.", question.label))
            return redirect("event-questions", event_type_id=event_type.id)
    return _page(request, event_type, form)


@member_required
def event_type_question_edit(
    request: MemberRequest, event_type_id: int, question_id: int
) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    question = Question.objects.filter(event_type=event_type, pk=question_id).first()
    if question is None:
        raise Http404("No such question.")
    form = QuestionForm(request.POST) if request.method == "POST" else None
    if form is None:
        return _page(request, event_type, QuestionForm.for_question(question), editing=question)
    if form.is_valid():
        try:
            saved = question_update(
                event_type=event_type,
                question_id=question.pk,
                kind=form.cleaned_data["kind"],
                label=form.cleaned_data["label"],
                required=form.cleaned_data["required"],
                options=form.option_list(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if saved is None:
                raise Http404("No such question.")
            messages.success(request, format_html("Saved: “<bdi>{}</bdi>”.", saved.label))
            return redirect("event-questions", event_type_id=event_type.id)
    return _page(request, event_type, form, editing=question)


@member_required
@require_POST
def event_type_question_move(
    request: MemberRequest, event_type_id: int, question_id: int
) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    question_move(
        event_type=event_type, question_id=question_id, up=request.POST.get("direction") == "up"
    )
    return redirect("event-questions", event_type_id=event_type.id)


@member_required
@require_POST
def event_type_question_remove(
    request: MemberRequest, event_type_id: int, question_id: int
) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    if question_remove(event_type=event_type, question_id=question_id):
        messages.success(request, "Removed. Bookings made already keep their answers to it.")
    return redirect("event-questions", event_type_id=event_type.id)


@member_required
@require_POST
def event_type_guests(request: MemberRequest, event_type_id: int) -> HttpResponse:
    event_type = _event_type_or_404(request, event_type_id)
    form = GuestsSettingForm(request.POST)
    form.is_valid()  # a checkbox: absent is off
    allowed = bool(form.cleaned_data.get("allow_guests"))
    guests_allow(event_type=event_type, allowed=allowed)
    messages.success(
        request, "Invitees may now add guests." if allowed else "Invitees can't add guests now."
    )
    return redirect("event-questions", event_type_id=event_type.id)
