from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "kam.reviews"
    verbose_name = _("理单")

    def ready(self) -> None:
        from kam.interactions.selectors import timeline_register_source
        from kam.reviews.timeline import review_comment_source, review_note_source

        timeline_register_source(review_note_source)
        timeline_register_source(review_comment_source)
