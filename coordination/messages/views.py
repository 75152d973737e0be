"""HTTP for messages and documents (issue 19): the team's threads, a thread, a new thread or
message (with a file), a message made a task or an agenda item, the team's documents, a
download, and the portal's threads and documents for the patient and relatives on a phone.

Forms post as plain multipart forms (a file goes with them); invalid input comes back on the
same page with status 200 and the Norwegian reason, and nothing is saved. A save goes back to
the thread (post/redirect/get).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from actors.access import Action, check, reads_thread, require_user
from actors.forms import submit
from actors.models import User
from actors.selectors import team_for_action
from coordination.messages import document_services
from coordination.messages import selectors as message_selectors
from coordination.messages import services as message_services
from coordination.messages.forms import DocumentForm, MessageForm, ThreadForm
from coordination.models import Message
from coordination.tiltak.views import task_form
from lkt.core.dates import short_date
from lkt.core.http import HtmxHttpRequest, form_data

THREADS = "coordination/thread_list.html"
THREAD = "coordination/thread_detail.html"
THREAD_FORM = "coordination/thread_form.html"
UNIT_THREADS = "coordination/unit_threads.html"
UNIT_THREAD_FORM = "coordination/unit_thread_form.html"
DOCUMENTS = "coordination/document_list.html"
MESSAGE_TASK = "coordination/message_task.html"


def _files(request: HtmxHttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _upload(data: dict[str, Any]) -> Any:
    return data.get("file") or None


@login_required
@require_GET
@vary_on_headers("HX-Request")
def team_threads(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    threads = message_selectors.thread_list_for_team(request.user, pk)
    return render(request, THREADS, {"threads": threads, "team": threads.team, "portal": False})


@login_required
@require_GET
def unit_threads(request: HtmxHttpRequest) -> HttpResponse:
    """The threads teams have addressed to the user's koordinerende enhet."""
    listing = message_selectors.thread_list_for_unit(request.user)
    return render(request, UNIT_THREADS, {"threads": listing.threads})


