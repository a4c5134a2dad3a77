"""`{% cache %}` as Django's tag, except that a cache out of reach is a miss, never an error.

Loaded instead of Django's `cache` library by templates/reporting/dashboard_base.html. The fragment
is rendered and not stored when a vary-on value is None (reporting.dashboards.page_cache answers
None when the data version cannot be read) or when the cache cannot be reached (core.cache_guard).
"""

from django import template
from django.core.cache.utils import make_template_fragment_key
from django.template import TemplateSyntaxError, VariableDoesNotExist
from django.templatetags.cache import CacheNode, do_cache

from core import cache_guard
from core.cache_guard import UNAVAILABLE
from reporting.dashboards.page_cache import PAGE_CACHE

register = template.Library()


class GuardedCacheNode(CacheNode):
    def render(self, context):
        vary_on = [var.resolve(context) for var in self.vary_on]
        if any(value is None for value in vary_on):
            return self.nodelist.render(context)
        try:
            expire_time = self.expire_time_var.resolve(context)
            alias = self.cache_name.resolve(context) if self.cache_name else PAGE_CACHE
        except VariableDoesNotExist as exc:
            raise TemplateSyntaxError(f'"cache" tag got an unknown variable: {exc}') from None
        expire_time = None if expire_time is None else int(expire_time)
        key = make_template_fragment_key(self.fragment_name, vary_on)
        value = cache_guard.attempt(alias, lambda cache: cache.get(key))
        if value is None or value is UNAVAILABLE:
            reachable = value is None
            value = self.nodelist.render(context)
            if reachable:
                cache_guard.attempt(alias, lambda cache: cache.set(key, value, expire_time))
        return value


@register.tag("cache")
def guarded_cache(parser, token):
    """`{% cache seconds name vary... [using="alias"] %}…{% endcache %}`, as Django's."""
    node = do_cache(parser, token)
    return GuardedCacheNode(
        node.nodelist, node.expire_time_var, node.fragment_name, node.vary_on, node.cache_name
    )
