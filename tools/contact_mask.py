# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Masking of a customer's phone number and e-mail address (docs/security.md, class i).

Kept free of the ORM, like ``id_number``: ``13812345678`` → ``138****5678``,
``+86 138 1234 5678`` → ``+86 138****5678``, ``zhang.san@example.com`` → ``z***@example.com``.
The result never equals a non-empty input.
"""

import re
from email.utils import formataddr, parseaddr

_PREFIX_RE = re.compile(r"^(\+\d{1,3})[\s\-.]+(.*)$")


def mask_phone(value):
    """Keep the country prefix, the first three and the last four digits of the number."""
    if not value:
        return value
    text = value.strip()
    match = _PREFIX_RE.match(text)
    if match:
        prefix, rest = match.group(1) + " ", match.group(2)
    elif text.startswith("+86"):
        prefix, rest = "+86 ", text[3:]
    elif text.startswith("+"):
        prefix, rest = "+", text[1:]
    else:
        prefix, rest = "", text
    digits = re.sub(r"\D", "", rest)
    if len(digits) >= 8:
        masked = digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    elif digits:
        keep = len(digits) // 4
        masked = digits[:keep] + "*" * (len(digits) - 2 * keep) + (digits[len(digits) - keep:] if keep else "")
    else:
        masked = "****"
    return prefix + masked


def mask_email(value):
    """Keep the first character of the mailbox and the domain: ``z***@example.com``."""
    if not value:
        return value
    local, at, domain = value.strip().rpartition("@")
    if not at:
        return (value.strip()[:1] or "") + "***"
    return f"{local[:1]}***@{domain}"


def mask_email_formatted(value):
    """``"Zhang San" <zhang.san@example.com>`` → ``"Zhang San" <z***@example.com>``."""
    if not value:
        return value
    name, address = parseaddr(value)
    if not address:
        return mask_email(value)
    return formataddr((name, mask_email(address)))
