from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "relations"
    verbose_name = _("Course content")

    def ready(self):
        from relations.checks import check_site_url

        checks.register(check_site_url, checks.Tags.security, deploy=True)
