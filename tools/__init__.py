# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import id_number
from . import cron_batches
from . import pdf_header
from . import currency_sql
from . import activity_sql
from . import copy_field
