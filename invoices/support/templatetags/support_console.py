from django import template

from invoices.support.durations import duration_words

register = template.Library()
register.filter("duration_words", duration_words)
