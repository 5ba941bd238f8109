# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import bank_unit_level
from . import bank_org_unit
from . import bank_rm_grade
from . import bank_rm
from . import bank_product_category
from . import bank_account
from . import bank_balance
from . import bank_balance_xun
from . import bank_vip_tier
from . import bank_tier_rule
from . import bank_tier_condition
from . import bank_maintenance_band
from . import bank_tier_history
from . import bank_tier_engine
from . import res_partner
from . import bank_demo_data
