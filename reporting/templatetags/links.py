"""`{{ pk|link:"app:name" }}` and `{{ "app:name"|route }}`: core.links as template filters."""

from django import template

from core import links

register = template.Library()
register.filter("link", links.link)
register.filter("route", links.route)
