# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import bank_unit_level
from . import bank_org_unit
from . import bank_rm_grade
from . import bank_rm
from . import res_partner
from . import bank_product_category
from . import bank_account
from . import bank_balance