@login_required
@require_GET
def portal_threads(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    threads = message_selectors.thread_list_for_portal(request.user, patient_pk)
    return _portal_page(request, THREADS, patient_pk, threads=threads)


def _portal_page(
    request: HtmxHttpRequest, template: str, patient_pk: int, **listing: Any
) -> HttpResponse:
    """A Min side page of the patient's team (its threads or documents), or of none yet."""
    (shown,) = listing.values()
    context = {**listing, "team": shown.team if shown else None, "portal": True}
    return render(request, template, {**context, "patient_pk": patient_pk})


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = team_for_action(request.user, pk, Action.POST_MESSAGE)
    actor = require_user(request.user)
    staff = actor.kind == User.Kind.STAFF
    form = ThreadForm(form_data(request), _files(request), staff=staff, auto_id="thread-%s")
    thread = submit(
        form,
        lambda data: message_services.thread_start(
            actor=actor,
            team=team,
            subject=data["subject"],
            audience=data.get("audience", ""),
            body=data["body"],
            upload=_upload(data),
        ),
    )
    if thread is not None:
        messages.success(request, _("Samtalen er startet."))
        return redirect("coordination:thread-detail", pk=thread.pk)
    return render(request, THREAD_FORM, {"team": team, "form": form, "portal": not staff})


@login_required
@require_http_methods(["GET", "POST"])
def unit_thread_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The koordinerende enhet starts a thread to a team it is responsible for."""
    start = message_selectors.team_for_unit_thread(request.user, pk)
    actor = require_user(request.user)
    form = ThreadForm(form_data(request), _files(request), staff=False, auto_id="thread-%s")
    thread = submit(
        form,
        lambda data: message_services.unit_thread_start(
            actor=actor,
            team=start.team,
            subject=data["subject"],
            body=data["body"],
            upload=_upload(data),
        ),
    )
    if thread is not None:
        messages.success(request, _("Meldingen er sendt til aktørfellesskapet."))
        return redirect("coordination:thread-detail", pk=thread.pk)
    return render(request, UNIT_THREAD_FORM, {"start": start, "team": start.team, "form": form})


def _thread_context(page: message_selectors.ThreadPage, form: MessageForm) -> dict[str, Any]:
    return {
        "page": page,
        "thread": page.thread,
        "team": page.team,
        "form": form,
        "portal": not page.is_staff,
    }


@login_required
@require_GET
def thread_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page = message_selectors.thread_get(request.user, pk)
    message_services.thread_mark_read(user=require_user(request.user), thread=page.thread)
    return render(request, THREAD, _thread_context(page, MessageForm(auto_id="message-%s")))


@login_required
@require_POST
def message_post(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    page = message_selectors.thread_get(request.user, pk)
    actor = require_user(request.user)
    form = MessageForm(request.POST, request.FILES, auto_id="message-%s")
    message = submit(
        form,
        lambda data: message_services.message_post(
            actor=actor, thread=page.thread, body=data["body"], upload=_upload(data)
        ),
    )
    if message is not None:
        messages.success(request, _("Meldingen er sendt."))
        return redirect(reverse("coordination:thread-detail", args=[pk]) + f"#melding-{message.pk}")
    return render(request, THREAD, _thread_context(page, form))


def _message(request: HtmxHttpRequest, pk: int) -> Message:
    """A message of a thread the user reads (404 otherwise), with its thread and team."""
    message = get_object_or_404(Message.objects.select_related("thread__team__patient"), pk=pk)
    standing = check(request.user, Action.VIEW_THREADS, message.thread.team.patient)
    if not reads_thread(standing, with_patient=message.thread.with_patient):
        raise Http404
    return message


@login_required
@require_http_methods(["GET", "POST"])
def message_task(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Make the message a task of the team: the task form, filled in from the message."""
    message = _message(request, pk)
    thread = message.thread
    team = team_for_action(request.user, thread.team_id, Action.EDIT_NETWORK)
    initial = {
        "title": message_services.shorten(thread.subject, 200),
        "description": message_services.shorten(message.body, 2000),
    }
    form = task_form(team, form_data(request), initial=initial)
    actor = require_user(request.user)
    task = submit(
        form,
        lambda data: message_services.message_to_task(actor=actor, message=message, **data),
    )
    if task is not None:
        messages.success(request, _("Tiltaket «%(title)s» er lagt til.") % {"title": task.title})
        return redirect(
            reverse("coordination:thread-detail", args=[thread.pk]) + f"#melding-{message.pk}"
        )
    return render(
        request, MESSAGE_TASK, {"team": team, "thread": thread, "message": message, "form": form}
    )


@login_required
@require_POST
def message_agenda(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Put the message's matter on the agenda of the team's next meeting (the coordinator)."""
    message = _message(request, pk)
    try:
        item = message_services.message_to_agenda(actor=require_user(request.user), message=message)
        messages.success(
            request,
            _("«%(title)s» står nå på dagsordenen til møtet %(when)s.")
            % {
                "title": item.title,
                "when": short_date(timezone.localtime(item.meeting.starts_at).date()),
            },
        )
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect(
        reverse("coordination:thread-detail", args=[message.thread_id]) + f"#melding-{message.pk}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_documents(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The team's documents, and a file to add (members of the team)."""
    documents = message_selectors.document_list_for_team(request.user, pk)
    team = documents.team
    form = DocumentForm(
        form_data(request), _files(request), meetings=documents.meetings, auto_id="document-%s"
    )
    if request.method == "POST":
        if not documents.may_upload:
            raise PermissionDenied
        actor = require_user(request.user)
        document = submit(
            form,
            lambda data: document_services.document_upload(
                actor=actor,
                team=team,
                upload=_upload(data),
                title=data["title"],
                meeting=data["meeting"],
                for_plan=data["for_plan"],
                for_patient=data["for_patient"],
            ),
        )
        if document is not None:
            messages.success(request, _("«%(name)s» er lastet opp.") % {"name": document.name})
            return redirect("coordination:team-documents", pk=team.pk)
    return render(
        request, DOCUMENTS, {"documents": documents, "team": team, "form": form, "portal": False}
    )


@login_required
@require_GET
def portal_documents(request: HtmxHttpRequest, patient_pk: int) -> HttpResponse:
    documents = message_selectors.document_list_for_portal(request.user, patient_pk)
    return _portal_page(request, DOCUMENTS, patient_pk, documents=documents)


@login_required
@require_GET
def document_download(request: HtmxHttpRequest, pk: int) -> FileResponse:
    """The file, streamed as an attachment under its cleaned name, never shown in the page:
    the browser is told the type LKT found in it, and not to guess another."""
    document = message_selectors.document_for_download(request.user, pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
