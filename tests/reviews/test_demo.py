"""The demo load writes a month of review sheets and coaching notes."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kam.reviews.models import CoachingNote, ReviewComment, ReviewItem, ReviewSheet
from kam.workcalendar.services import is_working_day


@pytest.mark.django_db
def test_demo_has_a_month_of_sheets_and_coaching():
    out = StringIO()
    call_command("demo_load", stdout=out)
    assert "理单表" in out.getvalue()
    sheets = ReviewSheet.objects.all()
    assert sheets.values("rep").distinct().count() == 4
    assert all(is_working_day(day) for day in sheets.values_list("day", flat=True))
    assert not sheets.filter(day__gte=timezone.localdate()).exists()
    assert sheets.filter(filed_at__isnull=True).exists()
    assert sheets.filter(filed_at__isnull=False).count() > sheets.count() / 2
    assert ReviewItem.objects.exclude(rep_note="").exists()
    assert ReviewComment.objects.filter(
        created_at__lt=timezone.now() - timezone.timedelta(hours=12)
    ).exists()
    today = timezone.localdate()
    overdue = CoachingNote.objects.filter(follow_up_due__lt=today, follow_up_done_at__isnull=True)
    assert overdue.exists()
    assert CoachingNote.objects.filter(follow_up_done_at__isnull=False).exists()
