# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Identity-document helpers: the GB 11643 check digit and masking.

Kept free of the ORM so that the rules can be read (and tested) on their own.
"""

import re
import unicodedata

# GB 11643-1999: weights of the 17 leading digits and the check characters by remainder.
_PRC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_PRC_CHECK_CHARS = "10X98765432"
# ASCII digits only: Python's \d also matches full-width and other Unicode digits.
_PRC_18_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_PRC_15_RE = re.compile(r"^[0-9]{15}$")


def normalize(value):
    """Strip spaces and upper-case a trailing ``x``: the forms clerks actually type.

    Full-width digits and letters (``１１０１…Ｘ``, typed with a Chinese input method) become
    their ASCII forms (NFKC), so that the number is checked and stored as one spelling."""
    if not value:
        return value
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()


def prc_check_char(first17):
    """Return the GB 11643 check character of the 17 leading digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _PRC_WEIGHTS, strict=True))
    return _PRC_CHECK_CHARS[total % 11]


def prc_id_error(value):
    """Return why ``value`` is not a valid PRC resident ID number, or ``None`` when it is.

    18-character numbers (since 1999) must carry the right check digit; the
    legacy 15-digit numbers have none and are only checked for shape.
    """
    value = normalize(value)
    if _PRC_15_RE.match(value):
        return None
    if not _PRC_18_RE.match(value):
        return "shape"
    if prc_check_char(value[:17]) != value[17]:
        return "check_digit"
    return None


def mask(value):
    """Mask an identifier, keeping only its ends: ``110105199001011234`` → ``1101**********1234``.

    Long values keep four characters at each end, shorter ones less, and at
    least half of any value is hidden, so the result never equals the input.
    """
    if not value:
        return value
    length = len(value)
    keep = 4 if length >= 12 else length // 4
    hidden = length - 2 * keep
    return value[:keep] + "*" * hidden + (value[length - keep :] if keep else "")
